"""``pipeline._decide_rows`` with the not-run checks per row (``_BlockRows``: each distinct list's reason tail and
``checks_not_run`` text made once, each row's by its code) gives the rows it gives with the same checks by key
(the dict ``_BlockRows.as_dict`` makes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import pipeline
from reviewtools.respond import ReplySettings

_RULES = st.sampled_from(["AMZ-PROMO-COMPETITOR", "R-X", "G-Ü", "A B"])


@settings(max_examples=examples(120), deadline=None)
@given(n=st.integers(1, 40), lists=st.lists(st.lists(_RULES, min_size=0, max_size=4, unique=True), max_size=5),
       data=st.data(), has_sent=st.booleans(),
       stages=st.sampled_from([(), ("sentiment",), ("sentiment", "topics"), ("checks",)]))
def test_rows_by_code_as_by_key(n: int, lists: list, data: st.DataObject, has_sent: bool, stages: tuple) -> None:
    codes = np.array(data.draw(st.lists(st.integers(-1, len(lists) - 1), min_size=n, max_size=n)), dtype=np.int64)
    recs = pd.DataFrame({
        "review_id": [f"R{i}" for i in range(n)],
        "platform": ["amazon" if i % 3 else "google" for i in range(n)],
        "rating": pd.array([(i % 5) + 1 for i in range(n)], dtype="Int64"),
        "author": ["Ann Lee" if i % 2 else "A1B2" for i in range(n)],
        "sentiment_label": ["negative" if i % 4 == 0 else "positive" for i in range(n)],
        "sentiment_score": [-0.5 if i % 4 == 0 else 0.6 for i in range(n)],
    })
    state = pipeline._decision_state(ReplySettings(), None, None, has_sent, stages, frozenset())
    rows = pipeline._BlockRows(codes, lists, np.zeros(n, dtype=bool))
    got = pipeline._decide_rows(recs, state, {}, rows, {})
    want = pipeline._decide_rows(recs, state, {}, rows.as_dict(recs), {})
    assert got == want
    for j, row in enumerate(got):  # the tail and the text of the row's own list
        nr = lists[codes[j]] if codes[j] >= 0 else []
        assert row[12] == "|".join(nr)
        assert row[2].endswith(f" Checks that could not run: {', '.join(nr)}." if nr else pipeline._tail0(state))
