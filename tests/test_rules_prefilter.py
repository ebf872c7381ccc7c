"""The column-wide prefilters of ``check_each_review`` never change its result.

``check_each_review(frame)`` runs each detector only on the rows its prefilter keeps; ``prefilter=False`` runs
the plain per-review loop. They must be frame-equal on any input: the rules' own examples, real review
snippets, and adversarial Unicode (letters next to anchors, İ/ß/Σ case mapping, zero-width spaces, emoji,
URLs, phone numbers of several regions).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools.rules import DETECTORS, PREFILTERS, check_each_review, load_rules

FIXTURES = Path(__file__).parent / "fixtures"
MARKETS = ("amazon.com", "amazon.de", "amazon.co.uk", "amazon.co.jp", None, "amazon.xx")
PLATFORMS = ("amazon", "google", "trustpilot", "yelp", "app_store", "google_play", "other", "ebay", None)

#: Hand-made adversarial pieces: each is spliced into texts below.
ADVERSARIAL = (
    "éfree gift", "freeé", "gift\u00e9 card", "İ received this free for my honest review",
    "İSTANBUL ORDER NEVER ARRIVED", "STRAßE 12 Baker Street", "ẞ", "ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ",
    "σ Σ σ Σ σ", "you\u200b idiot", "you idiot\u200b", "fu\u200bck", "🤬🤬🤬🤬🤬🤬🤬🤬🤬🤬🤬🤬🤬",
    "!!!!!!!!!!!!", "😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀 😀", "---- ==== ---- ====", "HTTP://EXAMPLE.COM/x",
    "httpſ://example.org", "WWW.Example.COM", "Visit example.COM today", "go to shop.it/x", "great.It works",
    "bit.ly/abc", "amzn.to/xyz", "https://www.amazon.com/dp/B0?tag=abc-20", "mail me at a.b@example.co.uk",
    "Call +44 20 7946 0958", "ruf an 030 12345678", "電話 +81 3-1234-5678", "(415) 867-5309", "415.867.5309",
    "４１５-８６７-５３０９", "order 123-4567890-1234567", "١٢٣-٤٥٦٧٨٩٠-١٢٣٤٥٦٧", "I live at 221 Baker Street",
    "hi hi hi hi hi", "Hi, hi. HI! hi hi", "K\u212a k k k k", "ſo ſo ſo ſo ſo", "ıt ıt ıt ıt ıt",
    "aaaaaaaaaaaa", "ééééééééééé", "zxcvb qwrtp mnbvc lkjhg", "Das Produkt ist nach zwei Wochen kaputt gegangen",
    "Ce produit est vraiment excellent, je le recommande à tous mes amis sans hésiter", "\n\n", "   ",
    "the seller never shipped my order", "ΤΗΕ ΑΝD", "shipping\u00a0was fast", "code\u2028SAVE20",
)


def _example_texts() -> list[tuple[str, str]]:
    """(title, text) pairs from every rule's hit and miss examples."""
    out: list[tuple[str, str]] = []
    for rule in load_rules():
        for ex in (*rule.hit_examples, *rule.miss_examples):
            if isinstance(ex, str):
                out.append(("", ex))
            elif isinstance(ex, dict) and "frame" not in ex:
                out.append((str(ex.get("title") or ""), str(ex.get("text") or "")))
            elif isinstance(ex, dict):
                out.extend((str(r.get("title") or ""), str(r.get("text") or "")) for r in ex["frame"])
    return out


def _snippets(limit: int = 150) -> list[str]:
    path = FIXTURES / "vader" / "amazonReviewSnippets_GroundTruth.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return [ln.split("\t")[-1] for ln in lines if ln.strip()]


EXAMPLES = _example_texts()
SNIPPETS = _snippets()


def _frame(pairs: list[tuple[str, str]], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(pairs)
    return pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "platform": [PLATFORMS[i] for i in rng.integers(0, len(PLATFORMS), n)],
        "marketplace": [MARKETS[i] for i in rng.integers(0, len(MARKETS), n)],
        "vine": [(True, False, None)[i] for i in rng.integers(0, 3, n)],
        "title": [t for t, _ in pairs],
        "text": [x for _, x in pairs],
    })


