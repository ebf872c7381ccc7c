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

import numpy as np

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples
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
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


@settings(max_examples=examples(300), deadline=None)
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


# ------------------------------------------------- the clause-first verdict in one native call (topic_verdict)

PHRASES = [ph for c in topics._compiled() for ph in c.phrases]
RULE_OF = {c.rule.id: c.rule for c in topics._compiled()}
VERDICT_WORDS = CLAUSE_WORDS + sorted(LEX.not_quantifiers) + sorted(LEX.negative)[:12] + sorted(LEX.positive)[:12] + [
    "not", "no", "a", "quite", "single", "any", "none", "of", "nary", "never", "without"]
VERDICT_TEXT = st.lists(st.one_of(st.sampled_from(VERDICT_WORDS), st.sampled_from(VERDICT_WORDS),
                                  st.sampled_from([",", ".", "’", "!", ";"]), st.sampled_from(ODD),
                                  st.text(alphabet=st.characters(), max_size=3)),
                        max_size=30).map(" ".join)
PHRASES_BY_KIND = {k: [ph for ph in PHRASES if ph.kind == k] for k in ("complaint", "praise", "mention")}


def _python_verdict(window: str, start: int, end: int, ph, shortcut: bool):
    """The verdict of the Python clause-first path: _clause_doc's tokens (regexes), then _judge_verdict (or, with
    ``shortcut``, _judge_matches' skip of the negator scan when no negation word is within reach)."""
    rule = RULE_OF[ph.topic]
    local = topics._clause_doc(window, start, end, LEX, ph.kind == "mention")
    if local is None:
        return None
    doc, first, last = local
    if shortcut and LEX.negation_words.isdisjoint(
            doc.words[max(0, first - topics.QUANTIFIED_NEGATION_WINDOW - 1) : last + 1]):
        return topics._judge_polarity(doc, first, last, ph, rule, LEX, "")
    return topics._judge_verdict(doc, first, last, ph, rule, LEX)


def _native_verdict(window: str, start: int, end: int, ph):
    rule = RULE_OF[ph.topic]
    mention = ph.kind == "mention"
    got = CORE.topic_verdict(
        window.replace("’", "'"), start, end, topics._KIND_CODES[ph.kind], LEX.break_words, LEX.quantified_negators,
        LEX.negators, LEX.not_quantifiers, ph.vocabulary,
        topics._cue_union(LEX.negative, rule.negative_cues) if mention else frozenset(),
        topics._cue_union(LEX.positive, rule.positive_cues) if mention else frozenset(),
        topics.NEGATION_WINDOW, topics.QUANTIFIED_NEGATION_WINDOW, topics.CUE_WINDOW)
    return None if got is None else topics._verdict_of(ph, *got)


def _verdicts_agree(window: str, start: int, end: int, ph) -> None:
    want = _python_verdict(window, start, end, ph, shortcut=False)
    assert _native_verdict(window, start, end, ph) == want, (window, start, end, ph.phrase)
    assert _python_verdict(window, start, end, ph, shortcut=True) == want


needs_verdict = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_verdict"),
                                   reason="the native core (reviewtools._vadercore) is not built here")


@needs_verdict
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(window=VERDICT_TEXT, data=st.data())
def test_native_verdict_equals_the_python_judge_anywhere(window, data):
    """Any (start, end), any phrase of each kind: negators before the match and in its gaps, quantified negators
    after "a"/"quite" or opening the clause after a mark, "not (a) single", cues either side at equal distance,
    a cue's own negator, contrast words, curly apostrophes, non-ASCII word characters."""
    import re

    spans = [mo.span() for mo in re.finditer(r"\w+(?:['’]\w+)*", window)]
    if spans and data.draw(st.integers(0, 4)):  # mostly a match on whole tokens (else any edges)
        i = data.draw(st.integers(0, len(spans) - 1))
        j = data.draw(st.integers(i, min(len(spans) - 1, i + 2)))
        start, end = spans[i][0], spans[j][1]
    else:
        start = data.draw(st.integers(0, len(window)))
        end = data.draw(st.integers(start, len(window)))
    ph = data.draw(st.sampled_from(PHRASES_BY_KIND[data.draw(st.sampled_from(sorted(PHRASES_BY_KIND)))]))
    _verdicts_agree(window, start, end, ph)


