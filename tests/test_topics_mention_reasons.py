"""The native judge's memo of mention reasons (``_vadercore.c``'s ``tp_mention_reason``) gives the reasons
``PyUnicode_FromFormat`` made: the whole topics stage with the native core equals the pure-Python stage on
texts where many (mention phrase, cue tone, cue word) combinations repeat, more of them than the memo has slots
(so entries are replaced and colliding keys must be told apart), with the same phrase under different cues,
cues negated, non-ASCII around, and run twice (the second time from a warm memo).
"""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from reviewtools import topics
from reviewtools.vader import PURE_PYTHON_ENV, native_module

from test_topics_prefilter import frame_of

CORE = native_module()
needs_tried = pytest.mark.skipif(CORE is None or not hasattr(CORE, "topic_tried"),
                                 reason="the native core (reviewtools._vadercore) is not built here")


def _mentions() -> list[str]:
    out = []
    for _, _, p in topics._phrase_index(None).phrases:
        if p.kind == "mention" and all(c.isalpha() or c in " '_" for c in p.phrase):
            out.append(p.phrase.replace("_", " "))
    return sorted(set(out))


def _texts() -> list[str]:
    lex = topics._lexicon()
    mentions = _mentions()
    cues = sorted(w for w in lex.positive | lex.negative if w.isascii() and w.isalpha())
    assert len(mentions) > 10 and len(cues) > 40
    texts = []
    for i, m in enumerate(mentions):
        texts.append(f"the {m} here.")  # no cue word nearby
        for k, cue in enumerate(cues):  # every (mention, cue) pair
            texts.append(f"the {m} was {cue}.")
            if (i + k) % 7 == 0:
                texts.append(f"{cue} {m}, not {cue} at all. Über {m} {cue} é")
                texts.append(f"the {m} was not {cue}")
    return texts


@needs_tried
def test_mention_reasons_equal_the_pure_stage(monkeypatch):
    texts = _texts()
    frame = frame_of(texts + texts[::-1])
    first = topics.find_and_tag_topics(frame)
    again = topics.find_and_tag_topics(frame)
    monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    assert native_module() is None
    pure_tagged, pure_matches = topics.find_and_tag_topics(frame)
    for tagged, matches in (first, again):
        assert_frame_equal(pure_tagged, tagged, check_exact=True)
        assert_frame_equal(pure_matches, matches, check_exact=True)
    reasons = pure_matches["reason"].astype(str)
    mention = reasons[reasons.str.startswith("mention ")]
    assert mention.str.contains(" cue ").sum() > 500
    assert mention.str.contains("no cue word nearby").sum() > 10
    assert mention.nunique() > 1100  # more distinct reasons than the memo's 1024 slots
