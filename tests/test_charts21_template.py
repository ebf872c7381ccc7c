"""charts.use_template (plotly's default template set once to the validated plotly_white, the figures then not
setting it again) gives every figure the JSON it had before, byte for byte: each chart function against
tests/_charts_ref21.py (the module as of b74690b, every figure setting template="plotly_white"), with and
without use_template, on frames with several groups, one row and none."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

import _charts_ref21 as ref
from reviewtools import charts, ratings
from reviewtools.schema import coerce


def _reviews(n: int) -> pd.DataFrame:
    days = pd.date_range("2023-11-03", periods=max(n, 1), freq="5D", tz="UTC")
    return coerce(pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "product_id": [("P1", "P2", "P3")[i % 3] for i in range(n)],
        "rating": [(1, 5, 4, 2, 5, 1, 3)[i % 7] for i in range(n)],
        "created_at": [str(days[i].date()) for i in range(n)],
        "sentiment_score": [((i * 37) % 21 - 10) / 10 for i in range(n)],
        "topics": [("delivery", "", "price|delivery")[i % 3] for i in range(n)],
    }))


FRAMES = {"many": _reviews(60), "one": _reviews(1), "none": _reviews(0)}


def _figures(m, f: pd.DataFrame, by):
    tr, al = ratings.trend_and_alerts(f, by=by)
    one = by is None
    return {
        "histogram": lambda: m.histogram_figure(ratings.rating_summary(f, by=by)),
        "drag": lambda: m.drag_figure(ratings.drag(f, by=by)) if one else m.drag_figure(ratings.drag(f, by=by), "P1"),
        "review_drag": lambda: m.review_drag_figure(ratings.review_drag(f, by=by)),
        "what_if": lambda: m.what_if_figure(ratings.what_if(f, remove_ids=["r0", "r3"], by=by)),
        "targets": lambda: m.targets_figure(ratings.targets(f, 4.5, by=by)),
        "trend": lambda: m.trend_figure(tr, al),
        "cumulative": lambda: m.cumulative_figure(tr),
        "one_star": lambda: m.one_star_share_figure(tr),
        "sentiment": lambda: m.sentiment_rating_figure(tr) if one else m.sentiment_rating_figure(tr, "P2"),
        "topics": lambda: m.topic_share_figure(ratings.topic_trend(f, by=None)),
        "windows": lambda: m.window_figure(ratings.window_averages(f, by=by)),
    }


def _json(make):
    try:
        return make().to_json()
    except Exception as exc:  # noqa: BLE001 - e.g. a figure of one group asked of an empty frame
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def default_template():
    before = pio.templates.default
    pio.templates.default = "plotly"  # plotly's own default, as in a fresh process
    yield
    pio.templates.default = before


@pytest.mark.parametrize("frame", list(FRAMES))
@pytest.mark.parametrize("by", [None, "product_id"])
def test_figures_with_the_default_template_are_the_same_json(default_template, frame, by):
    f = FRAMES[frame]
    want = {k: _json(v) for k, v in _figures(ref, f, by).items()}
    assert {k: _json(v) for k, v in _figures(charts, f, by).items()} == want  # without use_template: as before
    charts.use_template()
    got = {k: _json(v) for k, v in _figures(charts, f, by).items()}
    assert got == want
    assert sum(not v.startswith("{") for v in want.values()) < len(want)  # figures were drawn


def test_use_template_sets_the_validated_copy_once(default_template):
    charts.use_template()
    first = pio.templates.default
    calls = []
    config = type(pio.templates)
    original = config.__dict__["default"]
    config.default = property(original.fget, lambda self, v: (calls.append(v), original.fset(self, v)))
    try:
        charts.use_template()  # already the default: not set (and validated) again on every app run
    finally:
        config.default = original
    assert calls == []
    assert pio.templates.default is first
    assert first.to_plotly_json() == pio.templates[charts.TEMPLATE].to_plotly_json()
    assert charts._template() == {}
    pio.templates.default = "plotly"
    assert charts._template() == {"template": charts.TEMPLATE}
