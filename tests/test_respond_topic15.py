"""Issue 8, fifteenth session: ``respond.primary_topic`` by each topic's first place in the priority list (the
smallest wins) equals the old walk through the list over a set of the topics."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond


def _old(topics, prio):
    ts = set(topics)
    for t in prio:
        if t in ts:
            return t
    return None


_TOPIC = st.one_of(st.sampled_from(respond.TOPICS), st.sampled_from(["", "other", "Safety", "safety "]), st.text(max_size=6))


@settings(max_examples=examples(100), deadline=None)
@given(topics=st.lists(_TOPIC, max_size=8), as_gen=st.booleans())
def test_primary_topic_equals_the_old_walk(topics, as_gen):
    prio = respond.reply_templates()["topic_priority"]
    got = respond.primary_topic(t for t in topics) if as_gen else respond.primary_topic(topics)
    assert got == _old(topics, prio)
    assert got is None or got in prio


@settings(max_examples=examples(50), deadline=None)
@given(prio=st.lists(st.sampled_from("abcdef"), max_size=8), topics=st.lists(st.sampled_from("abcdefg"), max_size=5))
def test_other_templates_and_repeated_priorities(prio, topics):
    tpl = {"topic_priority": prio}  # another loaded data object: its own ranks (first place of a repeated topic)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(respond, "reply_templates", lambda: tpl)
        assert respond.primary_topic(iter(topics)) == _old(topics, prio)


def test_unhashable_topics_raise_as_before():
    with pytest.raises(TypeError):
        respond.primary_topic([["safety"]])
    assert respond.primary_topic("safety") is None  # a str is its characters, as before