def _varied_pairs() -> list[tuple[str, str]]:
    rng = np.random.default_rng(8)
    pairs = list(EXAMPLES)
    pairs += [("", s) for s in SNIPPETS]
    pairs += [("", a) for a in ADVERSARIAL] + [(a, "") for a in ADVERSARIAL]
    texts = [x for _, x in EXAMPLES] + SNIPPETS
    for _ in range(300):  # splices: an example, an adversarial piece, another example
        a, b = (texts[i] for i in rng.integers(0, len(texts), 2))
        adv = ADVERSARIAL[int(rng.integers(0, len(ADVERSARIAL)))]
        glue = (" ", "", "\n", "\u200b", "é")[int(rng.integers(0, 5))]
        pairs.append((adv if rng.random() < 0.2 else "", glue.join((a, adv, b))))
    return pairs


def _assert_same(frame: pd.DataFrame, competitors: tuple[str, ...] = ()) -> None:
    fast = check_each_review(frame, competitors=competitors)
    ref = check_each_review(frame, competitors=competitors, prefilter=False)
    pd.testing.assert_frame_equal(fast, ref)


def test_every_detector_has_a_prefilter():
    assert set(PREFILTERS) == set(DETECTORS)


@pytest.mark.parametrize("competitors", [(), ("Acme", "Blendtec", "İpek")])
def test_prefiltered_equals_reference_on_varied_reviews(competitors):
    frame = _frame(_varied_pairs(), seed=1)
    assert len(frame) > 500
    _assert_same(frame, competitors)


def test_prefiltered_equals_reference_on_an_slice_and_with_missing_columns():
    frame = _frame(_varied_pairs()[:200], seed=2)
    _assert_same(frame.iloc[50:120])
    _assert_same(frame[["review_id", "text"]])
    _assert_same(frame.assign(text=[None if i % 7 == 0 else t for i, t in enumerate(frame.text)]))


def test_examples_are_candidates_of_their_own_rule():
    """Each rule's hit examples survive its prefilter (a prefilter that dropped them would lose hits)."""
    for rule in load_rules():
        if rule.detector not in PREFILTERS:
            continue
        pairs = [(t, x) for t, x in _example_texts()]
        for ex in rule.hit_examples:
            if not isinstance(ex, (str, dict)) or (isinstance(ex, dict) and "frame" in ex):
                continue
            title, text = ("", ex) if isinstance(ex, str) else (str(ex.get("title") or ""), str(ex.get("text") or ""))
            market = ex.get("marketplace", "amazon.com") if isinstance(ex, dict) else "amazon.com"
            vine = ex.get("vine") if isinstance(ex, dict) else None
            comp = tuple(ex.get("competitors", ())) if isinstance(ex, dict) else ()
            batch = R._Batch([title], [text], [market], [vine])
            sel = PREFILTERS[rule.detector](batch, rule, comp)
            assert sel is None or isinstance(sel, R._Constant) or bool(sel[0]), (rule.rule_id, ex)
        assert pairs


@pytest.mark.parametrize("name", sorted({r.params["phrases"] for r in load_rules() if "phrases" in r.params}
                                        | {"logistics", "product_cues"}))
def test_required_literals_are_in_every_match(name):
    matcher = R._phrase_regex(name)
    lits = R._matcher_literals(matcher)
    if matcher.lower is None:  # case-sensitive parts: searched case-insensitively, no literal claim
        assert lits is None
        return
    texts = [x.lower() for _, x in EXAMPLES] + [s.lower() for s in SNIPPETS]
    found = 0
    for t in texts:
        for m in matcher.lower.finditer(t):
            found += 1
            if lits is not None:
                assert any(s in m.group(0) or s in t for s in lits), (name, m.group(0), lits)
    assert found or lits is None


@pytest.mark.parametrize("pattern, text", [
    (r"\bship(?:ping|ped)\b", "we shipped it"),
    (r"in exchange for (?:my|an)\s+(?:\w+\s+){0,3}?review", "in exchange for my honest review"),
    (r"(?:a|b)?c+d", "ccd"),
    (r"x(?=[^.]{0,40}\b(?:arrived|came))", "x then it came"),
])
def test_required_literals_examples(pattern, text):
    lits = R._required_literals(pattern)
    m = re.search(pattern, text)
    assert m is not None
    assert lits is None or any(s in text for s in lits)


def test_required_literals_none_when_a_match_may_be_anything():
    assert R._required_literals(r"\w+") is None
    assert R._required_literals(r"a|\d+") is None
    assert R._required_literals(r"(?:abc)?") is None


