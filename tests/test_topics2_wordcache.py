"""The native judge's token cache (``tp_word_str`` in ``_vadercore.c``): the str of an ASCII token up to 24
characters is taken from a small direct-mapped cache of str objects instead of being built per window. Many
distinct tokens (far more than the cache's 4,096 slots, so slots are shared and replaced), tokens around the
24-character bound, prefixes of one another and repeated windows (cache hits) must give exactly the tokens the
regex reference (``topics._clause_doc`` / ``_window_doc`` without the core) gives."""

from __future__ import annotations

import random

import pytest

from reviewtools import topics
from reviewtools.vader import native_module

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_clause"),
                                reason="native core not built")
LEX = topics._lexicon()


def _words(n: int, seed: int = 8) -> list[str]:
    rnd = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_"
    out = set()
    while len(out) < n:
        out.add("".join(rnd.choice(alphabet) for _ in range(rnd.choice((1, 2, 3, 5, 8, 23, 24, 25, 31)))))
    words = sorted(out)
    # prefixes of one another and the 24-character bound with an apostrophe inside
    words += ["x" * k for k in range(1, 30)] + ["don't" + "s" * k for k in range(0, 24)]
    return words


def _agree(window: str, start: int, end: int) -> None:
    for after in (False, True):
        want = topics._clause_doc(window, start, end, LEX, after)
        got = topics._clause_doc(window, start, end, LEX, after, CORE)
        assert got == want, (window, start, end, after)
    want_w = topics._window_doc(window, start, end, LEX)
    got_w = topics._window_doc(window, start, end, LEX, CORE)
    assert (got_w is None) == (want_w is None)
    if got_w is not None:
        assert (got_w[0].words, got_w[0].clauses, got_w[0].sentences, got_w[1:]) == (
            want_w[0].words, want_w[0].clauses, want_w[0].sentences, want_w[1:]), (window, start, end)


@needs_core
def test_word_cache_gives_the_reference_tokens_through_many_distinct_words():
    words = _words(12_000)
    rnd = random.Random(9)
    for rounds in range(2):  # the second pass meets words whose slots were taken over since
        for i in range(0, len(words) - 4, 3):
            a, b, c, d = words[i : i + 4]
            glue = rnd.choice((" ", ", ", " but ", " not ", ". "))
            window = f"{a} {b}{glue}broken {c} {d}"
            s = window.index("broken")
            _agree(window, s, s + len("broken"))


@needs_core
def test_word_cache_keeps_non_ascii_and_equal_bytes_apart():
    # a non-ASCII window never takes a cached str; equal ASCII tokens in both stay equal
    for window in ("café broken it", "cafe broken it", "naïve, not broken", "naive, not broken",
                   "x" * 24 + " broken " + "x" * 25, "x" * 25 + " broken " + "x" * 24):
        s = window.index("broken")
        for _ in range(2):
            _agree(window, s, s + 6)


@needs_core
def test_native_verdict_head_token_before_a_mark_is_its_own_clause():
    """tp_verdict reads tp_clause_doc_c's clause numbers from a C array: a quantified negator opening the clause
    after a mark brings the last token before the mark along as clause 0, which must not be taken as a cue (or a
    negator) of the match's clause."""
    from test_topics_native import LEX as NLEX, PHRASES_BY_KIND, _verdicts_agree

    cues = sorted(NLEX.negative)[:6] + sorted(NLEX.positive)[:6] + ["not", "no", "quite", "a"]
    phrases = PHRASES_BY_KIND["mention"][:12] + PHRASES_BY_KIND["complaint"][:6]
    for ph in phrases:
        for cue in cues:
            for q in sorted(NLEX.quantified_negators)[:6]:
                for mark in (",", ".", ";", ""):
                    for gap in ("", " it"):
                        window = f"{cue}{mark} {q}{gap} {ph.phrase} ok"
                        s = window.index(ph.phrase, len(cue) + 1)
                        _verdicts_agree(window, s, s + len(ph.phrase), ph)
