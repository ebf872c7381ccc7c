"""Plotly figures built only from the frames of :mod:`reviewtools.ratings`; no Streamlit, no data access.

Each function takes one ratings frame (whose first column is the group key, e.g. ``product_id`` or ``scope``)
and returns a :class:`plotly.graph_objects.Figure` with a title and labelled axes. Functions that draw one group
take ``group=``; when the frame holds several groups and none is chosen they raise :class:`ChartError`, a
:class:`ValueError`. Titles say "computed from reviews" where the numbers are the project's own.

>>> import pandas as pd
>>> from reviewtools.schema import coerce
>>> from reviewtools.ratings import rating_summary
>>> f = coerce(pd.DataFrame({"review_id": ["a", "b"], "rating": [5, 1]}))
>>> histogram_figure(rating_summary(f, by=None)).layout.xaxis.title.text
'Star rating'
"""

from __future__ import annotations

from typing import Final

import copy

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .errors import RatingsError
from .ratings import COMPUTED_BASIS, RULE_LOW_AVERAGE, RULE_ONE_STAR_SPIKE, STARS

#: Colours per star level, red (1★) to green (5★); colour-blind-safe enough with the axis labels beside them.
STAR_COLOURS: Final[dict[int, str]] = {1: "#d7301f", 2: "#fc8d59", 3: "#fdcc8a", 4: "#a1d99b", 5: "#31a354"}
#: Marker symbol per alert rule in :func:`trend_figure`.
ALERT_SYMBOLS: Final[dict[str, str]] = {RULE_LOW_AVERAGE: "triangle-down", RULE_ONE_STAR_SPIKE: "x"}
#: Default number of rows in ranked bar charts.
TOP_N: Final[int] = 15
#: The plotly template of every figure here (a registered name).
TEMPLATE: Final[str] = "plotly_white"
#: :data:`TEMPLATE` as the Template object ``update_layout(template=TEMPLATE)`` sets, once built (use_template).
_PREPARED: dict[str, go.layout.Template] = {}


class ChartError(RatingsError):
    """A chart cannot be drawn from the frame given (wrong frame, or no group chosen)."""


def _key(frame: pd.DataFrame) -> str:
    if frame.shape[1] == 0:
        raise ChartError("the frame has no columns; expected a frame from reviewtools.ratings")
    return str(frame.columns[0])


def _need(frame: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ChartError(f"{what} needs columns {missing}; pass the frame from reviewtools.ratings.{what}")


def _one_group(frame: pd.DataFrame, group: str | None) -> tuple[pd.DataFrame, str]:
    key = _key(frame)
    groups = frame[key].dropna().unique().tolist()
    if group is not None:
        if group not in groups:
            raise ChartError(f"{key} {group!r} is not in the frame (has {groups[:10]})")
        return frame[frame[key] == group], str(group)
    if len(groups) > 1:
        raise ChartError(f"the frame holds {len(groups)} groups of {key}; choose one with group=")
    return frame, str(groups[0]) if groups else "no reviews"


def _groups(frame: pd.DataFrame, group: str | None) -> pd.DataFrame:
    key = _key(frame)
    return frame if group is None else frame[frame[key] == group]


def use_template() -> None:
    """Make :data:`TEMPLATE` plotly's default template in this process (``plotly.io.templates.default``), as the
    Template object that ``update_layout(template=TEMPLATE)`` sets (a validated copy of the registered one, made
    once). Every figure is then built with it and the functions here do not set it again: plotly validates and
    deep-copies a template each time one is set (about 8 ms a figure), while the default is copied once, at
    construction. The figures' JSON is the same, byte for byte. For an app that draws these figures (app.py
    calls it); without it every figure sets :data:`TEMPLATE` itself, as before.

    >>> import plotly.io as pio
    >>> before = pio.templates.default
    >>> use_template()
    >>> histogram_figure(pd.DataFrame({"scope": ["all"], "average": [4.0], "n_reviews": [1], "count_1": [0],
    ...     "count_2": [0], "count_3": [0], "count_4": [1], "count_5": [0]})).layout.template.layout.plot_bgcolor
    'white'
    >>> pio.templates.default = before
    """
    if TEMPLATE not in _PREPARED:
        _PREPARED[TEMPLATE] = copy.deepcopy(pio.templates[TEMPLATE])  # what the template validator sets
    if pio.templates.default is not _PREPARED[TEMPLATE]:  # setting it validates (copies) it again: once
        pio.templates.default = _PREPARED[TEMPLATE]


def _template() -> dict[str, str]:
    """``{"template": TEMPLATE}`` for update_layout, or nothing when the figure was built with it
    (:func:`use_template`)."""
    prepared = _PREPARED.get(TEMPLATE)
    return {} if prepared is not None and pio.templates.default is prepared else {"template": TEMPLATE}


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, **_template(), legend_title_text="")
    return fig