_PIECES = [x for _, x in EXAMPLES] + list(ADVERSARIAL) + SNIPPETS[:60]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.lists(st.sampled_from(_PIECES), min_size=0, max_size=3),
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4),
    st.sampled_from(("", " ", "\n", "\u200b", "é", "İ", "Σ", "_", "7")),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
), min_size=1, max_size=6), st.integers(0, 2**16))
def test_property_prefiltered_equals_reference(parts, seed):
    pairs = [(glue.join(t), glue.join([*x, noise])) for t, x, glue, noise in parts]
    _assert_same(_frame(pairs, seed))


@pytest.mark.parametrize("name", sorted({r.params["phrases"] for r in load_rules() if "phrases" in r.params}
                                        | {"logistics", "product_cues"}))
def test_re2_alternatives_find_every_text_with_a_match(name):
    """The per-alternative RE2 patterns (superset translations or literal sequences) accept every lower-cased
    text in which the phrase regex finds a match, including the adversarial splices."""
    import pyarrow as pa
    import pyarrow.compute as pc

    matcher = R._phrase_regex(name)
    pre = R._matcher_prefilter(matcher)
    if pre is None:
        return
    lits, patterns = pre
    texts = list(dict.fromkeys(x.lower() for _, x in _varied_pairs()))
    with_match = [t for t in texts if matcher.lower.search(t)]
    arr = pa.array(with_match, type=pa.large_string())
    accepted = np.zeros(len(with_match), dtype=bool)
    for p in patterns:
        accepted |= np.asarray(pc.match_substring_regex(arr, p).to_numpy(zero_copy_only=False), dtype=bool)
    assert accepted.all(), [t for t, ok in zip(with_match, accepted) if not ok][:3]
    assert all(any(s in t for s in lits) for t in with_match)


def test_batched_language_ranking_equals_py3langid():
    ident = R._language_identifier()
    heads = [x.strip()[:R.LANGUAGE_MAX_CHARS] for _, x in EXAMPLES[:150]] + list(ADVERSARIAL) + SNIPPETS[:80]
    heads += ["", "HELLO WORLD THIS IS SHOUTING", "日本語のテキストです", "\u200b", "Ünïcödé ſtraße İstanbul"]
    assert R._rank_block(ident, heads) == [R._from_ranked(ident.rank(h)) for h in heads]


def test_batched_language_ranking_halves_a_block_past_the_sort_key_bound(monkeypatch):
    ident = R._language_identifier()
    heads = [x.strip()[:R.LANGUAGE_MAX_CHARS] for _, x in EXAMPLES[:40]] + ["", "日本語のテキストです"]
    monkeypatch.setattr(R, "_SORT_KEY_LIMIT", 1)
    assert R._rank_block(ident, heads) == [R._from_ranked(ident.rank(h)) for h in heads]


def test_batched_language_ranking_numpy_gather_equals_native(monkeypatch):
    """Without the native core (REVIEWTOOLS_PURE_PYTHON=1, not built) py3langid's float16 rows are gathered by
    numpy: the same results as per text."""
    ident = R._language_identifier()
    heads = [x.strip()[:R.LANGUAGE_MAX_CHARS] for _, x in EXAMPLES[:60]] + list(ADVERSARIAL)[:20] + [""]
    expected = [R._from_ranked(ident.rank(h)) for h in heads]
    monkeypatch.setattr(R, "_lang_core", lambda: None)  # the _langcore path has tests of its own
    assert R._rank_block(ident, heads) == expected
    monkeypatch.setattr(R, "_weights_core", lambda table: None)
    assert R._rank_block(ident, heads) == expected


def test_native_lut_rows_equals_numpys_float16_cast():
    from reviewtools.vader import native_module

    core = native_module()
    if core is None or not hasattr(core, "lut_rows"):
        pytest.skip("native core not built (or REVIEWTOOLS_PURE_PYTHON=1): the numpy gather is the only path")
    table = R._language_identifier().nb_ptc
    rng = np.random.default_rng(8)
    rows = np.concatenate([[0, table.shape[0] - 1], rng.integers(0, table.shape[0], 500)]).astype(np.int64)
    out = np.empty((len(rows), table.shape[1]), dtype=np.float32)
    core.lut_rows(table.view(np.uint16), table.shape[1], rows, R._f16_to_f32(), out)
    assert np.array_equal(out.view(np.uint32), table[rows].astype(np.float32).view(np.uint32))
    # every bit pattern, NaNs included, in 8-wide hardware chunks (16 columns) and with a 5-wide tail (13)
    for every in (np.arange(1 << 16, dtype=np.uint16).reshape(-1, 16),
                  np.arange(65533, dtype=np.uint16).reshape(-1, 13)):
        out = np.empty(every.shape, dtype=np.float32)
        core.lut_rows(every, every.shape[1], np.arange(len(every), dtype=np.int64), R._f16_to_f32(), out)
        assert np.array_equal(out.view(np.uint32), every.view(np.float16).astype(np.float32).view(np.uint32))
    with pytest.raises(IndexError, match="outside the table"):
        core.lut_rows(table.view(np.uint16), table.shape[1], np.array([table.shape[0]], dtype=np.int64),
                      R._f16_to_f32(), np.empty((1, table.shape[1]), dtype=np.float32))
    with pytest.raises(ValueError, match="out"):
        core.lut_rows(table.view(np.uint16), table.shape[1], rows, R._f16_to_f32(), np.empty(3, dtype=np.float32))


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=200), st.text(max_size=120).map(lambda t: t.encode("utf8", "surrogatepass"))),
                max_size=20))
