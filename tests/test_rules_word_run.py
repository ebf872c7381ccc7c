"""The word-run prefilter's five-copy token test (``_checkcore.word_runs``, issue 8, seventh session).

A run is a word W then 4+ times ([\\s,.!]+ W): cut at the separators, its 2nd-4th copies are tokens T T T, the
token before them ends with T and the one after starts with T. The native test must equal that byte-wise
definition, and never drop a row the detector reports (Hypothesis, glued pieces with punctuation, case, NUL,
non-ASCII letters and spaces); frames equal the per-review loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

LC = R._literal_core()
needs_core = pytest.mark.skipif(LC is None, reason="reviewtools._checkcore is not built (or pure Python asked)")
_SEP = set(np.flatnonzero(R._WORD_RUN_SEPARATORS).tolist())


def _reference(row: bytes) -> bool:
    toks, cur = [], bytearray()
    for b in row:
        if b in _SEP:
            if cur:
                toks.append(bytes(cur))
            cur = bytearray()
        else:
            cur.append(b)
    if cur:
        toks.append(bytes(cur))
    return any(toks[i + 1] == toks[i + 2] == toks[i + 3] and toks[i].endswith(toks[i + 1])
               and toks[i + 4].startswith(toks[i + 1]) for i in range(len(toks) - 4))


def _native(rows: list[bytes], preset: list[int] | None = None) -> list[int]:
    data = np.frombuffer(b"".join(rows), dtype=np.uint8)
    offsets = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    out = np.array(preset or [0] * len(rows), dtype=np.uint8)
    LC.word_runs(data, offsets, R._WORD_RUN_SEPARATORS, out)
    return out.tolist()


_BYTES = st.lists(st.sampled_from([b"ab", b"a", b"b", b"xab", b"abx", b" ", b"  ", b",", b".", b"!", b"\n", b"\x00",
                                   b"-", b"\xc3\xa9"]), max_size=20).map(b"".join)


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_BYTES, min_size=1, max_size=6))
def test_property_native_equals_the_token_definition(rows):
    assert _native(rows) == [int(_reference(r)) for r in rows]
    assert _native(rows, [1] * len(rows)) == [1] * len(rows)  # rows already set stay set


_WORDS = st.sampled_from(["love", "Love", "LOVE", "buy", "xq", "a", "é", "ſ", "İ", "Σ", "σ", "the", "k9"])
_GLUE = st.sampled_from([" ", ", ", ". ", "!", " - ", "-", "\u00a0", "\u2003", "\n", "", "'s ", "_"])


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.tuples(_WORDS, _GLUE), max_size=10), _WORDS, st.integers(0, 7), _GLUE),
                min_size=1, max_size=6))
def test_prefilter_keeps_every_row_with_a_finding(parts):
    texts = ["".join(w + g for w, g in pre) + glue.join([word] * reps) for pre, word, reps, glue in parts]
    batch = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    rule = next(r for r in R.load_rules() if r.detector == "word_run")
    kept = R.PREFILTERS["word_run"](batch, rule, ())
    for j, t in enumerate(texts):
        rv = R._Review("", t, "amazon", None, None, ())
        if list(R.DETECTORS["word_run"](rv, rule.params)) or list(R._WORD_RUN.finditer(t)):
            assert kept[j], t


def test_frames_equal_per_review_loop():
    texts = ["love love love love love it", "Love, LOVE. love! love love", "xlove love love love lovex",
             "love love love love", "la la la la la la la", "buy-buy buy buy buy-buy", "é é é é é"]
    f = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(texts))], "platform": "amazon",
                      "marketplace": "amazon.com", "title": "", "text": texts})
    rules = [r for r in R.load_rules() if r.detector == "word_run"]
    pd.testing.assert_frame_equal(R.check_each_review(f, rules=rules),
                                  R.check_each_review(f, rules=rules, prefilter=False))
