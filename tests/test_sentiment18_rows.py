"""``_langcore.raw_scores`` asks for a text's feature rows a fixed number of rows (``RAHEAD``, 16) before it widens
them instead of all at once: the raw scores stay py3langid's own ``_raw_score`` bit for bit for texts whose
distinct-feature counts sit around that distance (fewer rows than it, as many, one more, several times more), alone
and next to one another in one block (a text's look-ahead stops at its own last row)."""

from __future__ import annotations

import numpy as np
import pytest

from reviewtools import rules as R

LC = R._lang_core()
SGEMV = R._numpy_sgemv(LC) if LC is not None else None
pytestmark = pytest.mark.skipif(LC is None or SGEMV is None, reason="reviewtools._langcore not built (or pure "
                                "Python asked), or numpy's BLAS is not its bundled OpenBLAS")

_SOURCE = ("Das Produkt ist leider nach zwei Tagen kaputt gegangen und der Versand war sehr langsam. "
           "Le produit est arrivé cassé, très déçu du service client. El producto llegó tarde y roto. "
           "Товар пришёл сломанным, очень недоволен. 商品が壊れていました。").encode()
_WANT_K = (2, 3, 15, 16, 17, 31, 32, 33, 48, 100, 200)


def _features(ident, text: bytes) -> int:
    from py3langid.langid import visit_counts

    return len(visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, text) or {})


def _texts_by_k(ident) -> dict[int, bytes]:
    """A prefix of the source for each wanted count of distinct features (the first prefix with that count)."""
    out: dict[int, bytes] = {}
    for end in range(1, len(_SOURCE) + 1):
        k = _features(ident, _SOURCE[:end])
        if k in _WANT_K and k not in out:
            out[k] = _SOURCE[:end]
    return out


def test_the_wanted_feature_counts_are_there():
    assert set(_texts_by_k(R._language_identifier())) == set(_WANT_K)


@pytest.mark.parametrize("order", ["alone", "ascending", "descending", "interleaved"])
def test_raw_scores_around_the_look_ahead_equal_py3langid(order):
    ident = R._language_identifier()
    by_k = _texts_by_k(ident)
    ks = sorted(by_k)
    if order == "alone":
        blocks = [[by_k[k]] for k in ks]
    elif order == "ascending":
        blocks = [[by_k[k] for k in ks]]
    elif order == "descending":
        blocks = [[by_k[k] for k in reversed(ks)]]
    else:
        blocks = [[by_k[k] for pair in zip(ks, reversed(ks)) for k in pair]]
    for texts in blocks:
        raw = R._raw_native(ident, texts)
        expected = np.stack([ident._raw_score(t) for t in texts])
        assert raw is not None and raw.dtype == np.float32
        assert np.array_equal(raw.view(np.uint32), expected.view(np.uint32))