@needs_verdict
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_native_verdict_of_a_mention_between_cues_and_negators(data):
    """A mention amid cue words of both signs, negators of the cue, "not (a) single", "a/quite few", marks."""
    ph = data.draw(st.sampled_from(PHRASES_BY_KIND["mention"]))
    rule = RULE_OF[ph.topic]
    cues = sorted(topics._cue_union(LEX.negative, rule.negative_cues))[:5] + sorted(
        topics._cue_union(LEX.positive, rule.positive_cues))[:5]
    pool = st.sampled_from(cues + ["not", "no", "never", "a", "single", "quite", "few", "none", "x", ",", "but"])
    before = data.draw(st.lists(pool, max_size=8))
    after = data.draw(st.lists(pool, max_size=8))
    head = " ".join(before + ["item"])
    window = " ".join([head] + after)
    _verdicts_agree(window, len(head) - 4, len(head), ph)


@needs_verdict
def test_native_verdict_on_the_examples_at_every_word_and_phrase_kind():
    import re

    kinds = {}
    for ph in PHRASES:
        kinds.setdefault((ph.topic, ph.kind), ph)
    texts = EXAMPLES[:120] + ["not a single jar was broken, but quite few arrived; none of them leaked. a few broke",
                              "it was not great and not bad. the price is not cheap but good value, never any issue"]
    for text in texts:
        low = topics._lower(text)
        spans = [mo.span() for mo in re.finditer(r"\w+", low)]
        for (s, _), (_, e) in zip(spans, spans[1:] + spans[-1:]):
            for ph in kinds.values():
                _verdicts_agree(low, s, e, ph)


class _WithoutVerdict:
    """The native module without ``topic_verdict`` (its other functions as they are)."""

    def __getattr__(self, name):
        if name == "topic_verdict":
            raise AttributeError(name)
        return getattr(CORE, name)


@needs_verdict
def test_judge_matches_with_and_without_the_native_verdict():
    m = topics._matcher(None)
    ix = topics._phrase_index(None)
    texts = EXAMPLES + ["it’s not a single jar broken, if it breaks I’ll return it", "none of them leaked, no refund"]
    lows = [topics._lower(t) for t in texts]
    rows, offsets, phrase_ids = topics._candidate_attempts(lows, ix)
    judged = 0
    for row in sorted(set(rows)):
        low = lows[row]
        tried = []
        for r, pos, p in zip(rows, offsets, phrase_ids):
            if r != row:
                continue
            mm = ix.matchers[p](low, pos)
            if mm is not None and mm.end() > pos:
                t, prio, ph = ix.phrases[p]
                tried.append((t, pos, prio, mm.end(), ph))
        if not tried:
            continue
        matches = topics._leftmost_per_topic(tried)
        want = topics._judge_matches(low, matches, m, LEX, core=_WithoutVerdict())
        assert topics._judge_matches(low, matches, m, LEX, core=CORE) == want
        assert topics._judge_matches(low, matches, m, LEX, core=None) == want
        judged += len(want)
    assert judged > 100


@needs_verdict
def test_native_verdict_refuses_bad_arguments():
    sets = (LEX.break_words, LEX.quantified_negators, LEX.negators, LEX.not_quantifiers, frozenset(), frozenset(),
            frozenset())
    assert CORE.topic_verdict("it broke", 3, 8, 0, *sets, 3, 6, 3) == ("", "", -1, "")
    with pytest.raises(TypeError):
        CORE.topic_verdict("it broke", 3, 8, 0, *sets, 3, 6)
    with pytest.raises(TypeError):
        CORE.topic_verdict("it broke", 3, 8, 0, *sets[:-1], set(), 3, 6, 3)
    with pytest.raises(ValueError):
        CORE.topic_verdict("it broke", 3, 8, 3, *sets, 3, 6, 3)
    with pytest.raises(ValueError):
        CORE.topic_verdict("it broke", 3, 9, 0, *sets, 3, 6, 3)


