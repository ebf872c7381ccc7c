"""The native VADER core (``reviewtools/_vadercore.c``) must give exactly what vaderSentiment 3.3.2 and the
pure-Python FastVader give: the same dicts after rounding and the same unrounded floats, bit for bit, on real
and adversarial text (Hypothesis); its rounding must be Python's ``round``; texts it declines and a disabled
or missing extension must fall back to the Python path with a log line."""

from __future__ import annotations

import logging
import math
import os
import shutil
import struct
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from _depth import examples
from vaderSentiment import vaderSentiment as upstream

from reviewtools import vader
from reviewtools.vader import PURE_PYTHON_ENV, FastVader

FIXTURES = Path(__file__).parent / "fixtures" / "vader"


def _compiler_present() -> bool:
    """A C compiler and the Python headers: where ``pip install -e .`` builds the extension."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which(cc) is not None and headers.is_file()


def _native_or_skip() -> FastVader:
    try:
        return FastVader(native=True)
    except ImportError:
        if _compiler_present():
            pytest.fail(
                "a C compiler and the Python headers are here but reviewtools._vadercore is missing or stale: "
                "build it with `.venv/bin/python -m pip install --no-deps -e .` (or `make setup`)"
            )
        pytest.skip("no C compiler / Python headers: the native VADER core cannot be built here")


REF = upstream.SentimentIntensityAnalyzer()
PY = FastVader(native=False)


@pytest.fixture(scope="module")
def nat() -> FastVader:
    return _native_or_skip()


@pytest.fixture(scope="module")
def nat_sum() -> FastVader:
    """The native core summing the valences with the interpreter's own ``sum`` (its path on Python 3.12+)."""
    _native_or_skip()
    return FastVader(native=True, _sum_via_python=True)


def _bits(values: tuple[float, ...]) -> tuple[bytes, ...]:
    return tuple(struct.pack("<d", v) for v in values)


def _assert_exact(
    fv: FastVader, texts: list[str], *, all_native: bool = False, wants: list[dict] | None = None
) -> None:
    """Same dicts as the package, same unrounded floats (bits) as the Python path, batch == single."""
    core = fv._native
    declined = []
    wants = wants or [REF.polarity_scores(t) for t in texts]
    for t, want in zip(texts, wants):
        assert fv.polarity_scores(t) == want, t
        assert fv.compound(t) == want["compound"], t
        raw = core.raw(t)
        if raw is None:
            declined.append(t)
            continue
        assert _bits(raw) == _bits(PY._py_raw(t)), t
    assert fv.scores_many(texts) == wants
    assert fv.compound_many(texts) == [w["compound"] for w in wants]
    if all_native:
        assert not declined, f"declined: {declined[:3]}"


