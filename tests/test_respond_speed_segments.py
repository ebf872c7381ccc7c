"""Issue 8: the draft cuts' regex (``respond._SEGMENT_GAP``, its group 1) finds the spans of the look-behind
definition (``_SEGMENT_GAP_DEFINITION``) on any text of sentence ends, whitespace and words."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond

_OLD = re.compile(respond._SEGMENT_GAP_DEFINITION)
_SPACES = "".join(chr(o) for o in range(0x110000) if chr(o).isspace() or re.fullmatch(r"\s", chr(o)))


@settings(max_examples=examples(400), deadline=None)
@given(text=st.lists(st.one_of(st.sampled_from([".", "!", "?", "...", "a", "Hi", "4.99", "\n\n", " ", "  "]),
                               st.sampled_from(tuple(_SPACES)), st.text(max_size=3)), max_size=14).map("".join))
def test_cuts_equal_the_look_behind_definition(text):
    assert [m.span(1) for m in respond._SEGMENT_GAP.finditer(text)] == [m.span() for m in _OLD.finditer(text)]


def test_cuts_of_a_draft():
    assert respond._segment_bounds("Hi Ann,\n\nSorry. Call us!  Bye") == [(0, 15), (16, 24), (26, 29)]
    assert respond._segment_bounds("One. . Two?! \u3000Three.") == [(0, 4), (5, 6), (7, 12), (14, 20)]
    assert respond._segment_bounds("No cut.  ") is None
