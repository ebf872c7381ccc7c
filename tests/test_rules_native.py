"""The checks' native byte passes (``_vadercore.class_counts``, ``char_runs``, ``repeated_tokens``) give the same
masks as the numpy and RE2 passes they replace, and the checks the same frame with and without them (issue 8).

Without the native core (not built, or ``REVIEWTOOLS_PURE_PYTHON=1``) the comparisons are skipped; the frame
tests still run, on the reference path only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R
from reviewtools.rules import check_each_review
from test_rules_prefilter import ADVERSARIAL, _frame, _varied_pairs

CORE = R._checks_core()
needs_core = pytest.mark.skipif(CORE is None, reason="the native core is not built (or REVIEWTOOLS_PURE_PYTHON=1)")

#: Every table the prefilters count with, and whether they count run starts with it.
TABLES = [(R._ASCII_LETTERS, False), (R._ASCII_DIGITS, False), (R._ASCII_ALNUM, False), (R._ASCII_ALNUM, True),
          (R._NON_ASCII, False), (R._SHARE_SYMBOL_BALANCE, False), (R._MAYBE_SHARE_SYMBOL, True)]

#: Pieces that make runs, tokens and byte classes meet at odd places (runs of 9, 10, 11; non-ASCII of 1-4 bytes).
PIECES = ["a" * 9, "a" * 10, "!" * 11, " " * 12, "\t" * 10, "\x00" * 10, "é" * 9, "é" * 10, "😀" * 10, "é😀" * 5,
          "ab", "ab ab ab", "Ab ab ab", "hi, hi. hi!", "x" * 63, "y" * 64, "z" * 65, "1" * 7, "٣" * 10, "Σ", "\u00a0",
          "a" * 5 + "é" + "a" * 5, " ", ",", "!", ".", "İ", "ſ"]


def _texts(draw_parts: list[list[str]]) -> list[str]:
    return ["".join(p) for p in draw_parts]


def _pair_batches(titles: list[str], texts: list[str]) -> tuple[R._Batch, R._Batch]:
    n = len(texts)
    return (R._Batch(list(titles), list(texts), [None] * n, [None] * n),
            R._Batch(list(titles), list(texts), [None] * n, [None] * n))


text_lists = st.lists(
    st.one_of(
        st.lists(st.sampled_from(PIECES + list(ADVERSARIAL)), max_size=8).map("".join),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    ),
    min_size=1, max_size=10,
)


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_lists)
def test_property_class_counts_equal_the_numpy_byte_counts(texts):
    native, plain = _pair_batches(list(reversed(texts)), texts)
    for table, runs in TABLES:
        for view in ("title", "text", "joined", "joined_low", "text_low_head"):
            want = _without_core(lambda: plain.byte_count(view, table, run_starts=runs))
            np.testing.assert_array_equal(native.byte_count(view, table, run_starts=runs), want)


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_lists)
def test_property_char_runs_equal_the_re2_pattern(texts):
    native, plain = _pair_batches(list(reversed(texts)), texts)
    rule = next(r for r in R.load_rules() if r.detector == "char_run")
    want = plain.match("joined", R._re2_char_run())
    np.testing.assert_array_equal(R._pre_char_run(native, rule, ()), want)


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_lists, st.lists(st.sampled_from(["hi", "ab", "x" * 30, "y" * 64, "é", "a,", "A"]), max_size=20))
def test_property_repeated_tokens_equal_the_numpy_pass(texts, words):
    """Rows with three equal tokens in a row, tokens across the C pass's 64-byte words included."""
    texts = [*texts, " ".join(words), ",".join(words) + "!", "".join(words)]
    import pyarrow as pa

    arr = pa.array(texts, type=pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    want = R._repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, len(texts))
    got = np.zeros(len(texts), dtype=np.uint8)
    CORE.repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, got)
    np.testing.assert_array_equal(got.view(bool), want)