def _snippets(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    return [line.rstrip("\r").split("\t", 2)[2] for line in lines if line.strip()]


# ------------------------------------------------------------------------------------------ set-up


def test_default_analyzer_is_native_where_built(nat):
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        pytest.skip(f"{PURE_PYTHON_ENV} is set in this environment")
    assert nat.backend == "native"
    assert FastVader().backend == "native"
    assert vader.native_available()
    assert vader.get_analyzer().backend == "native"


def test_native_core_sums_like_this_interpreter(nat):
    # CPython < 3.12 adds floats left to right; 3.12+ compensates, and the core hands the sum to Python there
    assert nat._native.sum_via_python == (sys.version_info >= (3, 12))
    assert not nat._native.ascii_only  # 3.3.2's non-ASCII lexicon keys are handled by declining


# ------------------------------------------------------------------------------------------ real text


@pytest.mark.parametrize("name", ["amazonReviewSnippets_GroundTruth.txt", "tweets_GroundTruth.txt"])
def test_identical_on_bundled_ground_truth(nat, name):
    _assert_exact(nat, _snippets(FIXTURES / name))


def test_identical_on_long_reviews_made_of_snippets(nat, nat_sum):
    texts = _snippets(FIXTURES / "amazonReviewSnippets_GroundTruth.txt")
    reviews = [" ".join(texts[i : i + k]) for k, i in zip([5, 20, 60, 200] * 10, range(0, 3600, 90))]
    reviews.append("\n\n".join(texts[:400]))  # about 5,000 words
    wants = [REF.polarity_scores(t) for t in reviews]
    _assert_exact(nat, reviews, wants=wants)
    _assert_exact(nat_sum, reviews, wants=wants)


# ------------------------------------------------------------------------------------------ the rules

ADVERSARIAL = [
    # upstream's own examples and quirks
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "very least good",
    "least good",
    "Without a doubt, an excellent idea.",
    "without doubt good",
    # but: value based, several buts, but as the first and last word
    "good good but good good",
    "great, but great and great but bad bad",
    "but good",
    "good but",
    "BUT good BUT bad",
    # never so / this, idioms, booster n-grams
    "it was so good",
    "never so good",
    "never this bad",
    "the movie was the bomb",
    "good the bomb",
    "this food is to die for",
    "i will kiss of death",
    "the yeah right answer",
    "it is sort of good and kind of bad, just enough",
    "kind of",
    "kind",
    "bus stop good",
    "beating heart",
    # no, negations, contractions
    "no good",
    "NO good at all",
    "no problem or bad",
    "no",
    "no no no",
    "don't like it, DON'T, doesn't, ain't, isnt, wont, won't good",
    "DON'T LIKE it",
    "uh-uh good",
    "can't stand it",
    # caps and the ALL-CAPS differential
    "GOOD",
    "GOOD bad",
    "VERY good product",
    "very GOOD product",
    "GREAT GREAT great",
    "I LOVE IT",
    "A good",
    # punctuation runs and stripping
    "good!!!!!!",
    "bad???",
    "bad????",
    "okay?",
    "!?!?!? good",
    "'good'",
    '"""great"""',
    "(bad)",
    "--terrible--",
    "...",
    ":-) :( ;) <3 </3 :-D",
    "good.bad",
    "x'good'",
    "n't good",
    # digits and odd ASCII
    "10/10 would buy again, 5 stars, 0 complaints",
    "1st class good 2nd bad",
    "good\x1cbad\x1dfine\x1e\x1fawful",
    "good\x0bbad\x0cfine\rawful\ttext",
    "good\x00bad",
    "",
    " ",
    "\n\t ",
    # non-ASCII handled natively: accents, curly quotes, dashes, non-breaking and other spaces, emoji
    "Café très bien, ÉNORME déception — don’t buy… terrible",
    "Ça va: GOOD ÉTÉ bad",
    "naïve good”",
    "good\u00a0bad\u2003fine\u3000awful\u0085nice\u2028ok",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "love😁it",
    "😁😁",
    " 😁 ",
    "great👍🏽",
    "🔛 good",
    "ΣΟΦΙΑ good ΑΣ",
    "ǅ good ǅǅ",
    "Straße GOOD",
    # declined: lower-case of U+0130 and U+212A holds ASCII; a token that could be a non-ASCII lexicon key
    "İSTANBUL good",
    "\u212a good",
    ":-Þ good",
    ":Þ",
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_identical_on_adversarial_text(nat, text):
    _assert_exact(nat, [text])


def test_declines_what_it_cannot_score_exactly_and_python_scores_it(nat):
    core = nat._native
    for text in ["İSTANBUL good", "fine \u212a", ":-Þ good", "great :Þ"]:
        assert core.raw(text) is None
        assert nat.polarity_scores(text) == REF.polarity_scores(text)
    for text in ["Café good", "don’t like", "😁", "ǅ", "ÉNORME"]:
        assert core.raw(text) is not None
    out, declined = core.scores_many(["good", "İ bad", "fine", ":Þ"])
    assert declined == [1, 3] and out[1] is None and out[3] is None
    assert nat.scores_many(iter(["good", "İ bad", "fine", ":Þ"])) == [
        REF.polarity_scores(t) for t in ["good", "İ bad", "fine", ":Þ"]
    ]


def test_non_str_is_a_type_error_like_upstream(nat):
    for bad in (None, 1.5, b"good"):
        assert nat._native.raw(bad) is None
        with pytest.raises(TypeError, match="expects str"):
            nat.polarity_scores(bad)
        with pytest.raises(TypeError, match="expects str"):
            nat.compound(bad)
        with pytest.raises(TypeError, match="expects str"):
            nat.scores_many(["good", bad])


def test_str_subclass_goes_to_python(nat):
    class S(str):
        pass

    assert nat._native.raw(S("good")) is None
    assert nat.polarity_scores(S("good")) == REF.polarity_scores("good")


def test_many_emoji_grow_the_buffers(nat):
    texts = ["😁" * 400, "a😁" * 300 + " great", "💘 " * 300 + "bad"]  # descriptions: 10-30x the text
    _assert_exact(nat, texts, all_native=True)


# ------------------------------------------------------------------------------------------ rounding


def _round_same(x: float, nd: int) -> None:
    from reviewtools import _vadercore

    want, got = round(x, nd), _vadercore.round(x, nd)
    assert struct.pack("<d", got) == struct.pack("<d", want), (x, nd, want, got)


@settings(max_examples=examples(1000), deadline=None)
@given(st.floats(min_value=-1.0, max_value=1.0, allow_subnormal=True), st.integers(0, 4))
@example(0.03125, 4)  # exact binary tie: half-even gives 0.0312
@example(0.09375, 4)
@example(-0.03125, 4)
@example(0.0625, 3)
@example(-0.00001, 4)  # rounds to -0.0
@example(-0.0, 3)
@example(5e-324, 4)
@example(1.0, 4)
@example(-1.0, 3)
def test_rounding_is_pythons_round(nat, x, nd):
    _round_same(x, nd)


def test_rounding_at_every_decimal_midpoint(nat):
    for nd in (3, 4):
        scale = 10**nd
        for q in range(0, scale + 1):
            mid = (q + 0.5) / scale
            for x in (mid, math.nextafter(mid, 0.0), math.nextafter(mid, 2.0)):
                if x <= 1.0:
                    _round_same(x, nd)
                    _round_same(-x, nd)


def test_rounding_outside_the_fast_range_calls_round(nat):
    for x in (1.5, -2.5, 1e300, float("inf"), float("-inf")):
        for nd in (0, 3, 4):
            _round_same(x, nd)
    from reviewtools import _vadercore

    assert math.isnan(_vadercore.round(float("nan"), 3))


# ------------------------------------------------------------------------------------------ Hypothesis

_LEX = sorted(w for w in REF.lexicon if " " not in w)
_RULE_WORDS = [
    "but", "BUT", "But", "kind", "of", "least", "at", "very", "no", "NO", "or", "nor", "never", "so", "this",
    "without", "doubt", "the", "shit", "bomb", "bad", "ass", "to", "die", "for", "yeah", "right", "kiss",
    "death", "just", "enough", "sort", "n't", "isn't", "don't", "DON'T", "ain't", "I", "a", "it", "10", "5/5",
    "2nd", "x2",
]
_PHRASES = [*upstream.SPECIAL_CASES, *upstream.SENTIMENT_LADEN_IDIOMS, *upstream.BOOSTER_DICT]
_EMOJI_1 = sorted(k for k in REF.emojis if len(k) == 1)
_NON_ASCII = ["é", "É", "’", "“", "…", "—", "ß", "ǅ", "Σ", "ς", "İ", "\u212a", "Þ", "þ", "ñ", "ü", "中文", "\u0301"]
_PUNCT_RUNS = ["!", "!!", "!!!!", "!!!!!!", "?", "??", "???", "????", "?!", ".", ",", "...", "'", '"', "-", "(", ")"]

word = st.one_of(
    st.sampled_from(_LEX),
    st.sampled_from(_RULE_WORDS),
    st.sampled_from(sorted(upstream.NEGATE)),
    st.sampled_from(_PHRASES),
    st.sampled_from(sorted(upstream.BOOSTER_DICT)),
    st.sampled_from(_EMOJI_1),
    st.sampled_from(_NON_ASCII),
    st.builds(lambda a, b: a + b, st.sampled_from(_LEX), st.sampled_from(_NON_ASCII)),
    st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=6),
    st.text(min_size=1, max_size=4),
)
shaped = st.builds(
    lambda w, case, pre, post: pre + case(w) + post,
    word,
    st.sampled_from([str, str, str, str.upper, str.upper, str.capitalize, str.lower, str.swapcase]),
    st.sampled_from(["", "", "", "(", '"', "'", "*", "--", "“"]),
    st.sampled_from(["", "", "", *_PUNCT_RUNS, "’", "…"]),
)
separator = st.sampled_from(
    [" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "", ", ", ". ", "\x1c", "\x85", "\r\n"]
)


@st.composite
def review_text(draw, max_words=40):
    words = draw(st.lists(shaped, max_size=max_words))
    out = []
    for w in words:
        out.append(w)
        out.append(draw(separator))
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(out)


_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(fv: FastVader, text: str) -> None:
    want = REF.polarity_scores(text)
    assert fv.polarity_scores(text) == want
    assert fv.compound(text) == want["compound"]
    raw = fv._native.raw(text)
    if raw is not None:
        assert _bits(raw) == _bits(PY._py_raw(text))


@settings(max_examples=examples(200), **_SETTINGS)
@given(review_text())
@example("good but good but bad")
@example("NOT GOOD at ALL but very FUNNY 😁😁!!!???")
@example("never so kind of least good")
def test_property_identical_on_vader_vocabulary(nat, text):
    _check(nat, text)


@settings(max_examples=examples(250), **_SETTINGS)
@given(review_text())
def test_property_identical_when_python_sums(nat_sum, text):
    _check(nat_sum, text)


@settings(max_examples=examples(400), **_SETTINGS)
@given(st.text(max_size=200))
def test_property_identical_on_arbitrary_unicode(nat, text):
    _check(nat, text)


@settings(max_examples=examples(300), **_SETTINGS)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_property_identical_on_arbitrary_ascii(nat, text):
    _check(nat, text)


@settings(max_examples=examples(40), **_SETTINGS)
@given(review_text(max_words=600))
def test_property_identical_on_long_texts(nat, text):
    _check(nat, text)


# ------------------------------------------------------------------------------- arrays and spans


def _float_bits(values) -> list[int]:  # type: ignore[no-untyped-def]
    return np.asarray(values, dtype=np.float64).view(np.int64).tolist()


def _assert_array_paths(nat: FastVader, texts: list[str], owner: np.ndarray, start: np.ndarray,
                        end: np.ndarray) -> None:
    """scores_array and compound_spans, native and Python, equal the package bit for bit."""
    want = [REF.polarity_scores(t) for t in texts]
    rows = [[d["neg"], d["neu"], d["pos"], d["compound"]] for d in want]
    for fv in (nat, PY):
        got = fv.scores_array(texts)
        assert got.shape == (len(texts), 4)
        assert _float_bits(got.ravel()) == _float_bits(np.array(rows, dtype=np.float64).ravel())
        spans = [texts[o][a:b] for o, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True)]
        want_c = [REF.polarity_scores(x)["compound"] for x in spans]
        assert _float_bits(fv.compound_spans(texts, owner, start, end)) == _float_bits(want_c)


@st.composite
def texts_and_spans(draw, text=None):  # type: ignore[no-untyped-def]
    """Texts (ASCII, Latin-1, wider, emoji, refused characters) and spans over them, with repeats."""
    texts = draw(st.lists(text if text is not None else st.one_of(review_text(max_words=12), st.text(max_size=40)), min_size=1,
                          max_size=6))
    spans = []
    for _ in range(draw(st.integers(0, 25))):
        o = draw(st.integers(0, len(texts) - 1))
        a = draw(st.integers(0, len(texts[o])))
        b = draw(st.integers(a, len(texts[o])))
        spans.append((o, a, b))
    spans += draw(st.lists(st.sampled_from(spans), max_size=6)) if spans else []  # the same span again
    owner, start, end = (np.array([x[k] for x in spans], dtype=np.int64) for k in range(3))
    return texts, owner, start, end


@settings(max_examples=examples(80), **_SETTINGS)
@given(texts_and_spans())
@example((["Love it. Broke fast.", "Caf\u00e9 tr\u00e8s bien. Love it.", "\u0130STANBUL good. Love it. \U0001f601"],
          np.array([0, 0, 1, 1, 2, 2, 2, 1, 2]), np.array([0, 9, 0, 17, 0, 17, 0, 0, 17]),
          np.array([8, 20, 16, 24, 14, 25, 14, 0, 25])))
def test_arrays_and_spans_equal_the_package(nat, case):
    _assert_array_paths(nat, *case)


@settings(max_examples=examples(100), **_SETTINGS)
@given(texts_and_spans(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=80)))
def test_spans_equal_the_package_on_ascii(nat, case):
    _assert_array_paths(nat, *case)


