"""The one-pass multi-pattern scan (Hyperscan) behind ``_Batch.maybe`` never changes what the checks find.

``maybe`` may answer a superset of RE2's rows (a prefilter's candidates); for the literal alternations it is
used for today it must be exactly RE2's answer. The whole check must be frame-equal with the scanner, without
it (``_HS_DISABLED``, or the package missing) and with the plain per-review loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools.rules import check_each_review, load_rules
from test_rules_prefilter import ADVERSARIAL, EXAMPLES, SNIPPETS, _frame, _varied_pairs

HAS_HS = R._hyperscan() is not None
needs_hs = pytest.mark.skipif(not HAS_HS, reason="the optional hyperscan package is not installed")

#: Every (platform, view, pattern) the default rules' prefilters give the scanner.
PLANS = {p: R._scan_plan(rules, ()) for p, rules in R._rules_per_platform(load_rules()).items()}
PLAN_PATTERNS = sorted({(v, pat) for plan in PLANS.values() for v, pats in plan.items() if isinstance(v, str)
                        for pat in pats})
#: The literals those patterns are made of, to splice into texts (each once as a whole, each cut in two).
_LITERALS = sorted({lit for rule in load_rules() for m in (
    [R._phrase_regex(rule.params["phrases"])] if "phrases" in rule.params else
    [R._word_regex(rule.params["lexicon"])] if "lexicon" in rule.params else [])
    for lit in (R._matcher_literals(m) or ())} | set(R._matcher_literals(R._phrase_regex("logistics")) or ()))


def _batch(pairs: list[tuple[str, str]], plan=None) -> R._Batch:
    return R._Batch([t for t, _ in pairs], [x for _, x in pairs], [None] * len(pairs), [None] * len(pairs),
                    plan=plan)


def test_the_default_rules_give_the_scanner_their_literal_sets():
    assert PLAN_PATTERNS, "no pattern reached the scanner"
    for plan in PLANS.values():  # (the refines' patterns under ("exact", view): see test_rules_literal.py)
        assert {v for v in plan if isinstance(v, str)} <= {"joined_low"}
    if HAS_HS:
        for plan in PLANS.values():
            for view, pats in plan.items():
                if not isinstance(view, str):
                    continue
                db = R._hs_database(pats)
                assert db is not None and len(db[1]) == len(pats)  # every literal set compiles


def test_compatible_syntax():
    assert R._hs_compatible(r"free|gift\x{20}card|\x{2a}")
    assert R._hs_compatible(r"(?s)(?:^|[^a-z])x{2}(?:$|\.)")
    for bad in (r"\bfree\b", r"\sx", r"\d", r"\p{Nd}", r"(?i)free", r"(?P<a>x)", r"\xff", r"\Afree"):
        assert not R._hs_compatible(bad), bad


@needs_hs
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.lists(st.sampled_from(_LITERALS + list(ADVERSARIAL)), max_size=3),
    st.lists(st.sampled_from(_LITERALS + list(ADVERSARIAL) + SNIPPETS[:30]), min_size=1, max_size=4),
    st.sampled_from(("", " ", "\x00", "\n", "é", "İ", "Σ", "_", "ſ")),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
), min_size=1, max_size=8))
def test_property_scanner_equals_the_per_pattern_re2_passes(parts):
    """On random and adversarial rows (literals spliced without spaces, NULs, case-changing letters, any
    Unicode), each plan pattern's scanned rows are never fewer than RE2's, and exactly RE2's for the literal
    sets (the anchored word pattern's ``$`` may also match before a final newline)."""
    pairs = [(glue.join(t).lower(), glue.join([*x, noise])) for t, x, glue, noise in parts]
    for plan in PLANS.values():
        scanned, plain = _batch(pairs, plan), _batch(pairs)
        for view, pats in plan.items():
            if not isinstance(view, str):
                continue
            for pat in pats:
                got, want = scanned.maybe(view, pat), plain.match(view, pat)
                assert not (want & ~got).any(), pat  # a superset ...
                if not any(c in pat for c in "()[]^$"):
                    np.testing.assert_array_equal(got, want)  # ... and, for literal sets, the same rows


@needs_hs
def test_literal_cut_across_rows_is_not_found():
    """Each row is scanned on its own: a literal whose halves end one row and start the next is not a match."""
    lit = next(x for x in _LITERALS if len(x) >= 6 and x.isascii() and x.isalpha())
    pat = R._re2_escape(lit)
    pairs = [("", "x " + lit[:3]), (lit[3:] + " y", ""), ("", lit)]
    got = _batch(pairs, {"joined_low": (pat,)}).maybe("joined_low", pat)
    assert got.tolist() == [False, False, True]


def _three_ways(frame: pd.DataFrame, monkeypatch, competitors=()) -> None:
    fast = check_each_review(frame, competitors=competitors)
    monkeypatch.setattr(R, "_HS_DISABLED", True)
    re2_only = check_each_review(frame, competitors=competitors)
    monkeypatch.setattr(R, "_HS_DISABLED", False)
    pd.testing.assert_frame_equal(fast, re2_only)
    pd.testing.assert_frame_equal(fast, check_each_review(frame, competitors=competitors, prefilter=False))


@pytest.mark.parametrize("competitors", [(), ("Acme", "İpek")])
def test_with_and_without_the_scanner_on_varied_reviews(monkeypatch, competitors):
    _three_ways(_frame(_varied_pairs(), seed=11), monkeypatch, competitors)


def test_without_the_package(monkeypatch):
    """The package missing: no database, every search RE2's, the same frame."""
    frame = _frame(_varied_pairs()[:250], seed=12)
    want = check_each_review(frame)
    monkeypatch.setattr(R, "_hyperscan", lambda: None)
    R._hs_database.cache_clear()
    try:
        assert R._hs_database(PLAN_PATTERNS and (PLAN_PATTERNS[0][1],)) is None
        pd.testing.assert_frame_equal(check_each_review(frame), want)
    finally:
        R._hs_database.cache_clear()


def test_a_pattern_outside_the_subset_or_rejected_falls_back_to_re2():
    pats = (r"\bfree\b", "free", "(?:a|)")  # unsafe syntax; fine; can match the empty string (rejected)
    found = R._hs_database(pats)
    if HAS_HS:
        assert found is not None and found[1] == ("free",)
    b = _batch([("", "free stuff"), ("", "a freeway"), ("", "nothing")], {"joined_low": pats})
    assert b.maybe("joined_low", r"\bfree\b").tolist() == [True, False, False]  # RE2 answered
    assert b.maybe("joined_low", "(?:a|)").tolist() == [True, True, True]
    assert b.maybe("joined_low", "free").tolist() == [True, True, False]


def test_plan_is_recorded_from_an_empty_batch_and_cached():
    rules = R._rules_per_platform(load_rules())["amazon"]
    a = R._scan_plan(rules, ())
    assert R._scan_plan(rules, ()) is a
    b = R._scan_plan(rules, ("Acme",))
    assert set(b["joined_low"]) == set(a["joined_low"])  # the competitor rule asks for no literal pass


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(1, 30), st.integers(1, 4), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 3),
                                                                  st.integers(1, 3)), max_size=25),
       st.lists(st.tuples(st.integers(0, 3), st.integers(1, 2)), max_size=3))