# ------------------------------------------- each attempt's regex and the leftmost selection in C (topic_tried)

needs_tried = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_tried"),
                                 reason="the native core (reviewtools._vadercore) is not built here")


def _tried_agree(lows: list[str], ix) -> int:
    args = topics._native_attempts_args(ix)
    attempts = CORE.topic_attempts(lows, *args)
    got, at = CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases)
    assert at == len(attempts[0]) // 8
    pieces, at = [], 0
    while at < len(attempts[0]) // 8:  # in pieces of at most 2 texts with a match
        piece, at = CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, at, 2)
        assert 0 < len(piece) <= 2 or at == len(attempts[0]) // 8
        pieces += piece
    assert pieces == got
    rows, offsets, phrase_ids = topics._candidate_attempts(lows, ix, native=False)
    want = list(topics._tried_matches(lows, rows, offsets, phrase_ids, ix))
    assert got == want
    for (_, g), (_, w) in zip(got, want):  # the phrase entries' own objects
        assert all(a[3] is b[3] for a, b in zip(g, w))
    return sum(len(m) for _, m in got)


@needs_tried
def test_native_tried_on_the_examples_and_overlapping_phrases():
    texts = EXAMPLES + ["broken broken broke broken, arrived late late arrived damaged and broken and damaged",
                        "never arrived never arrived. refund refund refunded", "İİİ arrived cracked", ""]
    lows = [topics._lower(t) for t in texts]
    assert _tried_agree(lows, topics._phrase_index(None)) > 200  # not vacuous
    for topic in topics.topic_ids():
        _tried_agree(lows, topics._phrase_index((topic,)))


@needs_tried
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(review_text(), review_text().map(str.lower), LATIN1), max_size=8),
       which=st.sampled_from(["all", "one", "some"]), pick=st.integers(0, 1000))
def test_native_tried_equals_the_python_loop(texts, which, pick):
    ids = list(topics.topic_ids())
    selected = None if which == "all" else (ids[pick % len(ids)],) if which == "one" else tuple(sorted(ids[::3]))
    _tried_agree([topics._lower(t) for t in texts], topics._phrase_index(selected))


@needs_tried
def test_native_tried_refuses_bad_arguments():
    ix = topics._phrase_index(None)
    rows, offsets, phrases = CORE.topic_attempts(["it arrived broken"], *topics._native_attempts_args(ix))
    assert CORE.topic_tried(["it arrived broken"], rows, offsets, phrases, ix.matchers, ix.phrases)[0]
    if len(rows) > 8:  # an attempt inside a text's attempts is no place to start
        with pytest.raises(ValueError):
            CORE.topic_tried(["it arrived broken"], rows, offsets, phrases, ix.matchers, ix.phrases, 1)
    with pytest.raises(ValueError):
        CORE.topic_tried(["it arrived broken"], rows, offsets, phrases, ix.matchers, ix.phrases, -1)
    with pytest.raises(ValueError):
        CORE.topic_tried([], rows, offsets, phrases, ix.matchers, ix.phrases)
    with pytest.raises(ValueError):
        CORE.topic_tried(["it arrived broken"], rows, offsets[:-8], phrases, ix.matchers, ix.phrases)
    with pytest.raises(ValueError):
        CORE.topic_tried(["it arrived broken"], rows, offsets, phrases, ix.matchers[:-1], ix.phrases)
    with pytest.raises(TypeError):
        CORE.topic_tried(["it arrived broken"], rows, offsets, phrases, list(ix.matchers), ix.phrases)