def test_equal_spans_of_different_texts_share_one_score_and_refusals_repeat(nat):
    """Equal spans (the memo) in ASCII, Latin-1 and wide texts; a refused span (U+0130) repeated goes to Python
    every time it occurs; empty spans and spans at the ends."""
    texts = ["good. bad!", "x good. bad!", "\u00e9 good. bad!", "\u4e2d good. bad!", "\u0130 good \u0130 good"]
    owner = np.array([0, 1, 2, 3, 0, 1, 2, 3, 4, 4, 4, 0, 4], dtype=np.int64)
    start = np.array([0, 2, 2, 2, 6, 8, 8, 8, 0, 0, 7, 0, 13], dtype=np.int64)
    end = np.array([5, 7, 7, 7, 10, 12, 12, 12, 6, 6, 13, 0, 13], dtype=np.int64)
    _assert_array_paths(nat, texts, owner, start, end)
    declined = nat._native.compound_spans(texts, owner, start, end, np.empty(owner.size))
    assert declined == [8, 9, 10]  # "\u0130 good" three times: the Python path scores each


def test_spans_outside_their_text_are_an_error(nat):
    texts = ["good"]
    for fv in (nat, PY):
        with pytest.raises(IndexError, match="outside text 0 of length 4"):
            fv.compound_spans(texts, np.array([0]), np.array([2]), np.array([5]))
        with pytest.raises(IndexError, match="outside text 0"):
            fv.compound_spans(texts, np.array([0]), np.array([3]), np.array([2]))
        with pytest.raises(IndexError, match="owner"):
            fv.compound_spans(texts, np.array([1]), np.array([0]), np.array([1]))
        with pytest.raises(ValueError, match="differ in length"):
            fv.compound_spans(texts, np.array([0, 0]), np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="out"):
        nat._native.scores_into(texts, np.empty(3))