def histogram_figure(summary: pd.DataFrame, group: str | None = None) -> go.Figure:
    """Star histogram (review counts per star level) from :func:`ratings.rating_summary`; one bar set per group.

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> from reviewtools.ratings import rating_summary
    >>> f = coerce(pd.DataFrame({"review_id": ["a", "b"], "rating": [5, 1]}))
    >>> [int(v) for v in histogram_figure(rating_summary(f, by=None)).data[0].y]
    [1, 0, 0, 0, 1]
    """
    _need(summary, [f"count_{s}" for s in STARS] + ["average", "n_reviews"], "rating_summary")
    key = _key(summary)
    part = _groups(summary, group)
    fig = go.Figure()
    for _, row in part.iterrows():
        counts = [int(row[f"count_{s}"]) for s in STARS]
        fig.add_bar(x=[f"{s}★" for s in STARS], y=counts, name=f"{row[key]} (avg {row['average']:.2f}, n={row['n_reviews']})",
                    marker_color=[STAR_COLOURS[s] for s in STARS] if len(part) == 1 else None)
    fig.update_layout(barmode="group")
    return _layout(fig, f"Star histogram ({COMPUTED_BASIS})", "Star rating", "Reviews")


def drag_figure(drag_frame: pd.DataFrame, group: str | None = None) -> go.Figure:
    """Waterfall from the 5.0 ceiling down to the average: what each star level costs (:func:`ratings.drag`).

    >>> import pandas as pd
    >>> from reviewtools.schema import coerce
    >>> from reviewtools.ratings import drag
    >>> f = coerce(pd.DataFrame({"review_id": list("abcd"), "rating": [5, 5, 5, 1]}))
    >>> [round(v, 2) for v in drag_figure(drag(f, by=None)).data[0].y]
    [5.0, -1.0, -0.0, -0.0, -0.0, 4.0]
    """
    _need(drag_frame, ["star", "drag_vs_5", "average"], "drag")
    part, name = _one_group(drag_frame, group)
    part = part.sort_values("star")
    lower = part[part["star"] < max(STARS)]
    avg = float(part["average"].iloc[0]) if len(part) else float("nan")
    x = ["5.0 ceiling"] + [f"{int(s)}★ reviews" for s in lower["star"]] + ["average"]
    y = [5.0] + [-float(v) for v in lower["drag_vs_5"].fillna(0.0)] + [avg]
    fig = go.Figure(go.Waterfall(
        x=x, y=y, measure=["absolute"] + ["relative"] * len(lower) + ["total"],
        text=[f"{v:+.2f}" if 0 < i < len(y) - 1 else f"{v:.2f}" for i, v in enumerate(y)], textposition="outside",
        decreasing={"marker": {"color": STAR_COLOURS[1]}}, totals={"marker": {"color": "#3182bd"}},
    ))
    low = avg if avg == avg else 1.0  # NaN (no reviews): show the whole scale
    fig.update_yaxes(range=[max(0.0, low - 0.5), 5.3])
    return _layout(fig, f"Where the stars go: {name} ({COMPUTED_BASIS})", "Star level", "Average rating (stars)")


