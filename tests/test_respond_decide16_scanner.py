"""respond._LiteralScanner's ``covers`` (the patterns with a required string that is a prefix of each string) made
by looking each prefix up equals the per-pattern test it replaced (decide, sixteenth session)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond


def _covers_reference(lits: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    words = sorted({x for got in lits.values() for x in got})
    return {w: frozenset(pat for pat, got in lits.items() if any(w.startswith(x) for x in got)) for w in words}


def test_covers_of_the_lint_rules() -> None:
    rules = respond.lint_rules()
    sc = respond._LiteralScanner(rules, respond._pattern_literals)
    lits = {}
    for pat in respond._scanned_patterns(rules):
        got = respond._pattern_literals(pat)
        if got and all(got) and all(x.isascii() for x in got):
            lits[pat] = frozenset(got)
    assert sc.known == frozenset(lits)
    assert sc.covers == _covers_reference(lits)
    assert sc.covers


_WORDS = st.text(alphabet="abc", min_size=1, max_size=4)


@settings(max_examples=examples(100), deadline=None)
@given(st.dictionaries(st.text(alphabet="xyz", min_size=1, max_size=3),
                       st.frozensets(_WORDS, min_size=1, max_size=4), max_size=6))
def test_covers_match_the_reference(lits: dict[str, frozenset[str]]) -> None:
    sc_lits = dict(lits)
    # the scanner reads its patterns from _scanned_patterns(rules): build one over these patterns directly
    orig = respond._scanned_patterns
    try:
        respond._scanned_patterns = lambda rules: list(lits)  # type: ignore[assignment]
        sc = respond._LiteralScanner((), lambda pat: sc_lits.get(pat))
    finally:
        respond._scanned_patterns = orig  # type: ignore[assignment]
    assert sc.covers == _covers_reference(lits)
    for w in sc.covers:
        assert sc.candidates(w) >= sc.covers[w]