@needs_core
def test_repeated_tokens_at_64_byte_edges():
    """A row whose last token ends exactly at a 64-byte word, and tokens that straddle one."""
    import pyarrow as pa

    texts = []
    for pad in range(0, 70):
        for w in ("ab", "abc", "x" * 20):
            texts.append("q" * pad + (" " + w) * 3)
            texts.append("q" * pad + (" " + w) * 2 + " " + w[:-1])
    arr = pa.array(texts, type=pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    got = np.zeros(len(texts), dtype=np.uint8)
    CORE.repeated_tokens(data, offsets, R._WORD_RUN_SEPARATORS, got)
    want = [any(t.split()[i] == t.split()[i + 1] == t.split()[i + 2] for i in range(len(t.split()) - 2))
            for t in texts]
    assert got.view(bool).tolist() == want


@needs_core
def test_bad_offsets_are_an_error_not_a_crash():
    data = np.frombuffer(b"abc", dtype=np.uint8)
    out = np.zeros(1, dtype=np.int64)
    with pytest.raises(ValueError):
        CORE.class_counts(data, np.array([0, 9], dtype=np.int64), R._ASCII_DIGITS.view(np.int8), b"\0", out)
    with pytest.raises(ValueError):
        CORE.char_runs(data, np.array([2, 1], dtype=np.int64), 10, R._ASCII_SPACE_TABLE, np.zeros(1, np.uint8))
    with pytest.raises(ValueError):
        CORE.repeated_tokens(data, np.array([0, 3], dtype=np.int64), R._WORD_RUN_SEPARATORS, np.zeros(2, np.uint8))


def _without_core(fn):
    saved = R._checks_core
    R._checks_core = lambda: None
    try:
        return fn()
    finally:
        R._checks_core = saved


def test_has_byte_equals_the_re2_class():
    texts = ["", "abc", "٣", "x1", "\x00", "_", "é", "a b", "12"]
    native, plain = _pair_batches(texts, list(reversed(texts)))
    for view in ("joined", "text", "title"):
        for table, pattern in ((R._ASCII_DIGITS, "[0-9]"), (R._ASCII_ALNUM, "[a-zA-Z0-9]")):
            np.testing.assert_array_equal(native.has_byte(view, table, pattern), plain.match(view, pattern))


def test_the_checks_give_the_same_frame_with_and_without_the_native_passes():
    frame = _frame(_varied_pairs()[:400], seed=11)
    with_core = check_each_review(frame)
    without = _without_core(lambda: check_each_review(frame))
    pd.testing.assert_frame_equal(with_core, without)
    pd.testing.assert_frame_equal(with_core, check_each_review(frame, prefilter=False))


def test_the_language_prefilter_keys_are_sentiments():
    from reviewtools.sentiment import _packed_english_words

    keys, longest = R._english_keys()
    want_keys, want_longest = _packed_english_words()
    np.testing.assert_array_equal(keys, want_keys)
    assert longest == want_longest


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.sampled_from(["amazon.com", "amazon.de", "amazon.fr", "amazon.co.jp", None, "example.market"]),
    st.lists(st.sampled_from(["the", "and", "it", "to", "of", "THE", "And", "la", "der", "und", "die", "el", "que",
                              "produit", "Produkt", "très", "bueno", "ok", "product", "great", "1", "x", "é", "",
                              "  ", "\n", "İ", "K"]), max_size=40).map(" ".join),
), min_size=1, max_size=12))
def test_property_language_rows_same_with_and_without_the_native_passes(rows):
    """The language prefilter's exact ASCII test and identifier resolution never change the frame."""
    R._CLASSIFIED.clear()
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(rows))], "platform": ["amazon"] * len(rows),
                          "marketplace": [m for m, _ in rows], "text": [t for _, t in rows]})
    got = check_each_review(frame)
    pd.testing.assert_frame_equal(got, _without_core(lambda: check_each_review(frame)))
    pd.testing.assert_frame_equal(got, check_each_review(frame, prefilter=False))


@needs_core
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_lists, st.lists(st.sampled_from(["!", " ", "😀", "é", "a", "_", "\t", "-", "€", "…", "1"]), max_size=30))
def test_property_symbol_stretches_equal_the_re2_run_pattern(texts, pieces):
    texts = [*texts, "".join(pieces), " ".join(pieces)]
    native, plain = _pair_batches(list(reversed(texts)), texts)
    pattern = "%s(?:[^a-zA-Z0-9_]*%s){%d}" % (R._RE2_MAYBE_SYMBOL, R._RE2_MAYBE_SYMBOL, R.SPAM_SYMBOL_RUN - 1)
    for fname in ("title", "text"):
        np.testing.assert_array_equal(R._symbol_runs(native, fname), plain.match(fname, pattern))