def review_drag_figure(review_drag: pd.DataFrame, top: int = TOP_N) -> go.Figure:
    """The reviews that cost the most stars (:func:`ratings.review_drag`), as horizontal bars."""
    _need(review_drag, ["review_id", "rating", "contribution"], "review_drag")
    key = _key(review_drag)
    part = review_drag.dropna(subset=["contribution"]).nlargest(top, "contribution").iloc[::-1]
    labels = [f"{r.review_id} ({int(r.rating)}★, {getattr(r, key)})" for r in part.itertuples()]
    fig = go.Figure(go.Bar(x=part["contribution"], y=labels, orientation="h", marker_color=STAR_COLOURS[1]))
    return _layout(fig, f"Reviews that cost the most stars (top {top}, {COMPUTED_BASIS})",
                   "Average without the review minus with it (stars)", "Review")


def what_if_figure(what_if: pd.DataFrame, group: str | None = None) -> go.Figure:
    """Average before and after removal, per scenario and group (:func:`ratings.what_if`)."""
    _need(what_if, ["scenario", "average_before", "average_after", "n_removed", "basis"], "what_if")
    key = _key(what_if)
    part = _groups(what_if, group)
    labels = [f"{g} · {s}" if part[key].nunique() > 1 else s for g, s in zip(part[key], part["scenario"])]
    fig = go.Figure()
    fig.add_bar(x=labels, y=part["average_before"], name="before")
    fig.add_bar(x=labels, y=part["average_after"], name="after removal",
                text=[f"{c:+.2f} ({n} removed)" for c, n in zip(part["change"], part["n_removed"])],
                textposition="outside")
    bases = ", ".join(sorted(set(part["basis"])))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[1, 5.3])
    return _layout(fig, f"What if these reviews came down ({bases})", "Scenario", "Average rating (stars)")


def targets_figure(targets: pd.DataFrame) -> go.Figure:
    """New 5★ reviews needed to reach the target, per group (:func:`ratings.targets`)."""
    _need(targets, ["target", "five_stars_needed", "average", "months_all_5star", "basis"], "targets")
    key = _key(targets)
    part = targets.sort_values("five_stars_needed", ascending=False)
    hover = [f"average {a:.2f} → {t:g}: {n} five-star reviews; ~{m:.1f} months if all new reviews are 5★"
             for a, t, n, m in zip(part["average"], part["target"], part["five_stars_needed"], part["months_all_5star"])]
    fig = go.Figure(go.Bar(x=part[key].astype(str), y=part["five_stars_needed"], hovertext=hover,
                           text=part["five_stars_needed"], textposition="outside", marker_color=STAR_COLOURS[5]))
    t = ", ".join(f"{v:g}" for v in sorted(set(part["target"])))
    return _layout(fig, f"5★ reviews needed to reach {t}", key, "New 5★ reviews needed")


def _trend_lines(trend: pd.DataFrame, group: str | None, column: str, what: str) -> go.Figure:
    _need(trend, ["period", "period_start", column], what)
    key = _key(trend)
    part = _groups(trend, group)
    fig = go.Figure()
    for g, p in part.groupby(key, sort=True):
        fig.add_scatter(x=p["period_start"], y=p[column], mode="lines+markers", name=str(g), connectgaps=True)
    return fig


def trend_figure(trend: pd.DataFrame, alerts: pd.DataFrame | None = None, group: str | None = None) -> go.Figure:
    """Average per period with the review count beneath and alerts marked (:func:`ratings.trend`, ``alerts``)."""
    _need(trend, ["period_start", "average", "n"], "trend")
    key = _key(trend)
    part = _groups(trend, group)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for g, p in part.groupby(key, sort=True):
        fig.add_scatter(x=p["period_start"], y=p["average"], mode="lines+markers", name=str(g), connectgaps=True,
                        row=1, col=1)
        fig.add_bar(x=p["period_start"], y=p["n"], name=f"{g} reviews", showlegend=False, row=2, col=1,
                    marker_color="#9ecae1")
    if alerts is not None and len(alerts):
        _need(alerts, ["period_start", "rule", "average", "reason"], "alerts")
        sel = _groups(alerts, group)
        for rule, a in sel.groupby("rule"):
            fig.add_scatter(x=a["period_start"], y=a["average"], mode="markers", name=f"alert: {rule}",
                            marker={"symbol": ALERT_SYMBOLS.get(str(rule), "circle"), "size": 13, "color": "#d7301f"},
                            hovertext=a["reason"], row=1, col=1)
    fig.update_yaxes(title_text="Average rating (stars)", range=[0.8, 5.2], row=1, col=1)
    fig.update_yaxes(title_text="Reviews", row=2, col=1)
    fig.update_xaxes(title_text="Period", row=2, col=1)
    fig.update_layout(title=f"Average rating per period ({COMPUTED_BASIS})", **_template(), barmode="group")
    return fig


