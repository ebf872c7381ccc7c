"""The phrases' literal sets read across whitespace gaps (issue 8, eighth session): ``_Batch.ws_rows`` narrows a
phrase's rows before its RE2 refine to those whose lower-cased ``title NUL text``, with each whitespace run made
one space, holds a string of each kept clause of some alternative (``rules._ws_alternatives``).

Checked here: the native pass (``_checkcore.ws_literal_rows``) equals the Python definition
(``rules._ws_rows_reference``) on any text (every Unicode whitespace character, near misses, runs, NUL); the
definition never drops a field the phrase's fast-path pattern matches (Hypothesis texts built from the phrases'
own literals with random whitespace, and the corpus); whole frames with and without the narrowing and against
the per-review loop.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools.rules import check_each_review, load_rules
from test_rules_prefilter import ADVERSARIAL, SNIPPETS, _frame, _varied_pairs

CORE = R._literal_core()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "ws_literal_rows"),
                                reason="reviewtools._checkcore is not built (or pure Python asked)")

#: Every (matcher, anchors) the default rules' prefilters ask ws_rows for.
ASKED = sorted({e for rules in R._rules_per_platform(load_rules()).values() for e in R._scan_plan(rules, ()).ws},
               key=repr)
MATCHERS = tuple(dict.fromkeys(m for m, _ in ASKED))
SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
#: Characters next to the whitespace ones in UTF-8 (same lead bytes, neighbouring code points).
NEAR = "\x08\x0e\x1b!\x84\x86\x9f\xa1\u167f\u1681\u1fff\u200b\u2027\u202a\u202e\u2030\u205e\u2060\u2fff\u3001’é"
_WORDS = sorted({x for m in MATCHERS for alt in R._ws_alternatives(m) for c in alt for x in c})
_RAW = sorted({x for m in MATCHERS for alt, _ in R._alternative_items(R._parser().parse(m.lower.pattern, 0),
                                                                        R._parser()) or () for c in alt for x in c})


def _native(lowered: list[str], matchers=MATCHERS) -> dict:
    plan = R._ws_plan(tuple(matchers))
    blob, lens, words, bits, nwords, req, alt_bits, order = plan
    data, offsets = R._arrow_bytes(pa.array(lowered, type=pa.large_string()))
    out = np.zeros(len(lowered), dtype=np.uint64)
    CORE.ws_literal_rows(data, offsets, np.arange(len(lowered), dtype=np.int64), blob, lens, words, bits, nwords,
                         req, alt_bits, out)
    return {m: (out & np.uint64(1 << k)) != 0 for k, m in enumerate(order)}


def test_the_phrases_are_analysed():
    assert len(MATCHERS) >= 8  # every phrase rule (the word lists are not asked)
    for m in MATCHERS:
        alts = R._ws_alternatives(m)
        assert alts and all(1 <= len(a) <= R._WS_CLAUSES for a in alts)
        for alt in alts:
            for c in alt:
                assert all(len(x.encode()) >= 3 and "\x00" not in x and R._ws_norm(x) == x for x in c)
    plan = R._ws_plan(MATCHERS)
    assert plan is not None and plan[4] >= 2  # more clauses than one word of 64 bits


def test_norm_is_python_whitespace():
    assert R._ws_norm("a \t\n b" + SPACES + "c\x00 d") == "a b c\x00 d"
    assert R._ws_norm(NEAR) == NEAR


def test_replaced_pattern_literals():
    sp = R._parser()
    got = R._alternative_items(R._ws_replaced(sp.parse(r"\bi\s+am\s*(?:the|a)[\t ]owner\b", 0), sp), sp)
    assert [sorted(c) for c in got[0][0]] == [["i am a owner", "i am the owner", "i ama owner", "i amthe owner"]]


@needs_core
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_RAW), st.sampled_from(SPACES),
                                   st.sampled_from(NEAR), st.text(SPACES + "ab ", max_size=4),
                                   st.text(max_size=6)), max_size=14).map("".join), min_size=1, max_size=12))
def test_property_native_equals_the_definition(rows):
    rows = rows + ["\x00".join(rows), "", " ", SPACES, rows[0] + SPACES[:3]]
    got = _native(rows)
    for m in MATCHERS:
        assert got[m].tolist() == R._ws_rows_reference(rows, m).tolist(), m.lower.pattern[:80]


@needs_core
def test_native_bad_arguments():
    data, offsets = np.zeros(4, np.uint8), np.array([0, 4], np.int64)
    rows, out = np.array([0], np.int64), np.zeros(1, np.uint64)
    one = np.ones(1, np.uint64)
    ok = (b"abc", np.array([3], np.int32), np.zeros(1, np.int32), one, 1, one, one)
    CORE.ws_literal_rows(data, offsets, rows, *ok, out)
    for bad in ((b"ab", np.array([2], np.int32), np.zeros(1, np.int32), one, 1, one, one),  # too short
                (b"abc", np.array([3], np.int32), np.ones(1, np.int32), one, 1, one, one),  # word outside
                (b"abc", np.array([3], np.int32), np.zeros(1, np.int32), np.zeros(1, np.uint64), 1, one, one),
                (b"abc", np.array([4], np.int32), np.zeros(1, np.int32), one, 1, one, one)):  # past the bytes
        with pytest.raises(ValueError):
            CORE.ws_literal_rows(data, offsets, rows, *bad, out)
    with pytest.raises(ValueError):
        CORE.ws_literal_rows(data, offsets, np.array([1], np.int64), *ok, out)


def _matches(m: R._Matcher, field: str) -> bool:
    low = field.lower()
    return len(low) == len(field) and m.lower.search(low) is not None


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MATCHERS), st.data())
def test_property_never_drops_a_match(m, data):
    """Texts made of the pattern's own literals (original and normalised) with random whitespace, glue and
    noise between them: wherever the fast path matches a field, the normalised row holds each clause of an
    alternative."""
    sp = R._parser()
    alts = R._alternative_items(sp.parse(m.lower.pattern, 0), sp)
    alt = data.draw(st.sampled_from([c for c, _ in alts]))
    glue = st.one_of(st.text(SPACES, min_size=1, max_size=3), st.sampled_from(("", " ", "  ", "\n", ".", "x")))
    parts = []
    for c in alt:
        parts.append(data.draw(st.sampled_from(sorted(c))))
        parts.append(data.draw(glue))
    extra = data.draw(st.lists(st.one_of(st.sampled_from(_RAW), st.sampled_from(ADVERSARIAL), glue), max_size=4))
    field = "".join(parts[:-1]) if data.draw(st.booleans()) else "".join(extra + parts + extra[::-1])
    field = field.replace(" ", data.draw(st.sampled_from((" ", "\t", "\u3000", "  \n", "\xa0"))))
    title = data.draw(st.sampled_from(("", "Five stars", field)))
    row = title.lower() + "\x00" + field.lower()
    if _matches(m, field) or _matches(m, title):
        assert R._ws_rows_reference([row], m)[0], (field, m.lower.pattern[:80])
        if CORE is not None and hasattr(CORE, "ws_literal_rows"):
            assert _native([row])[m][0]


CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "out" / "reviews_20000_seed8.csv"


@pytest.mark.skipif(not CORPUS.exists(), reason="the generated 20k corpus is not there")
def test_corpus_matches_are_kept():
    frame = pd.read_csv(CORPUS, usecols=["title", "text"], dtype=str).fillna("")
    titles, texts = frame.title.tolist(), frame.text.tolist()
    rows = [t.lower() + "\x00" + x.lower() for t, x in zip(titles, texts)]
    kept = {m: R._ws_rows_reference(rows, m) for m in MATCHERS}
    seen = 0
    for j, (t, x) in enumerate(zip(titles, texts)):
        for m in MATCHERS:
            if _matches(m, t) or _matches(m, x):
                seen += 1
                assert kept[m][j], (x[:200], m.lower.pattern[:80])
    assert seen > 50
    assert sum(int(k.sum()) for k in kept.values()) < len(rows)  # and it rules rows out


@pytest.mark.parametrize("competitors", [(), ("Acme",)])
def test_frames_with_and_without_the_narrowing(monkeypatch, competitors):
    pairs = _varied_pairs() + [(s, s) for s in SNIPPETS] + [("", "I  am\tthe   seller of this"),
                                                             ("", "cheaper\u3000at walmart"),
                                                             ("", "i am the\xa0owner of this company")]
    frame = _frame(pairs, seed=8)
    on = check_each_review(frame, competitors=competitors)
    monkeypatch.setattr(R, "_WS_CONJUNCTION", False)
    pd.testing.assert_frame_equal(on, check_each_review(frame, competitors=competitors))
    pd.testing.assert_frame_equal(on, check_each_review(frame, competitors=competitors, prefilter=False))