@needs_core
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 12), st.lists(st.lists(st.sampled_from(["a", "b", " ", "é", "😀", "\u00a0", "!", "aa", "ééé",
                                                                "a" * 7, "!" * 5, "€€"]), max_size=40)
                                     .map("".join), min_size=1, max_size=8))
def test_property_char_runs_of_any_length_equal_re2(length, texts):
    """The strided C pass (candidates every length / 2 bytes) for every run length, against RE2's pattern."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_runs = ["\\x{%02x}{%d}" % (c, length) for c in range(128) if not chr(c).isspace()]
    pattern = "(?:" + "|".join(ascii_runs) + ")|[^\\x{00}-\\x{7f}]{%d}" % length
    arr = pa.array(texts, type=pa.large_string())
    want = np.asarray(pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False), dtype=bool)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[: len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    got = np.zeros(len(texts), dtype=np.uint8)
    CORE.char_runs(data, offsets, length, R._ASCII_SPACE_TABLE, got)
    np.testing.assert_array_equal(got.view(bool), want)


_LINK_PIECES = ["http://", "https://", "HTTPS://", "httpſ://", "ftp://", "xhttp://", "://", "www.", "WwW.", "wwww.",
                "example", "a", "b-c", "-", ".", "..", ".com", ".COM", ".Co", ".uk", ".it", "/path?tag=x", ":8080",
                " ", "\n", "@", "_", "é", "İ", "K", "ß", "1", "2.0", "e.g", "x" * 64, "(", ")", "'"]


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_LINK_PIECES), st.text(alphabet=st.characters(codec="utf-8"), max_size=3)),
                max_size=30).map("".join))
def test_property_link_scans_at_candidate_positions_equal_finditer(s):
    """The scheme and bare-domain scans, tried only where a match can start, give finditer's matches."""
    def spans(ms):
        return [(m.span(), m.groups()) for m in ms]

    assert spans(R._scheme_matches(s, s.lower())) == spans(R._URL_SCHEME.finditer(s))
    assert spans(R._bare_domain_matches(s)) == spans(R._BARE_DOMAIN.finditer(s))


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=12),
       st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), st.text(max_size=3)), max_size=12),
       st.sampled_from(["string", "str"]))
def test_property_string_columns_equal_the_per_value_conversion(strings, mixed, dtype):
    frame = pd.DataFrame({"s": pd.array(strings, dtype=dtype)})
    assert R._str_column(frame, "s") == [R._str_or_empty(v) for v in frame["s"].tolist()]
    frame = pd.DataFrame({"m": pd.Series(mixed, dtype=object)})
    assert R._str_column(frame, "m") == [R._str_or_empty(v) for v in frame["m"].tolist()]
    assert R._str_column(frame, "absent") == [""] * len(frame)


@settings(max_examples=examples(100), deadline=None)
@given(text_lists)
def test_property_arrow_lengths_and_case_changes_equal_python(texts):
    titles = list(reversed(texts))
    b = R._Batch(titles, list(texts), [None] * len(texts), [None] * len(texts))
    assert b.lengths("title").tolist() == [len(t) for t in titles]
    assert b.lengths("text").tolist() == [len(t) for t in texts]
    want = [len(t.lower()) != len(t) or len(x.lower()) != len(x) for t, x in zip(titles, texts)]
    assert b.case_changed().tolist() == want


