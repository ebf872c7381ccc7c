"""``_vadercore.topic_attempts`` with each exact literal's sorted units and first phrases worked out once per call
(the path of a word that matches an exact literal and no prefix literal) and short Latin-1 literals compared as
one 8-byte integer: equal to a plain Python model of the call's contract on synthetic literal tables (units
repeated and unsorted, words that are both an exact literal and start with prefix literals, literals with
characters outside Latin-1 or sharing a low byte with a letter, literals longer than 8 characters), and an exact
literal with a unit out of range still raises only when a text has that word."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools.vader import native_module

CORE = native_module()
needs_core = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_attempts"),
                                reason="the native core (reviewtools._vadercore) is not built here")

ALPHABET = "abcé\u0162\u0100_1"  # U+0162 and U+0100 share their low byte with 'b' and NUL
WORD = re.compile(r"\w+")


def _csr(lists):
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in lists], out=ptr[1:])
    return ptr, np.array([u for v in lists for u in v], dtype=np.int64)


def model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units):
    """(rows, offsets, phrases) as the native call's contract states it."""
    epos = {k: i for i, k in enumerate(exact)}
    ppos = {k: i for i, k in enumerate(prefix)}
    plens = sorted({len(k) for k in prefix})
    rows, offs, phr = [], [], []
    for r, t in enumerate(texts):
        seen: set[int] = set()
        pend = []
        for m in WORD.finditer(t):
            w = m.group()
            us = list(exact_units[epos[w]]) if w in epos else []
            for n in plens:
                if n <= len(w) and w[:n] in ppos:
                    us += prefix_units[ppos[w[:n]]]
            us = sorted(set(us))
            seen.update(us)
            if any(firsts[u] for u in us):
                pend.append((m.start(), us))
        for at, us in pend:
            for u in us:
                for p in firsts[u]:
                    if all(x in seen for x in phrase_units[p]):
                        rows.append(r)
                        offs.append(at)
                        phr.append(p)
    return rows, offs, phr


def call(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units):
    ep, eu = _csr(exact_units)
    pp, pu = _csr(prefix_units)
    fp, fu = _csr(firsts)
    hp, hu = _csr(phrase_units)
    out = CORE.topic_attempts(texts, exact, ep, eu, prefix, pp, pu, fp, fu, hp, hu, n_units)
    return tuple(np.frombuffer(b, dtype=np.int64).tolist() for b in out)


word = st.text(alphabet=ALPHABET, min_size=1, max_size=11).filter(lambda w: WORD.fullmatch(w) is not None)


