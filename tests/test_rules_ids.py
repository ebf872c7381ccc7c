"""Review ids read from a pyarrow-backed column (issue 8, seventh session): the hit frame is the same as from
an object column (missing ids as ""), with constant findings (the competitor rule without a list) and detector
hits, one platform or several, blocks cut mid-array."""

from __future__ import annotations

import pandas as pd
import pytest

from reviewtools import rules as R
from test_rules_prefilter import _frame, _varied_pairs


@pytest.mark.parametrize("one_platform", [False, True])
@pytest.mark.parametrize("block", [50_000, 29])
def test_arrow_review_ids(monkeypatch, one_platform, block):
    frame = _frame(_varied_pairs()[:300], 5)
    if one_platform:
        frame["platform"] = "amazon"
    frame = frame.astype({"review_id": object, "title": object, "text": object})
    frame.loc[frame.index[::13], "review_id"] = None
    monkeypatch.setattr(R, "_CHECK_BLOCK_ROWS", block)
    arrow = frame.astype({"review_id": "string[pyarrow]", "title": "string[pyarrow]", "text": "string[pyarrow]"})
    assert R._ReviewIds(arrow)._arrow is not None and R._ReviewIds(frame)._arrow is None
    want = R.check_each_review(frame, prefilter=False)
    assert (want["review_id"] == "").any()
    pd.testing.assert_frame_equal(R.check_each_review(arrow), want)
    pd.testing.assert_frame_equal(R.check_each_review(arrow, competitors=("Acme",)),
                                  R.check_each_review(frame, competitors=("Acme",), prefilter=False))