def _judged_agree(lows: list[str], ix, m, rules: bool = True) -> tuple[int, int, int]:
    """topic_tried with ``judge`` (with the context rules, or only the clause-first verdicts) and _finish_judged
    == topic_tried's matches judged by _judge_matches. Returns (matches, complaints the context rules voided,
    matches left to Python)."""
    judge = topics._native_judge_args(ix, m, LEX)
    assert len(judge) == 13
    if not rules:
        judge = judge[:9]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(ix))
    plain, _ = CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases)
    judged, _ = CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge)
    assert [row for row, _ in judged] == [row for row, _ in plain]
    n = voided = left = 0
    for (row, matches), (_, raw) in zip(judged, plain, strict=True):
        want = topics._judge_matches(lows[row], raw, m, LEX, core=CORE)
        assert topics._finish_judged(lows[row], matches, m, LEX, CORE) == want, lows[row]
        assert topics._judge_matches(lows[row], raw, m, LEX, core=None) == want
        n += len(want)
        voided += sum(", void: " in x[8] for x in want)
        left += sum(len(x) == 5 for x in matches)
    return n, voided, left


@needs_tried
def test_native_judged_tried_on_the_examples():
    texts = EXAMPLES + ["it’s not a single jar broken, if it breaks I’ll return it. none of them leaked, no refund",
                        "not great shipping, the price isn't cheap but fine; quite few arrived broken",
                        "İİİ arrived cracked", "broken’s arrived late’", ""]
    lows = [topics._lower(t) for t in texts]
    n, voided, left = _judged_agree(lows, topics._phrase_index(None), topics._matcher(None), rules=False)
    assert n > 200 and left > 10  # not vacuous: judged matches, and complaints left for the context rules
    n, voided, left = _judged_agree(lows, topics._phrase_index(None), topics._matcher(None))
    assert voided > 10 and left < 5  # the context rules in C void complaints; almost nothing left to Python
    for topic in topics.topic_ids():
        _judged_agree(lows, topics._phrase_index((topic,)), topics._matcher((topic,)))


@needs_tried
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(review_text(), review_text().map(str.lower), VERDICT_TEXT), max_size=8),
       which=st.sampled_from(["all", "one", "some"]), pick=st.integers(0, 1000))
def test_native_judged_tried_equals_judge_matches(texts, which, pick):
    ids = list(topics.topic_ids())
    selected = None if which == "all" else (ids[pick % len(ids)],) if which == "one" else tuple(sorted(ids[::3]))
    lows = [topics._lower(t) for t in texts]
    _judged_agree(lows, topics._phrase_index(selected), topics._matcher(selected))
    _judged_agree(lows, topics._phrase_index(selected), topics._matcher(selected), rules=False)


MARKER_WORDS = sorted({w for rule in LEX.context_rules for marker in rule.markers for alts in marker for a in alts
                       for w in a.split(" ")} | {w for rule in LEX.context_rules for w in rule.reset} | LEX.modals
                      | LEX.break_words)
COMPLAINT_WORDS = ["broken", "broke", "cracked", "damaged", "arrived", "late", "never", "arrived broken", "leaked",
                   "refund", "defective", "stopped working", "too small", "fake", "wrong item", "smells"]
RULE_TEXT = st.lists(st.one_of(st.sampled_from(MARKER_WORDS), st.sampled_from(COMPLAINT_WORDS),
                               st.sampled_from([",", ".", "?", "!", ";", "’s", "it", "the", "my", "i"])),
                     max_size=30).map(" ".join)


@needs_tried
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(RULE_TEXT, min_size=1, max_size=6))
def test_native_context_rules_equal_the_python_veto(texts):
    """Complaints amid context-rule markers (two-word alternatives, resets, contrast words, modals after a
    conditional, question marks, sentences and clauses): the native veto == _Doc.context_veto."""
    _judged_agree([topics._lower(t) for t in texts], topics._phrase_index(None), topics._matcher(None))


