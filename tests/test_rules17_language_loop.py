"""The language prefilter's loop over its undecided rows (seventeenth session, helper ``checks_p``): only the rows
with enough ASCII letters, the memo looked up in the loop and the heads missing from it classified together =
the loop before (kept below as ``_old_pre_language``), on Hypothesis rows of several languages and marketplaces,
with the memo cold and warm; and ``check_each_review`` gives the frames the old prefilter gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import rules as R


def _old_pre_language(batch: R._Batch, rule: R.Rule, competitors: tuple[str, ...]) -> np.ndarray:
    """``rules._pre_language`` as it was before (e18024c), the definition the new loop is checked against."""
    allowed = {m: R._allowed_languages(m)[1] for m in set(batch.markets)}
    en_by = {m: a is not None and "en" in a for m, a in allowed.items()}
    en_ok = np.fromiter(map(en_by.__getitem__, batch.markets), dtype=bool, count=batch.n)
    letters = batch.byte_count("text", R._ASCII_LETTERS) >= R.LANGUAGE_MIN_CHARS
    keys, longest = R._english_keys()
    core = R._checks_core()
    plain: np.ndarray | None = None
    if core is not None and hasattr(core, "ascii_word_counts") and longest <= 8:
        ascii_rows = batch.byte_count("text", R._NON_ASCII) == 0
        rows = np.flatnonzero(en_ok & letters & ascii_rows)
        m = len(rows)
        tokens, words, lets = (np.empty(m, dtype=np.int64) for _ in range(3))
        lc = R._literal_core()
        if lc is not None and m:
            data, offsets = batch._bytes("text")
            lc.head_word_counts(data, offsets, rows.astype(np.int64), R.LANGUAGE_MAX_CHARS, keys, longest, tokens,
                                words, lets)
        else:
            core.ascii_word_counts([batch.texts[j][:R.LANGUAGE_MAX_CHARS] for j in rows.tolist()], keys, longest,
                                   tokens, words, lets)
        plain = np.zeros(batch.n, dtype=bool)
        plain[rows] = (words >= R.ENGLISH_FAST_MIN_WORDS) & (words >= R.ENGLISH_FAST_MIN_SHARE * tokens)
        other = en_ok & letters & ~ascii_rows
        n_lb, t_ub = R._english_bounds(batch, core, np.flatnonzero(other))
        known = ascii_rows & en_ok & letters
    else:
        other = en_ok & letters
        n_lb = batch.count("text_low_head", R._re2_english_word())
        t_ub = (batch.byte_count("text_low_head", R._ASCII_ALNUM, run_starts=True)
                + batch.byte_count("text_low_head", R._NON_ASCII))
        known = np.zeros(batch.n, dtype=bool)
    sure = other & (n_lb >= R.ENGLISH_FAST_MIN_WORDS) & (n_lb >= R.ENGLISH_FAST_MIN_SHARE * t_ub)
    if plain is not None:
        sure |= plain
    mask = ~(en_ok & letters & sure)
    heads, asked = [], []
    for j in np.flatnonzero(mask).tolist():
        allow = allowed[batch.markets[j]]
        if allow is None:
            continue
        s = batch.texts[j].strip()
        if len(s) < R.LANGUAGE_MIN_CHARS:
            continue
        if "en" in allow and not known[j] and R._plainly_english(batch.texts[j].lower()[:R.LANGUAGE_MAX_CHARS]):
            if letters[j]:
                mask[j] = False
            continue
        heads.append(s[:R.LANGUAGE_MAX_CHARS])
        asked.append(j)
    R._classify_many(heads)
    for j, head in zip(asked, heads):
        if letters[j]:
            lang, conf, _ = R._classify(head)
            if conf >= R.LANGUAGE_MIN_CONFIDENCE and lang in allowed[batch.markets[j]]:
                mask[j] = False
    return mask


_PIECES = ["The product works well and I would buy it again. ", "It was not what I expected, the size is wrong. ",
           "Das Produkt ist leider nach zwei Tagen kaputt gegangen. ", "Le produit est arrivé cassé et le vendeur ",
           "El producto llegó roto y el vendedor no responde. ", "Questo prodotto è fantastico, lo consiglio. ",
           "Très bien ", "ok ", "  ", "\n", "Great!!! ", "ÄÖÜ ß ", "İstanbul ", "日本語のレビューです。", "\U0001f600 ",
           "asdkjh qwpoeiru zxcmvn ", "and the of to it is ", "1234 5678 ", "x" * 45 + " "]
_TEXT = st.one_of(st.none(), st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
_MARKET = st.sampled_from(["amazon.com", "amazon.de", "amazon.com.br", "amazon.fr", "amazon.co.uk", "uk", "nowhere.example", None, ""])


def _rule() -> R.Rule:
    return next(r for r in R.load_rules() if r.detector == "language" and "amazon" in r.platforms)


def _batch(texts: list[str | None], markets: list[str | None], lazy: bool) -> R._Batch:
    frame = pd.DataFrame({"text": pd.Series(texts, dtype="string[pyarrow]")})
    arr = R._arrow_str_column(frame, "text")
    strings: Any = R._LazyStrings(arr) if lazy else R._str_column(frame, "text")
    n = len(texts)
    return R._Batch([""] * n, strings, markets, [None] * n, arrays={"text": arr} if lazy else None)


def _whole(sel: Any) -> Any:
    """The rows the detector would run on: the prefilter's mask plus the rows whose findings it hands over
    (the "too short" ASCII texts, since the twentieth session)."""
    if isinstance(sel, R._Selection):
        mask = sel.mask.copy()
        for rows, _ in sel.known:
            mask[rows] = True
        return mask
    return sel


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(_TEXT, _MARKET), min_size=1, max_size=12), st.booleans(), st.booleans())
def test_language_prefilter_equals_old_loop(rows: list[tuple[str | None, str | None]], cold: bool,
                                            lazy: bool) -> None:
    texts, markets = [t for t, _ in rows], [m for _, m in rows]
    if cold:
        R._CLASSIFIED.clear()  # every head missing from the memo: the batch classification after the loop
    got = _whole(R.PREFILTERS["language"](_batch(texts, markets, lazy), _rule(), ()))
    want = _old_pre_language(_batch(texts, markets, lazy), _rule(), ())
    assert got.tolist() == want.tolist()
    again = _whole(R.PREFILTERS["language"](_batch(texts, markets, lazy), _rule(), ()))  # memo warm now
    assert again.tolist() == want.tolist()


def test_language_examples_leave_the_mask() -> None:
    texts = [_PIECES[0] * 3, _PIECES[2] * 3, _PIECES[2] * 3, "short", _PIECES[4] * 3]
    markets = ["amazon.com", "amazon.de", "amazon.co.uk", "amazon.com", "amazon.com"]
    got = _whole(R.PREFILTERS["language"](_batch(texts, markets, True), _rule(), ()))
    assert got.tolist() == _old_pre_language(_batch(texts, markets, False), _rule(), ()).tolist()
    assert got.tolist() == [False, False, True, True, False]  # German on amazon.co.uk and a short text stay


@pytest.mark.parametrize("platform", ["amazon", "google", "yelp"])
def test_check_each_review_same_frame_with_old_prefilter(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [r for r in R.load_rules() if platform in r.platforms]
    frame = R._example_frame(platform, rules)
    frame["marketplace"] = ["amazon.de" if i % 3 == 0 else "amazon.com" for i in range(len(frame))]
    new = R.check_each_review(frame)
    monkeypatch.setitem(R.PREFILTERS, "language", _old_pre_language)
    pd.testing.assert_frame_equal(new, R.check_each_review(frame))