def test_non_str_in_arrays_is_a_type_error_like_upstream(nat):
    for fv in (nat, PY):
        with pytest.raises(TypeError):
            fv.scores_array(["good", b"bad"])  # type: ignore[list-item]
        with pytest.raises(TypeError):
            fv.compound_spans(["good", None], np.array([1]), np.array([0]), np.array([0]))  # type: ignore[list-item]


# ------------------------------------------------------------------------------------------ fallback


@pytest.fixture
def fresh_loader():
    """Forget which native module was loaded (and logged) before and after the test."""
    vader._native_module.cache_clear()
    yield
    vader._native_module.cache_clear()


def test_env_var_forces_the_python_path_and_says_so(fresh_loader, monkeypatch, caplog):
    monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    with caplog.at_level(logging.INFO, logger="reviewtools.vader"):
        fv = FastVader()
    assert fv.backend == "python"
    assert not vader.native_available()
    assert any(PURE_PYTHON_ENV in r.getMessage() for r in caplog.records)
    texts = [*ADVERSARIAL, *_snippets(FIXTURES / "tweets_GroundTruth.txt")[:300]]
    assert fv.scores_many(texts) == [REF.polarity_scores(t) for t in texts]
    assert fv.compound_many(texts) == [REF.polarity_scores(t)["compound"] for t in texts]
    monkeypatch.setenv(PURE_PYTHON_ENV, "0")
    assert FastVader(native=False).backend == "python"