def test_hit_assembly_equals_the_sorted_rows(n_rows, n_rules, detector_hits, constants):
    """``_Hits.frame`` (constant findings as whole columns, then one stable sort by key) equals sorting every
    row by key and building the frame from the rows, as the per-row assembly did."""
    width = n_rules + 1
    hits, every = R._Hits(), []

    def row(rid: str, tag: str) -> tuple:
        d = "d" in tag  # a detector's hit; a constant finding is a not-run row without a span
        return (rid, "amazon", tag, "cat", True if d else pd.NA, "weak" if d else pd.NA, "text" if d else None,
                1 if d else None, 2 if d else None, "ev" if d else None, "cl", "url", "hit" if d else "not_run",
                pd.NA if d else "note")

    seen = set()
    for i, k, m in detector_hits:
        k %= n_rules
        if i >= n_rows or (i, k) in seen:
            continue
        seen.add((i, k))
        rows = [row(f"r{i}", f"d{k}.{j}") for j in range(m)]
        hits.keyed.append((i * width + k, rows))
        every.append((i * width + k, rows))
    for k, m in constants:
        k %= n_rules
        idx = [i for i in range(n_rows) if (i, k) not in seen]
        seen.update((i, k) for i in idx)
        if not idx:
            continue
        templates = [row("", f"c{k}.{j}") for j in range(m)]
        hits.add_constant(np.asarray(idx) * width + k, [f"r{i}" for i in idx], templates)
        every.extend((i * width + k, [(f"r{i}", *t[1:]) for t in templates]) for i in idx)
    every.sort(key=lambda kv: kv[0])
    want = R._to_frame([r for _, rows in every for r in rows])
    pd.testing.assert_frame_equal(hits.frame(), want)


def _refine_patterns() -> list[str]:
    """Every literal-sequence pattern the phrase, word and seller prefilters refine with."""
    pats = set()
    for rule in load_rules():
        ms = ([R._phrase_regex(rule.params["phrases"])] if "phrases" in rule.params else
              [R._word_regex(rule.params["lexicon"])] if "lexicon" in rule.params else [])
        for m in ms:
            pre = R._matcher_prefilter(m)
            if pre is not None:
                pats.update(pre[1])
    pre = R._matcher_prefilter(R._phrase_regex("logistics"))
    pats.update(pre[1] if pre else ())
    return sorted(pats)


