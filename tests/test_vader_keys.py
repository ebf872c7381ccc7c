"""The native core's table lookups read a token 8 bytes at a time and mask off what lies past its end (no
``memcmp``, no branch on the length): every key of the lexicon, the boosters, NEGATE and the idioms must still be
found exactly, and no token that only starts or ends like a key (the bytes after it in the buffer are another
token's) may be taken for it. Compared with vaderSentiment 3.3.2, compound by compound."""

from __future__ import annotations

import pytest
from vaderSentiment import vaderSentiment as upstream

from reviewtools.vader import FastVader

REF = upstream.SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def nat() -> FastVader:
    try:
        v = FastVader(native=True)
    except ImportError:
        pytest.skip("the native VADER core is not built")
    assert v.backend == "native"  # not dropped by its self-check at construction
    return v


def _keys() -> list[str]:
    words = set(REF.lexicon) | set(upstream.BOOSTER_DICT) | set(upstream.NEGATE)
    return sorted(w for w in words if w.isascii() and " " not in w)


def _texts(w: str) -> list[str]:
    """The key with longer and shorter lookalikes around it in one string (so the bytes after a short token in
    the lower-cased buffer are a longer one's), cased and punctuated."""
    return [
        f"{w}",
        f"{w}x {w} x{w} {w[:-1]} {w}{w}",
        f"{w[:-1]} {w}",
        f"it was {w}s, {w}! and {w}.",
        f"{w.upper()} {w}z {w[1:]} good",
        f"{w}{'e' * 9} {w} {w}{'e' * 17} great",
        f"not {w} but {w}{w[-1]}",
    ]


def test_every_single_word_key_found_exactly(nat: FastVader) -> None:
    keys = _keys()
    assert any(len(k) > 8 for k in keys) and any(len(k) > 16 for k in keys)
    bad = []
    for w in keys:
        for t in _texts(w):
            if nat.compound(t) != REF.polarity_scores(t)["compound"]:
                bad.append(t)
    assert bad == []


def test_idioms_and_ngrams_found_exactly(nat: FastVader) -> None:
    phrases = sorted(set(upstream.SPECIAL_CASES) | {k for k in upstream.BOOSTER_DICT if " " in k})
    assert phrases
    bad = []
    for p in phrases:
        for t in (f"this is {p} here", f"{p}", f"the {p}s really", f"{p[:-1]} good", f"x {p}{p[-1]} bad",
                  f"so {p} and {p} and {p}"):
            if nat.compound(t) != REF.polarity_scores(t)["compound"]:
                bad.append(t)
    assert bad == []


@pytest.mark.parametrize("n", range(1, 34))
def test_tokens_of_every_length_next_to_keys(nat: FastVader, n: int) -> None:
    """Tokens of n characters made of a key's prefix and padding, one after another with keys of 1-24 bytes
    (the buffer past each token holds the next one's bytes), and every batch of the joint call."""
    keys = [k for k in _keys() if len(k) <= 24]
    texts = []
    for k in keys[n::40]:
        tok = (k * 4)[:n]
        texts.append(f"{tok} {k} {tok}{k} {k[: max(1, n % len(k))]} {tok.upper()}")
    rows = nat.scores_array(texts)
    assert [r[3] for r in rows.tolist()] == [REF.polarity_scores(t)["compound"] for t in texts]