@needs_core
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_lists, st.lists(st.booleans(), min_size=10, max_size=10))
def test_property_english_bounds_on_some_rows_equal_the_head_view(texts, pick):
    """The language prefilter's bounds from the chosen rows' heads equal the whole-column head view's."""
    texts = [t * 7 for t in texts]  # heads cut at LANGUAGE_MAX_CHARS inside multi-byte characters too
    b = R._Batch([""] * len(texts), texts, [None] * len(texts), [None] * len(texts))
    rows = np.flatnonzero(np.asarray(pick[: len(texts)] + [False] * (len(texts) - len(pick[: len(texts)]))))
    n_lb, t_ub = R._english_bounds(b, CORE, rows)
    want_n = b.count("text_low_head", R._re2_english_word())
    want_t = _without_core(lambda: b.byte_count("text_low_head", R._ASCII_ALNUM, run_starts=True)
                           + b.byte_count("text_low_head", R._NON_ASCII))
    np.testing.assert_array_equal(n_lb[rows], want_n[rows])
    np.testing.assert_array_equal(t_ub[rows], want_t[rows])
    assert not n_lb[np.setdiff1d(np.arange(len(texts)), rows)].any()


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "é", "1", "_", " ", "!", "٣", "ß", "\n", "😀", "İ"]), max_size=12))
def test_property_other_letters_match_equals_the_letter_count(rest):
    """The char-run detector's "fewer than SPAM_CHAR_RUN_OTHER_LETTERS letters" by one possessive match."""
    want = len(R._LETTER.findall(rest)) < R.SPAM_CHAR_RUN_OTHER_LETTERS
    assert (R._RUN_OTHER_LETTERS.match(rest) is None) == want


def _class_counts_reference(rows: list[bytes], tables: np.ndarray, runs: bytes) -> np.ndarray:
    """``class_counts`` by its definition, a byte at a time (the C scalar loop's reading)."""
    out = np.zeros((len(rows), len(runs)), dtype=np.int64)
    for j, row in enumerate(rows):
        for t, mode in enumerate(runs):
            tt = tables[t * 256: (t + 1) * 256].astype(np.int64)
            vals = [int(tt[b]) for b in row]
            if mode == 2:
                cur = best = 0
                for v in vals:
                    cur = cur + v if v >= 0 else 0
                    best = max(best, cur)
                out[j, t] = best
            elif mode == 1:
                out[j, t] = sum(1 for i, v in enumerate(vals) if v and (i == 0 or not vals[i - 1]))
            else:
                out[j, t] = sum(vals)
    return out


#: Byte tables: every one the prefilters use, and random ones of values -1/0/1 (the vector path's sets) or wider
#: (the scalar loop's), over all 256 bytes.
_TABLE_VALUES = st.one_of(
    st.sampled_from([R._ASCII_DIGITS.view(np.int8), R._ASCII_ALNUM.view(np.int8), R._NON_ASCII.view(np.int8),
                     R._SHARE_SYMBOL_BALANCE, R._SYMBOL_STRETCH]),
    st.lists(st.sampled_from([-1, 0, 1]), min_size=256, max_size=256).map(lambda v: np.array(v, dtype=np.int8)),
    st.lists(st.sampled_from([0, 1]), min_size=256, max_size=256).map(lambda v: np.array(v, dtype=np.int8)),
    st.lists(st.integers(-3, 3), min_size=256, max_size=256).map(lambda v: np.array(v, dtype=np.int8)),
)
#: Rows of any bytes, short and past several 32-byte blocks (the vector path's), from a small alphabet so runs and
#: stretches form, or from all 256 values.
_BYTE_ROWS = st.lists(
    st.one_of(st.binary(max_size=140),
              st.lists(st.sampled_from(b"a1 \x00\xc3\xa9\xff!"), max_size=200).map(bytes)),
    min_size=1, max_size=8)


@needs_core
@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BYTE_ROWS, st.lists(st.tuples(_TABLE_VALUES, st.sampled_from([0, 1, 2])), min_size=1, max_size=4),
       st.data())
def test_property_class_counts_equal_their_definition(rows, tables, data):
    """Every mode on any bytes and table (the AVX2 set counts, run starts and stretches, and the scalar loop), on
    all rows and on a chosen subset of them (``rows=``), equals the byte-at-a-time definition."""
    flat = np.frombuffer(b"".join(rows), dtype=np.uint8)
    offsets = np.concatenate(([0], np.cumsum([len(r) for r in rows]))).astype(np.int64)
    tab = np.concatenate([t for t, _ in tables]).astype(np.int8)
    runs = bytes(m for _, m in tables)
    want = _class_counts_reference(rows, tab, runs)
    got = np.zeros((len(rows), len(runs)), dtype=np.int64)
    CORE.class_counts(flat, offsets, tab, runs, got)
    np.testing.assert_array_equal(got, want)
    pick = np.array(data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=6)), dtype=np.int64)
    sub = np.zeros((len(pick), len(runs)), dtype=np.int64)
    CORE.class_counts(flat, offsets, tab, runs, sub, pick)
    np.testing.assert_array_equal(sub, want[pick])