def test_long_patterns_cut_into_alternatives_match_the_same_rows():
    """A pattern cut at its top-level ``|`` (what refine searches) accepts exactly the rows the whole accepts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = list(dict.fromkeys(x.lower() for _, x in _varied_pairs()))
    arr = pa.array(texts, type=pa.large_string())
    cut = 0
    for pat in _refine_patterns():
        for limit in (R._RE2_CHUNK_CHARS, 300):
            chunks = R._alternation_chunks(pat, limit)
            assert "|".join(chunks) == pat
            whole = np.asarray(pc.match_substring_regex(arr, pat).to_numpy(zero_copy_only=False), dtype=bool)
            union = np.zeros(len(texts), dtype=bool)
            for ch in chunks:
                union |= np.asarray(pc.match_substring_regex(arr, ch).to_numpy(zero_copy_only=False), dtype=bool)
            np.testing.assert_array_equal(union, whole)
            cut += len(chunks) > 1
    assert cut  # some pattern was long enough to cut


def test_alternation_chunks_keep_groups_classes_escapes_and_flags_whole():
    assert R._alternation_chunks("a(?:b|c)|[|(]d|e\\|f|g", limit=1) == ("a(?:b|c)", "[|(]d", "e\\|f", "g")
    assert R._alternation_chunks("[]|]x|y", limit=1) == ("[]|]x", "y")
    assert R._alternation_chunks("(?s)a|b", limit=1) == ("(?s)a|b",)
    assert R._alternation_chunks("(a|b", limit=1) == ("(a|b",)  # unbalanced: left alone
    assert R._alternation_chunks("short|one") == ("short|one",)


def _tokens_reference(texts: list[str]) -> np.ndarray:
    """Rows where three consecutive tokens of one row (runs of non-separator bytes) are equal (a triple that
    runs into the next row does not count, as in the native pass)."""
    seps = {i for i in range(256) if R._WORD_RUN_SEPARATORS[i]}
    toks: list[tuple[int, bytes]] = []
    for r, t in enumerate(texts):
        cur = bytearray()
        for byte in t.encode():
            if byte in seps:
                if cur:
                    toks.append((r, bytes(cur)))
                cur = bytearray()
            else:
                cur.append(byte)
        if cur:
            toks.append((r, bytes(cur)))
    out = np.zeros(len(texts), dtype=bool)
    for k in range(len(toks) - 2):
        if toks[k][1] == toks[k + 1][1] == toks[k + 2][1] and toks[k][0] == toks[k + 2][0]:
            out[toks[k][0]] = True
    return out


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.lists(st.sampled_from(["hi", "ih", "hhi", "hih", "ab", "ba", "a", "", "é", "hié", "hi\x00",
                                          "aXa", "aYa", "ee"]), max_size=12)
                .map(lambda ws: " ".join(ws)), min_size=1, max_size=8))
def test_repeated_tokens_are_exactly_three_equal_tokens(texts):
    """Candidates by length and first/last byte, then compared byte for byte: exactly the rows with three equal
    tokens in a row (anagrams and same-ends words like "aXa aYa aXa" are candidates, not rows); with the
    exact comparison capped at 0 triples, a superset."""
    import pyarrow as pa

    arr = pa.array(texts, type=pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    want = _tokens_reference(texts)
    got = R._repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, len(texts))
    np.testing.assert_array_equal(got, want)
    saved = R._EXACT_TRIPLES_MAX
    R._EXACT_TRIPLES_MAX = 0
    try:
        capped = R._repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, len(texts))
    finally:
        R._EXACT_TRIPLES_MAX = saved
    assert not (want & ~capped).any()


@settings(max_examples=examples(400), deadline=None)
@given(st.text(alphabet="ab.c-", max_size=10), st.lists(st.text(alphabet="ab.c", max_size=6), max_size=6))
def test_host_suffix_lookup_equals_the_per_suffix_test(host, suffixes):
    """``_host_is`` (the host and each part after a dot looked up in a set) equals testing every suffix."""
    want = any(host == s or host.endswith("." + s) for s in suffixes)
    assert R._host_is(host, tuple(suffixes)) == want
    assert R._host_is(host, list(suffixes)) == want


def test_host_suffix_lookup_on_the_shortener_lexicons():
    short = R.load_lexicon("shorteners")
    for host in ("bit.ly", "x.bit.ly", "notbit.ly", "amzn.to", "a.amzn.to", "example.com", "", ".", "bit.ly."):
        for lex in (short, R.load_lexicon("own_shorteners")):
            assert R._host_is(host, lex) == any(host == s or host.endswith("." + s) for s in lex)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), min_size=1, max_size=8))
def test_signed_byte_count_is_the_difference_of_the_two_counts(texts):
    """The symbol-share prefilter's one signed byte count equals possible symbols minus sure non-symbols."""
    b = R._Batch(list(texts), list(reversed(texts)), [None] * len(texts), [None] * len(texts))
    for f in ("title", "text"):
        want = b.byte_count(f, R._MAYBE_SHARE_SYMBOL) - b.byte_count(f, R._SURE_NOT_SYMBOL)
        np.testing.assert_array_equal(b.byte_count(f, R._SHARE_SYMBOL_BALANCE), want)
