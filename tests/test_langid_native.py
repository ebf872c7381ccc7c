"""``reviewtools._langcore.raw_scores`` (issue 8, eighth session): py3langid's raw scores of a block of texts in C,
the product made by the very BLAS function numpy's matmul calls. The language results equal py3langid's ``rank``
(through ``_from_ranked``) exactly, and the paths without the module (numpy, ``_vadercore``'s walk and gather;
``REVIEWTOOLS_PURE_PYTHON=1``; an import failure) give the same floats and the same memo.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R

LC = R._lang_core()
SGEMV = R._numpy_sgemv(LC) if LC is not None else None
needs_core = pytest.mark.skipif(LC is None or SGEMV is None,
                                reason="reviewtools._langcore not built (or pure Python asked), or numpy's BLAS "
                                       "is not its bundled OpenBLAS")

#: Words of several languages and scripts (the identifier's real inputs), shouted or not.
_WORDS = ("the", "and", "product", "Produkt", "nicht", "très", "producto", "não", "prodotto", "ürün", "değil",
          "товар", "не", "منتج", "جيد", "商品", "很好", "製品", "です", "상품", "좋아요", "उत्पाद", "अच्छा", "ελληνικά",
          "SHOUTING", "Straße", "İstanbul", "ſ", "e\u0301", "\u200b", "!!!", "5/5", "😀", "a", "", "\t", "\n",
          "\u00a0", "\u3000")

_HEADS = st.lists(st.one_of(
    st.lists(st.sampled_from(_WORDS), max_size=80).map(" ".join),
    st.lists(st.sampled_from(_WORDS), max_size=40).map(lambda ws: " ".join(ws).upper()),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120),
    st.text(alphabet=st.sampled_from(" \t\n\u00a0\u3000\u200b"), max_size=12),
    st.lists(st.sampled_from(_WORDS), min_size=200, max_size=600).map(" ".join),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1"))),
    max_size=14)


def _ranked(heads):
    ident = R._language_identifier()
    return [R._from_ranked(ident.rank(h)) for h in heads]


def _block_without_langcore(monkeypatch, heads, weights_core=True):
    with monkeypatch.context() as m:
        m.setattr(R, "_lang_core", lambda: None)
        if not weights_core:
            m.setattr(R, "_weights_core", lambda table: None)
        return R._rank_block(R._language_identifier(), heads)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(_HEADS)
def test_block_equals_py3langid_rank_and_the_old_paths(monkeypatch, heads):
    """Random multilingual, shouted, arbitrary, whitespace-only, long (up to several thousand bytes) and binary-ish
    texts: the block (native when built) equals py3langid's rank per text and the paths without _langcore."""
    ident = R._language_identifier()
    got = R._rank_block(ident, heads)
    assert got == _ranked(heads)
    assert got == _block_without_langcore(monkeypatch, heads)
    assert got == _block_without_langcore(monkeypatch, heads, weights_core=False)


@needs_core
@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=400),
                          st.text(max_size=150).map(lambda t: t.encode("utf8", "surrogatepass"))), max_size=20))
def test_raw_scores_equal_py3langids_raw_score(texts):
    """Per text, the raw scores (walk, counts, log1p, widened rows, BLAS product, + nb_pc) equal py3langid's
    _raw_score bit for bit; a text without features keeps py3langid's 0.0 fill."""
    ident = R._language_identifier()
    raw = R._raw_native(ident, texts)
    if not texts:
        assert raw is not None and raw.shape == (0, len(ident.nb_classes))
        return
    expected = np.stack([ident._raw_score(t) for t in texts])
    assert raw.dtype == np.float32
    assert np.array_equal(raw.view(np.uint32), expected.view(np.uint32))


@needs_core
def test_raw_scores_of_texts_with_no_one_and_two_features():
    from py3langid.langid import visit_counts

    ident = R._language_identifier()
    by_k: dict[int, bytes] = {}
    for t in [b"", b"a", b"ab", b"abc", b" a", b"x", b"\xff", b"\xe6\x97\xa5", b"the", b"the ", b"zz", b"qq q"]:
        by_k.setdefault(len(visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, t) or {}), t)
    assert {0, 1, 2} <= set(by_k), by_k
    texts = list(by_k.values()) * 3
    raw = R._raw_native(ident, texts)
    expected = np.stack([ident._raw_score(t) for t in texts])
    assert np.array_equal(raw.view(np.uint32), expected.view(np.uint32))


@needs_core
@settings(max_examples=examples(150), deadline=None)
@given(st.integers(2, 1200), st.integers(2, 160), st.integers(0, 15), st.integers(0, 15), st.integers(0, 2**32 - 1),
       st.sampled_from(["normal", "log1p", "tiny", "huge", "zeros"]))
def test_product_is_numpys_matmul_bit_for_bit(k, m, off_x, off_rows, seed, kind):
    """The sgemv numpy's matmul calls, called from C: the same float32 result for any length, width and alignment
    of the operands (offsets into larger buffers), signed zeros, denormals and large values included."""
    rng = np.random.default_rng(seed)
    if kind == "tiny":
        rows = (rng.standard_normal((k, m)) * 1e-39).astype(np.float32)
    elif kind == "huge":
        rows = (rng.standard_normal((k, m)) * 1e36).astype(np.float32)
    elif kind == "zeros":
        rows = rng.choice(np.array([0.0, -0.0, 1.0, -1.0], dtype=np.float32), (k, m))
    else:
        rows = (rng.standard_normal((k, m)) * 8).astype(np.float32)
    x = (np.log1p(rng.integers(1, 50, k).astype(np.float32)) if kind == "log1p"
         else rng.standard_normal(k).astype(np.float32))
    rows_buf = np.empty(k * m + off_rows, dtype=np.float32)
    rows_at = rows_buf[off_rows:].reshape(k, m)
    rows_at[...] = rows
    x_buf = np.empty(k + off_x, dtype=np.float32)
    x_at = x_buf[off_x:]
    x_at[...] = x
    y = np.full(m, np.nan, dtype=np.float32)
    LC.product(SGEMV, rows_at, m, x_at, y)
    assert np.array_equal(y.view(np.uint32), (x @ rows).view(np.uint32))