def test_native_lang_visits_equals_py3langids_visit_counts(texts):
    """The native walk (8 texts at a time) and the numpy walk both give py3langid's Counter per text, in order."""
    from py3langid.langid import visit_counts

    from reviewtools.vader import native_module

    ident = R._language_identifier()
    expected = [list((visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, t) or {}).items())
                for t in texts]
    core = native_module()
    paths = [R._visits_numpy(ident, texts, max([len(t) for t in texts] + [1]))] if texts else []
    if core is not None and hasattr(core, "lang_visits"):
        paths.append(R._visits_native(ident, texts, core))
    for feat, counts, starts, ends in paths:
        got = [list(zip(feat[a:b].tolist(), counts[a:b].tolist())) for a, b in zip(starts, ends)]
        assert got == expected


def _letters_by_loop(s: str) -> int:
    n = 0
    for _ in R._LETTER.finditer(s):
        n += 1
        if n >= R.LANGUAGE_MIN_CHARS:
            break
    return n


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("aZé_1²½٣ \u0301\u200bß日!"), st.characters()), max_size=120))
def test_letter_count_up_to_the_minimum_equals_the_loop(s):
    assert R._letters_upto_min(s) == _letters_by_loop(s)


#: Words of several languages and scripts, for random multilingual texts (the identifier's real inputs).
_LANG_WORDS = ("the", "and", "product", "Produkt", "nicht", "très", "producto", "não", "prodotto", "ürün", "değil",
               "товар", "не", "منتج", "جيد", "商品", "很好", "製品", "です", "상품", "좋아요", "उत्पाद", "अच्छा",
               "SHOUTING", "Straße", "İstanbul", "ſ", "e\u0301", "\u200b", "!!!", "5/5", "😀", "a", "")


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.lists(st.sampled_from(_LANG_WORDS), max_size=60).map(" ".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.lists(st.sampled_from(_LANG_WORDS), max_size=40).map(lambda ws: " ".join(ws).upper())),
    min_size=1, max_size=12))
def test_batched_language_ranking_equals_per_text_on_random_multilingual_text(heads):
    """The block path (shared sorts, one normalisation for all rows) gives py3langid's per-text floats."""
    ident = R._language_identifier()
    heads = [h[: R.LANGUAGE_MAX_CHARS] for h in heads]
    assert R._rank_block(ident, heads) == [R._from_ranked(ident.rank(h)) for h in heads]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.lists(st.sampled_from(["hi", "Hi", "ab", "ba", "a", "", "é", "hié"]), max_size=12)
                .map(lambda ws: " ".join(ws)), min_size=1, max_size=8))
def test_repeated_tokens_finds_every_row_with_three_equal_tokens(texts):
    import pyarrow as pa

    arr = pa.array(texts, type=pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    got = R._repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, len(texts))
    for t, flag in zip(texts, got):
        toks = t.split()
        if any(toks[i] == toks[i + 1] == toks[i + 2] for i in range(len(toks) - 2)):
            assert flag, t


def test_detect_languages_equals_one_at_a_time():
    texts = [x for _, x in EXAMPLES[:120]] + list(ADVERSARIAL) + [None, ""]
    R._CLASSIFIED.clear()
    batch = R.detect_languages(texts)
    R._CLASSIFIED.clear()
    assert batch == [R.detect_language(t) for t in texts]


def test_blocks_of_rows_give_the_same_frame(monkeypatch):
    frame = _frame(_varied_pairs()[:150], seed=3)
    whole = check_each_review(frame)
    monkeypatch.setattr(R, "_CHECK_BLOCK_ROWS", 7)
    pd.testing.assert_frame_equal(check_each_review(frame), whole)
