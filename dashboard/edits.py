"""The user's draft edits on the action queue, and the queue downloads that carry them.

A download button takes a callable that Streamlit runs when the button is clicked, in a worker thread, with the
callable registered by the run that drew the button. A callable closed over a frame computed on that run misses
an edit whose rerun has not redrawn the button yet (the user edits, then clicks Download at once), and a frame
built from the text areas' widget state misses edits on queue pages the run did not draw (Streamlit drops the
state of a widget a run does not draw). So the edits live in a plain dict in session state, written by the text
areas' ``on_change`` callback, and the download callable reads that dict when it is clicked.

One more race: typing in a box and clicking Download at once sends the box's new text with the rerun the click
starts, and the browser asks for the file first (seen in the server's log: the callable ran 50 ms before the
``on_change`` of that text). So the callable waits for the rerun its click starts (:class:`ClickRuns`) before it
reads the edits: that run has applied every widget change the browser sent with the click.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, MutableMapping

import pandas as pd
import streamlit as st

from reviewtools import views

#: Session-state key of the edits: data source -> {review id: edited text}.
EDITS_KEY = "_queue_edits"
#: Session-state key of the session's :class:`ClickRuns`.
CLICKS_KEY = "_queue_click_runs"
#: How long a download waits for the rerun its click starts, in seconds. That rerun normally reaches the buttons in
#: well under a second; past this (a run interrupted by another click, say) the file is written with the edits
#: known then, and a warning is logged.
CLICK_RUN_WAIT_S = 20.0

_LOG = logging.getLogger(__name__)


class ClickRuns:
    """Pairs each click of a download button with the rerun that click starts, whichever reaches the server first.

    The n-th call of a button's callable (:meth:`wait`, in Streamlit's worker thread) waits until the n-th run in
    which the button reported a click (:meth:`ran`, in the script thread) has got that far; by then that run has
    applied the widget changes the browser sent with the click, the ``on_change`` callbacks included.

    >>> runs = ClickRuns()
    >>> runs.ran("csv")          # the click's rerun came first
    >>> runs.wait("csv", 0.01)   # the callable does not wait
    True
    >>> runs.wait("csv", 0.01)   # a second click whose rerun never came: times out
    False
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._calls: dict[str, int] = {}
        self._runs: dict[str, int] = {}

    def ran(self, button: str) -> None:
        """A script run in which ``button`` returned True (the run its click started) has drawn it."""
        with self._cond:
            self._runs[button] = self._runs.get(button, 0) + 1
            self._cond.notify_all()

    def wait(self, button: str, timeout: float) -> bool:
        """Wait until the run of this click of ``button`` has drawn it; False when ``timeout`` seconds passed."""
        with self._cond:
            n = self._calls[button] = self._calls.get(button, 0) + 1
            if self._cond.wait_for(lambda: self._runs.get(button, 0) >= n, timeout):
                return True
            self._runs[button] = max(self._runs.get(button, 0), n)  # pair the next click with its own run
            return False


def click_runs() -> ClickRuns:
    """This session's :class:`ClickRuns` (created on first use)."""
    return st.session_state.setdefault(CLICKS_KEY, ClickRuns())


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


def queue_download(queue: pd.DataFrame | Callable[[], pd.DataFrame], chosen: list[str],
                   edits: MutableMapping[str, str], fmt: str,
                   clicks: ClickRuns | None = None, button: str = "", wait_s: float = CLICK_RUN_WAIT_S
                   ) -> Callable[[], bytes]:
    """A download button's data: the queue (or the ``chosen`` review ids of it) with the edits in ``edits`` as
    they are when it is called (the dict itself is read then, not a copy taken now), re-linted, as ``fmt``.
    With ``clicks``, it first waits (at most ``wait_s``) for the rerun of the click, see :class:`ClickRuns`.
    ``queue`` may be a function returning the queue, called only then (a million-row queue is taken per click,
    not per redraw).

    >>> q = pd.DataFrame({"review_id": ["a"], "platform": ["google"], "draft": ["Thanks."], "draft_lint": [""]})
    >>> edits = {}
    >>> make = queue_download(q, [], edits, "json")
    >>> edits["a"] = "Thanks, Ann."
    >>> b"Thanks, Ann." in make()
    True
    """

    def make() -> bytes:
        if clicks is not None and not clicks.wait(button, wait_s):
            _LOG.warning("download %s: the rerun of the click did not come within %.0f s; writing the edits known "
                         "now", button, wait_s)
        frame = queue() if callable(queue) else queue
        edited = views.apply_draft_edits(views.select_reviews(frame, chosen), dict(edits))
        return views.queue_bytes(edited, fmt)

    return make
