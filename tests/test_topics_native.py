"""The native candidate attempts of reviewtools.topics (``_vadercore.topic_attempts``) equal the numpy path.

``_candidate_attempts(..., native=False)`` (numpy and Arrow: word runs, dictionary encode, word table, masks) is
the reference; the native core scans each text once (``\\w`` runs as Python's ``re`` has them, literals by a
hash of their code points) and must give the same ``(texts, offsets, phrase ids)`` lists, in the same order, on
any code points (Latin-1 texts by a byte table, the others by code point; lone surrogates; digits and letters
outside ASCII; underscores), for every topic subset, and the whole stage must give the same frames with the
native core switched off (``REVIEWTOOLS_PURE_PYTHON``).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from reviewtools import topics
from reviewtools.vader import PURE_PYTHON_ENV, native_module

from test_topics_prefilter import EXAMPLES, ODD, frame_of, review_text

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")


def _both(lows: list[str], ix) -> tuple:
    want = topics._candidate_attempts(lows, ix, native=False)
    got = topics._candidate_attempts(lows, ix, native=True)
    assert got == want
    return got


@needs_core
def test_native_attempts_on_the_registry_examples_and_odd_text():
    ix = topics._phrase_index(None)
    texts = EXAMPLES + ["", " ", "the the it", "ünï the it broken", "İİİ arrived cracked", "re-sent re_sent",
                        "café² broken½ ৩ arrived٣late", "\ud800broken \udfffarrived late", "a" * 3000 + " broken"]
    texts += [t.upper() for t in EXAMPLES[:50]] + ["".join(ODD) + t for t in EXAMPLES[:30]]
    rows, _, _ = _both([topics._lower(t) for t in texts], ix)
    assert len(rows) > len(EXAMPLES)  # not vacuous: the examples do make attempts


CODE_POINTS = st.text(alphabet=st.characters(), max_size=80)  # every category, lone surrogates included
LATIN1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=80)


@needs_core
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(CODE_POINTS, LATIN1, review_text(), review_text().map(str.lower)), max_size=8),
       which=st.sampled_from(["all", "one", "some"]), pick=st.integers(0, 1000))
def test_native_attempts_equal_the_numpy_path_on_any_text(texts, which, pick):
    ids = list(topics.topic_ids())
    selected = None if which == "all" else (ids[pick % len(ids)],) if which == "one" else tuple(sorted(ids[::3]))
    ix = topics._phrase_index(selected)
    _both([topics._lower(t) for t in texts], ix)


@needs_core
def test_every_topic_alone():
    lows = [topics._lower(t) for t in EXAMPLES]
    for topic in topics.topic_ids():
        _both(lows, topics._phrase_index((topic,)))


@needs_core
def test_the_native_arguments_hold_the_index():
    ix = topics._phrase_index(None)
    (exact, exact_ptr, exact_units, prefix, prefix_ptr, prefix_units, first_ptr, first_phrases, phrase_ptr,
     phrase_units, n_units) = topics._native_attempts_args(ix)
    assert n_units == ix.n_units and len(exact) == len(ix.exact_units) and len(prefix) == len(ix.prefix_units)
    for i, k in enumerate(exact):
        assert tuple(exact_units[exact_ptr[i] : exact_ptr[i + 1]].tolist()) == ix.exact_units[k]
    for i, k in enumerate(prefix):
        assert tuple(prefix_units[prefix_ptr[i] : prefix_ptr[i + 1]].tolist()) == ix.prefix_units[k]
    for ids, units in ix.by_size:
        for p, us in zip(ids.tolist(), units.tolist(), strict=True):
            assert phrase_units[phrase_ptr[p] : phrase_ptr[p + 1]].tolist() == us
    assert (first_ptr == ix.first_ptr).all() and (first_phrases == ix.first_phrases).all()


@needs_core
def test_bad_arguments_are_refused():
    ix = topics._phrase_index(None)
    args = list(topics._native_attempts_args(ix))
    with pytest.raises(TypeError):
        CORE.topic_attempts(["ok", 3], *args)
    bad = list(args)
    bad[2] = bad[2].astype("int32")  # exact_units not int64
    with pytest.raises(TypeError):
        CORE.topic_attempts(["ok"], *bad)
    bad = list(args)
    bad[-1] = 1  # units out of range for the phrases
    with pytest.raises(ValueError):
        CORE.topic_attempts(["ok"], *bad)


def test_an_index_beyond_the_native_bound_uses_the_numpy_path(monkeypatch):
    monkeypatch.setattr(topics, "_NATIVE_MAX_UNITS", 0)
    ix = topics._phrase_index(("shipping_delivery",))
    ix.__dict__.pop("_native_args", None)
    try:
        assert topics._native_attempts_args(ix) is None
        lows = [topics._lower(t) for t in EXAMPLES[:40]]
        assert topics._candidate_attempts(lows, ix) == topics._candidate_attempts(lows, ix, native=False)
        if CORE is not None:
            with pytest.raises(RuntimeError):
                topics._candidate_attempts(lows, ix, native=True)
    finally:
        ix.__dict__.pop("_native_args", None)


def test_the_stage_without_the_native_core_gives_the_same_frames(monkeypatch):
    frame = frame_of(EXAMPLES[:150] + ["ünï the it broken", "İİİ arrived cracked"],
                     titles=[None, "", "Broken!", "FAKE"] * 38)
    tagged, matches = topics.find_and_tag_topics(frame)
    monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    assert native_module() is None
    pure_tagged, pure_matches = topics.find_and_tag_topics(frame)
    assert_frame_equal(pure_tagged, tagged, check_exact=True)
    assert_frame_equal(pure_matches, matches, check_exact=True)
    assert len(matches) > 100


# ------------------------------------------------------------------ the clause-first judge's scans (topic_clause)

LEX = topics._lexicon()
CLAUSE_WORDS = sorted(LEX.break_words | LEX.quantified_negators | LEX.negators) + [
    "a", "quite", "few", "it", "broke", "don't", "o'", "'tis", "a'b", "x_y", "é", "İ", "٣", "½", "😀"]
CLAUSE_TEXT = st.lists(st.one_of(st.sampled_from(CLAUSE_WORDS), st.sampled_from(ODD),
                                 st.text(alphabet=st.characters(), max_size=4)), max_size=30).map("".join)


def _clauses_agree(window: str, start: int, end: int) -> None:
    for after in (False, True):
        want = topics._clause_doc(window, start, end, LEX, after)
        got = topics._clause_doc(window, start, end, LEX, after, CORE)
        assert got == want, (window, start, end, after)


@needs_core
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(window=CLAUSE_TEXT, data=st.data())
def test_native_clause_scans_equal_the_regexes_anywhere(window, data):
    """Any (start, end) in any text: tokens crossing an edge, marks inside the match, contrast words in any
    piece, a quantified negator opening the clause after a mark, curly apostrophes, non-ASCII word characters."""
    start = data.draw(st.integers(0, len(window)))
    end = data.draw(st.integers(start, len(window)))
    _clauses_agree(window, start, end)


@needs_core
def test_native_clause_scans_on_the_examples_at_every_word():
    import re

    for text in EXAMPLES[:200] + ["a, few broken. none, of them; quite few arrived’s broken but fine"]:
        low = topics._lower(text)
        spans = [mo.span() for mo in re.finditer(r"\w+", low)]
        for (s, _), (_, e) in zip(spans, spans[1:] + spans[-1:]):
            _clauses_agree(low, s, e)


def _windows_agree(window: str, start: int, end: int) -> None:
    want = topics._window_doc(window, start, end, LEX)
    got = topics._window_doc(window, start, end, LEX, CORE)
    assert (got is None) == (want is None), (window, start, end)
    if got is not None:
        assert (got[0].words, got[0].clauses, got[0].sentences, got[1:]) == (
            want[0].words, want[0].clauses, want[0].sentences, want[1:]), (window, start, end)


@needs_core
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(window=CLAUSE_TEXT, data=st.data())
def test_native_window_tokens_equal_the_regexes_anywhere(window, data):
    """The sentence window's tokens, clause and sentence numbers and the marker's reach past the sentence."""
    start = data.draw(st.integers(0, len(window)))
    end = data.draw(st.integers(start, len(window)))
    _windows_agree(window, start, end)


@needs_core
def test_native_window_tokens_on_the_examples_at_every_word(monkeypatch):
    import re

    texts = EXAMPLES[:200] + ["it's. a, few broken! none, of them; quite few arrived’s broken but fine. if it"
                              " breaks, in place of. x'y. 'tis it\n\nbroken instead of"]
    for reach in (None, 0, 1):
        if reach is not None:
            monkeypatch.setattr(topics, "_marker_reach", lambda reach=reach: reach)
        for text in texts:
            low = topics._lower(text)
            spans = [mo.span() for mo in re.finditer(r"\w+", low)]
            for (s, _), (_, e) in zip(spans, spans[1:] + spans[-1:]):
                _windows_agree(low, s, e)


# ------------------------------------------------------------- a mention's nearest cue (searched outward by distance)

def _nearest_cue_reference(doc, first, last, negative, positive):
    """The search before it went outward: every candidate token, the least (distance, sign, index)."""
    clause = doc.clauses[first] if first < len(doc.clauses) else -1
    best = None
    candidates = list(range(max(0, first - topics.CUE_WINDOW), first)) + list(
        range(last + 1, min(len(doc.words), last + 1 + topics.CUE_WINDOW)))
    for j in candidates:
        if doc.clauses[j] != clause:
            continue
        w = doc.words[j]
        sign = 0 if w in negative else 1 if w in positive else None
        if sign is None:
            continue
        key = (first - j if j < first else j - last, sign, j)
        if best is None or key < best:
            best = key
    return best


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n=st.integers(1, 14))
def test_mention_cue_is_the_least_distance_sign_index(data, n):
    rule = next(r for r in topics.load_topic_rules() if r.mention)
    negative = topics._cue_union(LEX.negative, rule.negative_cues)
    positive = topics._cue_union(LEX.positive, rule.positive_cues)
    pool = sorted(negative)[:4] + sorted(positive)[:4] + ["x", "y", "not", "no", "never"]
    words = data.draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    clauses = sorted(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    first = data.draw(st.integers(0, n - 1))
    last = data.draw(st.integers(first, n - 1))
    doc = topics._Doc([], [], words, clauses, [])
    ph = topics._Phrase(topic=rule.id, kind="mention", phrase=rule.mention[0], pattern="", vocabulary=frozenset(),
                        first_stems=(), regex=re.compile(""))
    got = topics._judge_polarity(doc, first, last, ph, rule, LEX, "")
    best = _nearest_cue_reference(doc, first, last, negative, positive)
    if best is None:
        assert got == ("neutral", False, "", "", f"mention {ph.phrase!r} with no cue word nearby")
        return
    _, sign, j = best
    cue, cue_neg = words[j], doc.negator_before(j, LEX)
    tone = "negative" if sign == 0 else "positive"
    if cue_neg:
        want = ("neutral" if sign == 0 else "complaint", True, cue_neg, cue,
                f"mention {ph.phrase!r} with {tone} cue {cue!r} negated by {cue_neg!r}")
    else:
        want = ("complaint" if sign == 0 else "praise", False, "", cue, f"mention {ph.phrase!r} with {tone} cue {cue!r}")
    assert got == want
