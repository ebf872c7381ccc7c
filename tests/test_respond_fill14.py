"""Issue 8, fourteenth session: ``respond._fill`` formats a dict's values with ``format_map`` (no keyword dict per
call) and falls back to ``format(**values)`` for anything it raises: the same texts and the same exceptions as the
old definition on Hypothesis templates (fields, escapes, format specs, conversions, indexes, positional fields,
unbalanced braces) and values.
"""

from __future__ import annotations

from collections import UserDict

from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import TemplateError


def _old_fill(template, values):
    """respond._fill as it was (15030d7)."""
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise TemplateError(f"template {template!r} needs a value for {exc}") from exc


def _outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as exc:
        return ("raised", type(exc), str(exc))


_TEMPLATE = st.lists(st.sampled_from(("{", "}", "{{", "}}", "name", "product", "missing", "0", "", ":", "!r", "!s",
                                      "!x", "<5", ">12", " ", ".", "[0]", "[x]", ".upper", "a-b", "Hi ", ", ",
                                      "{name}", "{product}", "{missing}", "{0}", "{}", "{name:<5}", "{name!r}",
                                      "{name[0]}", "{a-b}", "{name:{product}}")), max_size=10).map("".join)
_VALUES = st.dictionaries(st.sampled_from(("name", "product", "a-b", "label")),
                          st.sampled_from(("Ann", "", "your {order}", "5", "x y")), max_size=4)


@settings(max_examples=examples(400), deadline=None)
@given(template=_TEMPLATE, values=_VALUES)
def test_fill_equals_the_old_definition(template, values):
    assert _outcome(respond._fill, template, values) == _outcome(_old_fill, template, values)


@settings(max_examples=examples(300), deadline=None)
@given(template=_TEMPLATE, values=_VALUES)
def test_fill_of_another_mapping_equals_the_old_definition(template, values):
    class Missing(dict):
        def __missing__(self, key):  # format_map would ask it; format(**values) does not
            return "?"

    for m in (UserDict(values), Missing(values)):
        assert _outcome(respond._fill, template, m) == _outcome(_old_fill, template, m)


def test_fill_raises_template_error_for_a_missing_or_positional_field():
    for template in ("Hi {nobody}", "Hi {0}", "Hi {}"):
        got = _outcome(respond._fill, template, {"name": "Ann"})
        assert got[1] is TemplateError and got == _outcome(_old_fill, template, {"name": "Ann"})
    assert respond._fill("Hi {name:>5}!", {"name": "Ann"}) == "Hi   Ann!"