@needs_core
def test_log1p_of_counts_is_elementwise():
    """The log1p table (numpy's log1p of 0..longest) gives the floats py3langid's log1p of a text's counts does,
    whatever the counts' positions and array lengths."""
    table = np.log1p(np.arange(4000, dtype=np.float32))
    rng = np.random.default_rng(8)
    for size in (1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 65, 200, 999):
        counts = rng.integers(1, 4000, size)
        got = table[counts]
        assert np.array_equal(got.view(np.uint32), np.log1p(counts.astype(np.float32)).view(np.uint32))


@needs_core
def test_raw_scores_reject_bad_buffers():
    ident = R._language_identifier()
    table = ident.nb_ptc
    states = R._automaton_states(ident)
    nextmove = R._automaton(ident)[0]
    n_cls = table.shape[1]

    def call(data=b"abc", offsets=None, log1p=None, raw=None, single=None, sgemv=SGEMV, states_=states):
        offsets = np.array([0, len(data)], dtype=np.int64) if offsets is None else offsets
        LC.raw_scores(data, offsets, nextmove, states_, table.view(np.uint16), n_cls,
                      np.log1p(np.arange(len(data) + 1, dtype=np.float32)) if log1p is None else log1p,
                      R._f16_to_f32(), ident.nb_pc, sgemv,
                      np.zeros((1, n_cls), dtype=np.float32) if raw is None else raw,
                      np.full(2, -1, dtype=np.int64) if single is None else single)

    call()
    with pytest.raises(ValueError, match="offsets"):
        call(offsets=np.array([0, 9], dtype=np.int64))
    with pytest.raises(ValueError, match="log1p must cover"):
        call(log1p=np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match="raw"):
        call(raw=np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="single"):
        call(single=np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="sgemv given"):
        call(sgemv=0)
    bad = states.copy()
    bad[:, 0] = len(nextmove)  # every move past the table
    with pytest.raises(ValueError, match="automaton move"):
        call(states_=bad)
    with pytest.raises(ValueError, match="must be non-zero"):
        LC.product(0, np.zeros((2, 3), dtype=np.float32), 3, np.zeros(2, dtype=np.float32),
                   np.zeros(3, dtype=np.float32))


@needs_core
def test_a_product_unlike_numpys_turns_the_native_path_off(monkeypatch):
    """_numpy_sgemv checks the address against numpy's own product first: a mismatch (another BLAS behind the
    same name, say) means no native scores, and the block is still py3langid's."""

    class Wrong:
        @staticmethod
        def product(addr, rows, m, x, y):
            y[...] = 1.0

        raw_scores = LC.raw_scores

    assert R._numpy_sgemv(Wrong) is None
    monkeypatch.setattr(R, "_lang_core", lambda: Wrong)
    heads = ["Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.", "日本語のテキストです"]
    assert R._raw_native(R._language_identifier(), [h.encode() for h in heads]) is None
    assert R._rank_block(R._language_identifier(), heads) == _ranked(heads)


def test_pure_python_and_a_failed_import_mean_no_native_module(monkeypatch):
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    assert R._lang_core() is None
    heads = ["Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.", "", "ab",
             "Ce produit est arrivé cassé et le service client ne répond pas du tout."]
    assert R._rank_block(R._language_identifier(), heads) == _ranked(heads)
    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON")
    monkeypatch.setitem(sys.modules, "reviewtools._langcore", None)  # `from . import _langcore` fails
    monkeypatch.delattr(sys.modules["reviewtools"], "_langcore", raising=False)
    assert R._lang_core() is None
    assert R._rank_block(R._language_identifier(), heads) == _ranked(heads)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(_HEADS, st.lists(st.integers(0, 13), max_size=5), st.sampled_from([3, 1 << 16]))
def test_memo_gets_the_same_items_in_the_same_order(monkeypatch, heads, warm, cap):
    """_classify_many with the native module and without it leaves the same memo (items and order), from a
    partly warm memo, also when the memo's cap is hit inside the block."""
    warm_heads = [heads[i] for i in warm if i < len(heads)]
    memos = []
    for native in (True, False):
        with monkeypatch.context() as m:
            m.setattr(R, "_CLASSIFIED", {})
            m.setattr(R, "_LANGUAGE_CACHE_SIZE", cap)
            if not native:
                m.setattr(R, "_lang_core", lambda: None)
            for h in warm_heads:
                R._classify(h)
            R._classify_many(heads + heads[:2])
            memos.append(list(R._CLASSIFIED.items()))
    assert memos[0] == memos[1]


def test_a_block_past_the_native_byte_bound_takes_the_numpy_path(monkeypatch):
    heads = ["Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.", "", "日本語のテキストです"]
    monkeypatch.setattr(R, "_NATIVE_BYTES_LIMIT", 10)
    assert R._raw_native(R._language_identifier(), [h.encode() for h in heads]) is None
    assert R._rank_block(R._language_identifier(), heads) == _ranked(heads)