def cumulative_figure(trend: pd.DataFrame, group: str | None = None) -> go.Figure:
    """The cumulative (all-time-so-far) average at the end of each period (:func:`ratings.trend`)."""
    fig = _trend_lines(trend, group, "cumulative_average", "trend")
    return _layout(fig, f"Cumulative average over time ({COMPUTED_BASIS})", "Period", "Cumulative average (stars)")


def one_star_share_figure(trend: pd.DataFrame, group: str | None = None) -> go.Figure:
    """Share of 1★ reviews per period (:func:`ratings.trend`)."""
    fig = _trend_lines(trend, group, "one_star_share", "trend")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, "Share of 1★ reviews per period", "Period", "1★ share of the period's reviews")


def sentiment_rating_figure(trend: pd.DataFrame, group: str | None = None) -> go.Figure:
    """Average rating and mean sentiment score per period, on two axes (:func:`ratings.trend` with sentiment)."""
    _need(trend, ["period_start", "average", "sentiment_mean"], "trend (with sentiment_score in the reviews)")
    part, name = _one_group(trend, group)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(x=part["period_start"], y=part["average"], name="average rating", mode="lines+markers",
                    connectgaps=True, secondary_y=False)
    fig.add_scatter(x=part["period_start"], y=part["sentiment_mean"], name="mean sentiment score",
                    mode="lines+markers", connectgaps=True, line={"dash": "dot"}, secondary_y=True)
    fig.update_yaxes(title_text="Average rating (stars)", range=[0.8, 5.2], secondary_y=False)
    fig.update_yaxes(title_text="Mean sentiment score (−1 to 1)", range=[-1.05, 1.05], secondary_y=True)
    fig.update_xaxes(title_text="Period")
    fig.update_layout(title=f"Rating and sentiment per period: {name}", **_template())
    return fig


def topic_share_figure(topic_trend: pd.DataFrame, group: str | None = None, top: int = 8) -> go.Figure:
    """Share of each period's reviews per complaint topic, for the ``top`` most frequent topics
    (:func:`ratings.topic_trend`)."""
    _need(topic_trend, ["period_start", "topic", "share", "n_with_topic"], "topic_trend")
    part, name = _one_group(topic_trend, group)
    keep = part.groupby("topic")["n_with_topic"].sum().nlargest(top).index
    fig = go.Figure()
    for topic, p in part[part["topic"].isin(keep)].groupby("topic", sort=True):
        fig.add_scatter(x=p["period_start"], y=p["share"], mode="lines+markers", name=str(topic))
    fig.update_yaxes(tickformat=".0%")
    return _layout(fig, f"Complaint topics per period: {name}", "Period", "Share of the period's reviews")


def window_figure(windows: pd.DataFrame) -> go.Figure:
    """Average over the last 7/30/90 days and all time, per group (:func:`ratings.window_averages`)."""
    _need(windows, ["window", "average", "n"], "window_averages")
    key = _key(windows)
    fig = go.Figure()
    for g, p in windows.groupby(key, sort=True):
        fig.add_bar(x=p["window"], y=p["average"], name=str(g), text=[f"n={n}" for n in p["n"]],
                    textposition="outside")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 5.3])
    return _layout(fig, f"Recent averages ({COMPUTED_BASIS})", "Window", "Average rating (stars)")


__all__ = [
    "STAR_COLOURS",
    "ALERT_SYMBOLS",
    "TOP_N",
    "TEMPLATE",
    "ChartError",
    "use_template",
    "histogram_figure",
    "drag_figure",
    "review_drag_figure",
    "what_if_figure",
    "targets_figure",
    "trend_figure",
    "cumulative_figure",
    "one_star_share_figure",
    "sentiment_rating_figure",
    "topic_share_figure",
    "window_figure",
]
