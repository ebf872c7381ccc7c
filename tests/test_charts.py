"""Charts: each figure is built from its ratings frame, carries its numbers, and has a title and axis labels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from reviewtools import charts as C
from reviewtools import ratings as R
from reviewtools.schema import coerce, empty_frame


@pytest.fixture(scope="module")
def reviews():
    months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    rows = []
    for i, m in enumerate(months):
        ones = 5 if m == "2024-05" else 1
        for d, r in enumerate([1] * ones + [5] * (8 - ones) + [4, 3]):
            rows.append({"review_id": f"{m}-{d}", "product_id": "A" if d % 2 else "B", "rating": r,
                         "created_at": f"{m}-1{d}", "sentiment_score": (r - 3) / 2,
                         "topics": "delivery" if r == 1 else ("price" if r == 3 else "")})
    return coerce(pd.DataFrame(rows))


def titled(fig: go.Figure) -> str:
    assert isinstance(fig, go.Figure)
    title = fig.layout.title.text
    assert title
    return title


def test_histogram_carries_the_counts(reviews):
    s = R.rating_summary(reviews, by=None)
    fig = C.histogram_figure(s)
    assert "computed from reviews" in titled(fig)
    assert list(fig.data[0].y) == [int(s.loc[0, f"count_{k}"]) for k in R.STARS]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert len(C.histogram_figure(R.rating_summary(reviews)).data) == 2  # one bar set per product


def test_drag_waterfall_goes_from_ceiling_to_average(reviews):
    d = R.drag(reviews, by=None)
    fig = C.drag_figure(d)
    wf = fig.data[0]
    assert wf.y[0] == 5.0 and wf.y[-1] == pytest.approx(d["average"].iloc[0])
    assert 5.0 + sum(wf.y[1:-1]) == pytest.approx(wf.y[-1])
    assert list(wf.measure) == ["absolute"] + ["relative"] * 4 + ["total"]
    assert "Where the stars go" in titled(fig) and fig.layout.yaxis.title.text


def test_single_group_charts_need_a_choice(reviews):
    d = R.drag(reviews)
    with pytest.raises(C.ChartError, match="group="):
        C.drag_figure(d)
    with pytest.raises(ValueError, match="not in the frame"):
        C.drag_figure(d, group="nope")
    assert "A" in titled(C.drag_figure(d, group="A"))


def test_wrong_frame_names_the_function():
    with pytest.raises(C.ChartError, match="rating_summary"):
        C.histogram_figure(pd.DataFrame({"product_id": ["A"], "average": [4.0]}))


def test_review_drag_ranks_costliest_first(reviews):
    r = R.review_drag(reviews)
    fig = C.review_drag_figure(r, top=5)
    assert len(fig.data[0].x) == 5
    # drawn bottom-up, so the costliest review is the last bar
    assert fig.data[0].x[-1] == pytest.approx(r["contribution"].max())
    assert fig.layout.xaxis.title.text and titled(fig)


def test_what_if_before_and_after(reviews):
    w = R.what_if(reviews, remove_ids=["2024-05-0", "2024-05-1"], by=None)
    fig = C.what_if_figure(w)
    assert fig.data[0].y[0] == pytest.approx(w.loc[0, "average_before"])
    assert fig.data[1].y[0] == pytest.approx(w.loc[0, "average_after"])
    assert "computed from reviews" in titled(fig)


def test_targets_bars(reviews):
    t = R.targets(reviews, 4.6)
    fig = C.targets_figure(t)
    assert sorted(fig.data[0].y) == sorted(t["five_stars_needed"].tolist())
    assert "4.6" in titled(fig) and fig.layout.yaxis.title.text


def test_trend_marks_alerts(reviews):
    tr = R.trend(reviews, by=None)
    al = R.alerts(reviews, by=None)
    assert not al.empty
    fig = C.trend_figure(tr, al)
    names = [t.name for t in fig.data]
    assert any(n and n.startswith("alert: ") for n in names)
    line = fig.data[0]
    assert list(line.y) == pytest.approx(tr["average"].tolist())
    assert titled(fig) and fig.layout.yaxis.title.text


def test_time_lines(reviews):
    tr = R.trend(reviews)
    for fn, col in [(C.cumulative_figure, "cumulative_average"), (C.one_star_share_figure, "one_star_share")]:
        fig = fn(tr)
        assert len(fig.data) == 2 and titled(fig) and fig.layout.xaxis.title.text
        a = tr[tr["product_id"] == "A"][col].tolist()
        assert list(fig.data[0].y) == pytest.approx(a, nan_ok=True)


def test_sentiment_beside_rating(reviews):
    tr = R.trend(reviews, by=None)
    fig = C.sentiment_rating_figure(tr)
    assert len(fig.data) == 2 and list(fig.data[1].y) == pytest.approx(tr["sentiment_mean"].tolist())
    with pytest.raises(C.ChartError, match="sentiment"):
        C.sentiment_rating_figure(R.trend(reviews.drop(columns=["sentiment_score"]), by=None))


def test_topic_shares(reviews):
    tt = R.topic_trend(reviews, by=None)
    fig = C.topic_share_figure(tt, top=1)
    assert [t.name for t in fig.data] == ["delivery"]
    assert titled(fig) and fig.layout.yaxis.title.text


def test_windows(reviews):
    fig = C.window_figure(R.window_averages(reviews))
    assert len(fig.data) == 2 and titled(fig)


def test_empty_frames_still_draw():
    e = empty_frame()
    assert titled(C.histogram_figure(R.rating_summary(e, by=None)))
    assert titled(C.drag_figure(R.drag(e, by=None)))
    assert titled(C.trend_figure(R.trend(e, by=None)))