@st.composite
def case(draw):  # type: ignore[no-untyped-def]
    n_units = draw(st.integers(1, 12))
    n_phr = draw(st.integers(1, 8))
    exact = draw(st.lists(word, min_size=1, max_size=12, unique=True))
    prefix = draw(st.lists(st.sampled_from(exact).map(lambda w: w[: max(1, len(w) // 2)]) | word,
                           max_size=4, unique=True))
    unit = st.integers(0, n_units - 1)
    exact_units = [draw(st.lists(unit, max_size=5)) for _ in exact]
    prefix_units = [draw(st.lists(unit, max_size=3)) for _ in prefix]
    phrase_units = [draw(st.lists(unit, max_size=3)) for _ in range(n_phr)]
    firsts = [draw(st.lists(st.integers(0, n_phr - 1), max_size=3)) for _ in range(n_units)]
    pieces = st.sampled_from(exact) | st.sampled_from(prefix or exact) | word
    texts = draw(st.lists(
        st.lists(st.tuples(pieces, st.sampled_from([" ", ", ", "-", "\n", "", "\u00a0"])), max_size=12)
        .map(lambda ps: "".join(a + b for a, b in ps)), max_size=5))
    return texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units


@needs_core
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case())
def test_attempts_equal_the_model(c):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    assert call(*c) == model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)


@needs_core
def test_exact_word_with_prefix_units_and_repeats():
    exact = ["delayed", "the", "ab\u0162", "abb", "longerthan8"]
    exact_units = [[3, 1, 3], [0], [2], [4], [1, 0]]
    prefix = ["delay", "lo"]
    prefix_units = [[2, 1], [4]]
    firsts = [[0], [1, 0], [], [2], [1]]
    phrase_units = [[0, 1], [1], [3, 2]]
    texts = ["the delayed abb ab\u0162 abţ", "delayed", "longerthan8 the", "delays abbb", ""]
    args = (texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    got = call(*args, 5)
    assert got == model(*args) and len(got[0]) > 4


@needs_core
def test_a_unit_out_of_range_raises_only_when_its_word_is_seen():
    ok = (["xyz"], ["abc", "xyz"], [[7], [0]], ["q"], [[0]], [[0]], [[0]], 1)
    assert call(*ok) == ([0], [0], [0])
    bad = (["abc xyz"], *ok[1:])
    with pytest.raises(ValueError, match="unit out of range"):
        call(*bad)


# ---- marks: attempts whose phrase's units are not all satisfied between the offset and the next mark


def model_marks(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, marks):
    """The model's attempts, less those the native call drops with ``marks``: in a Latin-1 text, an attempt
    whose phrase has a unit that no word starting between its offset and the next mark satisfies, where a word
    that matches a prefix literal (or an exact literal with units out of range) counts as satisfying all."""
    rows, offs, phr = model(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units)
    epos = {k: i for i, k in enumerate(exact)}
    plens = sorted({len(k) for k in prefix})
    keep = []
    for r, at, p in zip(rows, offs, phr):
        t = texts[r]
        if not all(ord(c) < 256 for c in t):
            keep.append(True)
            continue
        bar = next((i for i in range(at, len(t)) if t[i] in marks), len(t))
        have: set[int] = set()
        wild = False
        for m in WORD.finditer(t):
            if not at <= m.start() < bar:
                continue
            w = m.group()
            if any(n <= len(w) and w[:n] in prefix for n in plens):
                if w in epos or any(n <= len(w) and prefix_units[prefix.index(w[:n])] for n in plens
                                    if w[:n] in prefix):
                    wild = True
                continue
            if w in epos:
                have.update(exact_units[epos[w]])
        keep.append(wild or all(u in have for u in phrase_units[p]))
    return tuple([x for x, k in zip(col, keep) if k] for col in (rows, offs, phr))


def call_marks(texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units, marks):
    ep, eu = _csr(exact_units)
    pp, pu = _csr(prefix_units)
    fp, fu = _csr(firsts)
    hp, hu = _csr(phrase_units)
    out = CORE.topic_attempts(texts, exact, ep, eu, prefix, pp, pu, fp, fu, hp, hu, n_units, marks)
    return tuple(np.frombuffer(b, dtype=np.int64).tolist() for b in out)


@st.composite
def case_marks(draw):  # type: ignore[no-untyped-def]
    c = draw(case())
    texts = [draw(st.sampled_from(["", ". ", ",", "!?"])).join(t.split("\n")) for t in c[0]]
    if texts:
        texts[0] = draw(st.sampled_from(["", "a.b ", "x, "])) + texts[0]
    return (texts, *c[1:])


@needs_core
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_marks(), st.sampled_from([".,;:!?", ".", "!?", ","]))
def test_attempts_with_marks_equal_the_model(c, marks):
    texts, exact, exact_units, prefix, prefix_units, firsts, phrase_units, n_units = c
    assert call_marks(*c, marks) == model_marks(texts, exact, exact_units, prefix, prefix_units, firsts,
                                                phrase_units, marks)
    assert call_marks(*c, None) == call(*c)


@needs_core
def test_marks_errors():
    ok = (["xyz"], ["abc", "xyz"], [[0], [0]], ["q"], [[0]], [[0]], [[0]], 1)
    for bad in ("a", "_", "\u3002", 5):
        with pytest.raises((TypeError, ValueError)):
            call_marks(*ok, bad)
    assert call_marks(*ok, "") == call(*ok)