def test_missing_extension_falls_back_and_says_so(fresh_loader, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "reviewtools._vadercore", None)  # import raises ImportError
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    with caplog.at_level(logging.INFO, logger="reviewtools.vader"):
        fv = FastVader()
    assert fv.backend == "python"
    assert any("not built" in r.getMessage() for r in caplog.records)
    assert fv.polarity_scores("VADER is VERY SMART!!!") == REF.polarity_scores("VADER is VERY SMART!!!")
    with pytest.raises(ImportError, match="not available"):
        FastVader(native=True)


def test_stale_build_is_not_used(nat, fresh_loader, monkeypatch, caplog):
    from reviewtools import _vadercore

    monkeypatch.setattr(_vadercore, "CORE_VERSION", vader.NATIVE_CORE_VERSION - 1, raising=False)
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    with caplog.at_level(logging.WARNING, logger="reviewtools.vader"):
        assert FastVader().backend == "python"
    assert any("stale" in r.getMessage() for r in caplog.records)


def test_a_core_that_disagrees_with_python_is_not_used(nat, fresh_loader, monkeypatch, caplog):
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    monkeypatch.setattr(FastVader, "_py_polarity_scores", lambda self, text: {"neg": 1.0})
    with caplog.at_level(logging.WARNING, logger="reviewtools.vader"):
        assert FastVader().backend == "python"
    assert any("differs from the Python path" in r.getMessage() for r in caplog.records)


