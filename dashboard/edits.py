"""The user's draft edits on the action queue, and the queue downloads that carry them.

A download button takes a callable that Streamlit runs when the button is clicked, in a worker thread, with the
callable registered by the run that drew the button. A callable closed over a frame computed on that run misses
an edit whose rerun has not redrawn the button yet (the user edits, then clicks Download at once), and a frame
built from the text areas' widget state misses edits on queue pages the run did not draw (Streamlit drops the
state of a widget a run does not draw). So the edits live in a plain dict in session state, written by the text
areas' ``on_change`` callback, and the download callable reads that dict when it is clicked.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import pandas as pd
import streamlit as st

from reviewtools import views

#: Session-state key of the edits: data source -> {review id: edited text}.
EDITS_KEY = "_queue_edits"


def edits_for(source: str) -> dict[str, str]:
    """The edits dict of a data source (created empty), the same object on every run of this session.

    >>> isinstance(EDITS_KEY, str)
    True
    """
    return st.session_state.setdefault(EDITS_KEY, {}).setdefault(source, {})


def record_edit(edits: MutableMapping[str, str], review_id: str, key: str, original: str) -> None:
    """``on_change`` of a draft box: keep the box's text (session state ``key``) in ``edits``; drop the entry
    when the text is the generated draft again."""
    text = st.session_state.get(key)
    if isinstance(text, str) and text != original:
        edits[review_id] = text
    else:
        edits.pop(review_id, None)


def queue_download(queue: pd.DataFrame, chosen: list[str], edits: MutableMapping[str, str],
                   fmt: str) -> Callable[[], bytes]:
    """A download button's data: the queue (or the ``chosen`` review ids of it) with the edits in ``edits`` as
    they are when it is called (the dict itself is read then, not a copy taken now), re-linted, as ``fmt``.

    >>> q = pd.DataFrame({"review_id": ["a"], "platform": ["google"], "draft": ["Thanks."], "draft_lint": [""]})
    >>> edits = {}
    >>> make = queue_download(q, [], edits, "json")
    >>> edits["a"] = "Thanks, Ann."
    >>> b"Thanks, Ann." in make()
    True
    """

    def make() -> bytes:
        edited = views.apply_draft_edits(views.select_reviews(queue, chosen), dict(edits))
        return views.queue_bytes(edited, fmt)

    return make