@needs_tried
def test_native_judge_args_are_refused_when_malformed():
    ix, m = topics._phrase_index(None), topics._matcher(None)
    judge = topics._native_judge_args(ix, m, LEX)
    assert topics._native_judge_args(ix, m, LEX) is judge  # cached
    lows = ["it arrived broken"]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(ix))
    with pytest.raises(ValueError):  # one info per phrase
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge[:8] + (judge[8][:-1],))
    bad_info = list(judge[8])
    bad_info[0] = (3,) + bad_info[0][1:]
    with pytest.raises(TypeError):
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge[:8] + (tuple(bad_info),))
    with pytest.raises(TypeError):
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, (set(),) + judge[1:])
    rules = list(judge[10])
    rules[0] = rules[0][:7]  # no reason
    with pytest.raises(TypeError):
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge[:10] + (tuple(rules),) + judge[11:])
    with pytest.raises(ValueError):  # no modals
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge[:12])
    with pytest.raises(ValueError):
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge[:9] + (-1,) + judge[10:])


# ------------------------------------------------ matches judged in C straight into _field_columns' columns (sink)

def _columns_equal(got, want) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.tolist() == w.tolist()


@needs_tried
def test_field_columns_with_the_native_sink_equal_those_without(monkeypatch):
    texts = (EXAMPLES + ["it’s not a single jar broken, if it breaks I’ll return it", "", "Broken!", "FAKE",
                         "İİİ arrived cracked", "broken’s arrived late’"]) * 2
    texts = [texts[(i * 7) % len(texts)] for i in range(len(texts))]  # repeated values, out of order
    ix, m = topics._phrase_index(None), topics._matcher(None)
    got = topics._field_columns(texts, 1, m, LEX, ix)
    field_matches = topics._field_matches
    monkeypatch.setattr(topics, "_field_matches", lambda t, m_, lex, ix_, sink=None, lows_given=None: field_matches(t, m_, lex, ix_, lows_given=lows_given))
    want = topics._field_columns(texts, 1, m, LEX, ix)
    _columns_equal(got, want)
    assert len(got[0]) > 300


@needs_tried
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(review_text(), RULE_TEXT, st.sampled_from(EXAMPLES[:40])), max_size=12))
def test_field_columns_sink_on_any_reviews(texts):
    ix, m = topics._phrase_index(None), topics._matcher(None)
    got = topics._field_columns(texts, 0, m, LEX, ix)
    field_matches = topics._field_matches
    topics._field_matches = lambda t, m_, lex, ix_, sink=None, lows_given=None: field_matches(t, m_, lex, ix_, lows_given=lows_given)  # no sink
    try:
        _columns_equal(got, topics._field_columns(texts, 0, m, LEX, ix))
    finally:
        topics._field_matches = field_matches
    want_cols: list = [[] for _ in range(11)]
    first = np.zeros(len(dict.fromkeys(texts)), dtype=np.int64)
    count = np.zeros_like(first)
    # no sink: every text with a match comes back as (position, judged matches)
    pending = dict(topics._field_matches(list(dict.fromkeys(texts)), m, LEX, ix))
    sunk = dict(topics._field_matches(list(dict.fromkeys(texts)), m, LEX, ix, (want_cols, first, count)))
    assert set(sunk) <= set(pending)
    distinct = list(dict.fromkeys(texts))
    for c, found in pending.items():
        if c in sunk:
            continue
        lo, n = int(first[c]), int(count[c])
        assert n == len(found)
        for k, (rule_id, s, e, ph, pol, neg, negr, cu, rsn) in enumerate(found):
            row = [col[lo + k] for col in want_cols]
            assert row == [rule_id, s, e, distinct[c][s:e], ph.phrase, ph.kind, pol, neg, negr, cu, rsn]