def test_a_core_that_refuses_the_tables_is_not_used(nat, fresh_loader, monkeypatch, caplog):
    from reviewtools import _vadercore

    def refuse(**tables):
        raise ValueError("_vadercore: more than 65,535 table keys")

    monkeypatch.setattr(_vadercore, "Core", refuse)
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    with caplog.at_level(logging.WARNING, logger="reviewtools.vader"):
        fv = FastVader()
    assert fv.backend == "python"
    assert any("could not take the tables" in r.getMessage() for r in caplog.records)
    assert fv.compound("not bad at all") == REF.polarity_scores("not bad at all")["compound"]


def test_score_sentiment_is_the_same_frame_with_and_without_the_native_core(nat, fresh_loader, monkeypatch):
    import pandas as pd

    from reviewtools.sentiment import score_sentiment

    snippets = _snippets(FIXTURES / "amazonReviewSnippets_GroundTruth.txt")
    frame = pd.DataFrame({
        "review_id": [f"r{i}" for i in range(300)],
        "rating": [1 + i % 5 for i in range(300)],
        "title": [snippets[i][:30] for i in range(300)],
        "text": [" ".join(snippets[i : i + 1 + i % 7]) + " 😁 Café İ" * (i % 3 == 0) for i in range(300)],
    })
    outs = {}
    for backend in ("python", "native"):
        if backend == "python":
            monkeypatch.setenv(PURE_PYTHON_ENV, "1")
        else:
            monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
        vader.get_analyzer.cache_clear()
        assert vader.get_analyzer().backend == backend
        outs[backend] = score_sentiment(frame)
    vader.get_analyzer.cache_clear()
    pd.testing.assert_frame_equal(outs["python"], outs["native"], check_exact=True)
    assert outs["python"].equals(outs["native"])


def _joined_ref(pairs: list[tuple[str, str]], sep: str) -> np.ndarray:
    """polarity_scores of each pair joined as FastVader.joined_scores_array defines it, by upstream."""
    rows = []
    for a, b in pairs:
        d = REF.polarity_scores(sep.join(p for p in (a, b) if p and not p.isspace()))
        rows.append((d["neg"], d["neu"], d["pos"], d["compound"]))
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


_part = review_text(max_words=12) | st.text(max_size=40) | st.sampled_from(["", " ", "\n", "\u3000", "\x85", "İ bad"])


@settings(max_examples=examples(120), **_SETTINGS)
@given(st.lists(st.tuples(_part, _part), max_size=8), st.sampled_from(["\n", " ", "", "\u2028"]))
def test_joined_scores_equal_scores_of_the_joined_strings(nat, pairs, sep):
    """Joining in C (ASCII parts in a scratch buffer, others as a str, declined pairs by Python) scores exactly
    the joined string, on the native and the Python path, bit for bit (signed zeros too)."""
    want = _joined_ref(pairs, sep).tobytes()
    firsts, seconds = [a for a, _ in pairs], [b for _, b in pairs]
    assert nat.joined_scores_array(firsts, seconds, sep).tobytes() == want
    assert PY.joined_scores_array(iter(firsts), seconds, sep).tobytes() == want


def test_joined_scores_decline_str_subclasses_and_check_lengths(nat):
    class S(str):
        pass

    out = np.empty((3, 4))
    declined = nat._native.joined_scores_into(["good", S("bad"), "İ"], ["fine", "", "bad"], "\n", out)
    assert declined == [1, 2] and np.isnan(out[1:]).all()
    pairs = [("good", "fine"), ("bad", ""), ("İ", "bad")]
    got = nat.joined_scores_array([S("good"), S("bad"), "İ"], ["fine", "", "bad"], "\n")
    assert got.tobytes() == _joined_ref(pairs, "\n").tobytes()
    with pytest.raises(ValueError, match="differ in length"):
        nat.joined_scores_array(["a"], [], "\n")
    with pytest.raises(ValueError, match="differ in length"):
        nat._native.joined_scores_into(["a"], [], "\n", np.empty((1, 4)))