@needs_core
def test_class_counts_rows_outside_are_an_error():
    data = np.frombuffer(b"abc", dtype=np.uint8)
    out = np.zeros(1, dtype=np.int64)
    with pytest.raises(IndexError):
        CORE.class_counts(data, np.array([0, 3], dtype=np.int64), R._ASCII_DIGITS.view(np.int8), b"\0", out,
                          np.array([1], dtype=np.int64))
    with pytest.raises(ValueError):  # out too small for the rows asked for
        CORE.class_counts(data, np.array([0, 3], dtype=np.int64), R._ASCII_DIGITS.view(np.int8), b"\0", out,
                          np.array([0, 0], dtype=np.int64))


_CASE_PIECES = ["ABC", "abc", "Hello World", "É", "é", "ÀÉÎ", "Σ", "ΣΑΣ", "İ", "ẞ", "ß", "ǅ", "Ω", "K", "Å", "ﬁ",
                "\x00", "@[`{", "Z", "z", "😀", "\u0130stanbul", "ÇA VA"]


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.lists(st.sampled_from(_CASE_PIECES), max_size=6).map("".join),
                          st.text(max_size=40)), min_size=0, max_size=12),
       st.booleans())
def test_property_lowered_views_equal_python_lower(texts, with_core):
    """The lower-cased views made from the fields' bytes are ``str.lower`` of every row (rows whose lower-casing
    changes their byte length included), with and without the native byte counts."""
    texts = [t for t in texts if t.encode("utf-8", "surrogatepass") == t.encode("utf-8", "ignore")]
    n = len(texts)
    titles = [t[::-1] for t in texts]

    def views():
        b = R._Batch(titles, texts, [None] * n, [None] * n)
        return {v: b.array(v).to_pylist() for v in ("title_low", "text_low", "joined_low")}

    got = views() if with_core else _without_core(views)
    assert got["text_low"] == [t.lower() for t in texts]
    assert got["title_low"] == [t.lower() for t in titles]
    assert got["joined_low"] == [a.lower() + R._FIELD_SEP + b.lower() for a, b in zip(titles, texts)]


@needs_core
@settings(max_examples=examples(200), deadline=None)
@given(st.binary(max_size=300))
def test_property_ascii_lower_equals_the_numpy_pass(raw):
    """``ascii_lower`` (32 bytes at a time where the CPU has AVX2, then a byte at a time) lower-cases exactly
    A-Z, on any bytes, as the numpy reference does."""
    seg = np.frombuffer(raw, dtype=np.uint8)
    got = np.empty_like(seg)
    CORE.ascii_lower(seg, got)
    want = seg + ((seg - np.uint8(65)) < 26).view(np.uint8) * np.uint8(32)
    np.testing.assert_array_equal(got, want)
    assert got.tobytes() == bytes(b + 32 if 65 <= b <= 90 else b for b in raw)


@pytest.mark.parametrize("one_platform", [False, True])
@pytest.mark.parametrize("block", [50_000, 37])
def test_frames_equal_from_arrow_and_object_columns(monkeypatch, one_platform, block):
    """The checks read a pyarrow-backed field column's bytes directly (sliced when a platform's rows in a block
    are consecutive, else taken): the same frame as the per-review loop on object columns of the same strings,
    missing values included."""
    frame = _frame(_varied_pairs(), 3)
    if one_platform:
        frame["platform"] = "amazon"
    frame.loc[frame.index[::7], "title"] = None
    frame.loc[frame.index[3::11], "text"] = None
    monkeypatch.setattr(R, "_CHECK_BLOCK_ROWS", block)
    arrow = frame.astype({"title": "string[pyarrow]", "text": "string[pyarrow]"})
    assert R._arrow_str_column(arrow, "text") is not None
    want = check_each_review(frame, prefilter=False)
    pd.testing.assert_frame_equal(check_each_review(arrow), want)
    pd.testing.assert_frame_equal(check_each_review(frame), want)
