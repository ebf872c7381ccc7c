"""The native joint pass (``_vadercore.Core.joined_spans_into``) finds a span's tokens from where the previous
span of the same text ended (a hint) and falls back to a binary search when the hint does not hold. Spans of one
text in any order — forward, backward, overlapping, repeated, empty, cutting tokens — must give the compounds
vaderSentiment 3.3.2 gives each span string, bit for bit."""

from __future__ import annotations

import itertools
import random

import numpy as np
from test_sentiment_joint_scores import _assert_joint, nat  # noqa: F401  (the fixture)

from reviewtools.sentiment import TITLE_TEXT_SEPARATOR

TEXT = ("Love it SO much!! The battery died after two days. Not bad, but not great either. "
        "kind of good? I would never so recommend it. Without doubt the WORST charger ever... ok.")
TITLE = "GREAT but sad"


def _spans(order: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    owner = np.zeros(len(order), dtype=np.int64)
    return owner, np.array([a for a, _ in order], dtype=np.int64), np.array([b for _, b in order], dtype=np.int64)


def _sentences() -> list[tuple[int, int]]:
    out, a = [], 0
    for k, ch in enumerate(TEXT):
        if ch in ".!?" and (k + 1 == len(TEXT) or TEXT[k + 1] == " "):
            out.append((a, k + 1))
            a = k + 2
    return out


def test_spans_in_order_backwards_and_repeated(nat):  # noqa: F811
    sents = _sentences()
    for order in (sents, sents[::-1], sents + sents, sents[1::2] + sents[::2], [sents[2], sents[0], sents[2]]):
        _assert_joint(nat, [TITLE], [TEXT], TITLE_TEXT_SEPARATOR, [TEXT], *_spans(order))


def test_spans_at_any_edges_in_random_orders(nat):  # noqa: F811
    rng = random.Random(8)
    edges = sorted({0, len(TEXT), *rng.sample(range(len(TEXT)), 12)})
    pairs = [(a, b) for a, b in itertools.combinations(edges, 2)] + [(5, 5), (0, 0), (len(TEXT), len(TEXT))]
    for _ in range(6):
        order = rng.sample(pairs, 25)
        _assert_joint(nat, [TITLE], [TEXT], TITLE_TEXT_SEPARATOR, [TEXT], *_spans(order))


def test_long_texts_around_the_counters_bound(nat):  # noqa: F811
    """The ASCII tokenizer sums 12-bit counters per text up to 4,095 characters and uses the character loop past
    that: texts of nothing but '!' or '?' (each counter at its most), caps and punctuation, at and around it."""
    from test_vader_native import REF, _float_bits

    unit = "GOOD!!! bad?? Not SO great, but ok. "
    texts = []
    for n in (4093, 4094, 4095, 4096, 4097, 9000):
        texts += ["!" * n, "good " + "!" * n, "bad " + "?" * n, "good " + "!" * (n - 5), "bad " + "?" * (n - 4),
                  (unit * (n // len(unit) + 1))[:n]]
    rows = nat.joined_scores_array(["Five Stars"] * len(texts), texts, TITLE_TEXT_SEPARATOR)
    want = []
    for t in texts:
        d = REF.polarity_scores("Five Stars" + TITLE_TEXT_SEPARATOR + t)
        want += [d["neg"], d["neu"], d["pos"], d["compound"]]
    assert _float_bits(rows.ravel()) == _float_bits(want)
    assert _float_bits(nat.compound_many(texts)) == _float_bits([REF.polarity_scores(t)["compound"] for t in texts])


def test_non_ascii_texts_spans_from_the_review_strings_tokens(nat):  # noqa: F811
    """A text that is not ASCII keeps its review string's tokens for its sentences too when no emoji description
    moved its characters (with one, each sentence is scored on its own): equal to vaderSentiment either way, with
    and without a title, for every sentence and for spans cutting tokens."""
    from reviewtools import sentiment

    texts = ["Très bien. Le café est GOOD! Não é ruim, but not great… ok.",
             "Naïve design 😀 love it. Then it broke 😡!! Never so happy?",
             "ÉNORME problème. Ça ne marche pas. kind of good\u00a0but bad.",
             "Straße gut. İstanbul bad.",  # U+0130 is left to the Python path
             "ok ☺ fine. 不好. good"]
    for titles in (["Ça va"] * len(texts), [""] * len(texts), ["Five Stars", " ", "NOT GOOD", "é", ""]):
        own, a, b = sentiment.split_sentences_many(texts)
        extra_a = [0, 3, 7, 11]
        owner = np.concatenate([own, np.arange(len(extra_a)) % len(texts)]).astype(np.int64)
        start = np.concatenate([a, extra_a]).astype(np.int64)
        end = np.concatenate([b, [len(texts[o]) for o in range(len(extra_a))]]).astype(np.int64)
        for sep in (TITLE_TEXT_SEPARATOR, " ", "\u00a0"):
            _assert_joint(nat, titles, texts, sep, list(texts), owner, start, end)