@needs_tried
def test_native_sink_is_refused_when_malformed():
    ix, m = topics._phrase_index(None), topics._matcher(None)
    judge = topics._native_judge_args(ix, m, LEX)
    lows = ["it arrived broken"]
    attempts = CORE.topic_attempts(lows, *topics._native_attempts_args(ix))
    cols = [[] for _ in range(11)]
    first, count = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    got, _ = CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge, (lows, cols, first, count, 0))
    assert got == [] and len(cols[0]) == 1 and count.tolist() == [1] and cols[3] == ["arrived broken"]
    with pytest.raises(ValueError):  # no judge
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, None, (lows, cols, first, count, 0))
    with pytest.raises(ValueError):  # rows beyond first/count
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge, (lows, cols, first, count, 1))
    with pytest.raises(ValueError):  # an original not as long as its lower case
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge, (["x"], cols, first, count, 0))
    with pytest.raises(ValueError):
        CORE.topic_tried(lows, *attempts, ix.matchers, ix.phrases, 0, 0, judge, (lows, cols[:10], first, count, 0))


@settings(max_examples=examples(100), deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["", " ", "x"])), max_size=12),
       storage=st.sampled_from(["pyarrow", "python"]))
def test_field_values_of_a_string_column_equal_the_per_value_test(values, storage):
    import pandas as pd

    frame = pd.DataFrame({"review_id": [str(i) for i in range(len(values))],
                          "text": pd.array(values, dtype=pd.StringDtype(storage))})
    got = topics._field_values(frame, "text")
    want = topics._field_values(frame.astype({"text": object}), "text")  # object column: every value tested
    assert got == want and all(type(v) is str for v in got)


@pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_lower"), reason="the native core is not built here")
@settings(max_examples=examples(200), deadline=None)
@given(texts=st.lists(st.one_of(CODE_POINTS, LATIN1, st.text(alphabet="AZaz@[`{ 09", max_size=20),
                                st.sampled_from(["İ", "ẞ", "ΣΑΣ", "K", "Å", "ﬃ", "Straße"])), max_size=8))
def test_native_lower_equals_lower(texts):
    lows, left = CORE.topic_lower(texts)
    assert left == sum(low is None for low in lows)
    for text, low in zip(texts, lows, strict=True):
        if low is None:
            assert len(text.lower()) != len(text)
        else:
            assert low == text.lower() == topics._lower(text) and type(low) is str


def test_native_lower_refuses_what_is_not_a_list_of_str():
    if CORE is None or not hasattr(CORE, "topic_lower"):
        pytest.skip("the native core is not built here")
    with pytest.raises(TypeError):
        CORE.topic_lower(("a",))
    with pytest.raises(TypeError):
        CORE.topic_lower(["a", 1])


@settings(max_examples=examples(100), deadline=None)
@given(values=st.lists(st.one_of(CODE_POINTS.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)),
                                 st.sampled_from(["", "complaint", "praise"])), max_size=12))
def test_string_array_equals_pd_array(values):
    import pandas as pd
    from pandas.testing import assert_series_equal

    got, want = topics._string_array(values), pd.array(values, dtype="string")
    assert got.dtype == want.dtype and type(got) is type(want)
    assert_series_equal(pd.Series(got), pd.Series(want), check_exact=True)
    if isinstance(want, pd.arrays.ArrowStringArray):
        assert got._pa_array.type == want._pa_array.type


def test_matches_frame_complaint_column_and_empty_frames():
    import pandas as pd

    frame = frame_of(EXAMPLES[:60])
    _, matches = topics.find_and_tag_topics(frame)
    assert matches["complaint"].tolist() == [p == "complaint" for p in matches["polarity"].tolist()]
    assert matches["complaint"].dtype == bool and matches["complaint"].any() and not matches["complaint"].all()
    empty = topics.find_topics(pd.DataFrame({"review_id": ["a"], "text": ["nothing here"]}))
    assert len(empty) == 0 and empty["complaint"].dtype == bool and str(empty["topic"].dtype) == "string"
