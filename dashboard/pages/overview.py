"""Overview: average and count with the change over a window, histogram, drag, what-if, target, trends."""

from __future__ import annotations

import math

import streamlit as st

from dashboard.context import current
from dashboard.widgets import number
from reviewtools import charts, ratings, views
from reviewtools.errors import RatingsError

ctx = current()
FIG = views.PAGE_COLUMNS["overview"]  # the columns read here: only they are taken of the matching rows
st.header("Overview")
st.caption(f"{ctx.n_reviews:,} reviews after filters · every figure is {ratings.COMPUTED_BASIS}, not the platform's "
           "displayed rating (that also counts star-only ratings and weighs reviews)")
if not ctx.rows(["rating"])["rating"].notna().any():
    st.info("No rated review matches the filters.")
    st.stop()

window = st.selectbox("Change over the last", ratings.WINDOW_DAYS, index=1, key="ov_window",
                      format_func=lambda d: f"{d} days")
m = ctx.derive("ov_metrics", views.overview_metrics, int(window), workflow=False, columns=FIG)
c1, c2, c3 = st.columns(3)
c1.metric("Average rating", number(m.average),
          delta=None if math.isnan(m.average_change) else f"{m.average_change:+.2f}",
          help=f"Simple mean of the rated reviews ({ratings.COMPUTED_BASIS}); the change is against the average "
               f"of the reviews before the last {window} days.")
c2.metric("Reviews", f"{m.n_reviews:,}", delta=f"+{m.n_in_window:,}",
          help=f"Rated reviews; the change is how many arrived in the last {window} days.")
c3.metric(f"Average of the last {window} days", number(m.window_average),
          help=f"{m.n_in_window:,} reviews dated after {m.window_start:%Y-%m-%d}" if m.window_start is not None
          else "No dated reviews.")

all_hits, index, positions = ctx.hits, ctx.index, ctx.positions


def _figures(fr):
    """The histogram and drag figures and, when checks ran, what_if with its figure, from one
    ratings.summary_frames (the reviews prepared once for the three). What-if: which reviews of the selection
    have a strong removal hit or a check that did not run, by review position (FrameIndex.what_if_flags,
    matched once per load), not a key join over every stored hit."""
    if all_hits is None:
        s = ratings.summary_frames(fr, by=None)
    else:
        flags = index.what_if_flags(all_hits, positions)
        s = (ratings.summary_frames(fr, by=None, hit_flags=flags) if flags is not None
             else ratings.summary_frames(fr, by=None, hits=index.what_if_hits(all_hits, positions)))
    w = s.what_if
    return (charts.histogram_figure(s.summary), charts.drag_figure(s.drag), w,
            None if w is None else charts.what_if_figure(w))


hist_fig, drag_fig, wi, wi_fig = ctx.derive("ov_figures", _figures, workflow=False, columns=FIG)
left, right = st.columns(2)
left.plotly_chart(hist_fig, key="ov_hist")
right.plotly_chart(drag_fig, key="ov_drag")

st.subheader("What if flagged reviews came down")
if wi is None:
    st.info("No guideline checks ran, so there is no what-if.")
else:
    row = wi.iloc[0]
    w1, w2, w3 = st.columns(3)
    w1.metric("Reviews with a strong removal basis", f"{int(row['n_removed']):,}")
    w2.metric("Average if they came down", number(row["average_after"]),
              delta=None if math.isnan(row["change"]) else f"{row['change']:+.2f}")
    w3.metric("Reviews whose checks could not all run", f"{int(row['n_checks_not_run']):,}",
              help="Unknown is not clean: some guideline checks could not run on these reviews.")
    st.plotly_chart(wi_fig, key="ov_what_if")
    st.caption("Removal is never guaranteed: the platform decides.")

st.subheader("Target")
target = st.number_input("Target average", min_value=1.0, max_value=5.0, value=ratings.DEFAULT_TARGET, step=0.1,
                         key="ov_target")
try:
    tg = ctx.derive("ov_targets", ratings.targets, float(target), by=None, workflow=False, columns=FIG)
except RatingsError as exc:
    st.error(str(exc))
else:
    t = tg.iloc[0]
    t1, t2, t3 = st.columns(3)
    t1.metric("5★ reviews needed", f"{int(t['five_stars_needed']):,}")
    t2.metric("Months if every new review is 5★", number(t["months_all_5star"], "{:.1f}"),
              help=f"At {number(t['reviews_per_month'], '{:.1f}')} reviews a month (last {t['rate_window_days']} days).")
    t3.metric("Months at the current mix", number(t["months_current_mix"], "{:.1f}"),
              help=f"New reviews keep the recent average of {number(t['recent_average'])}.")
    st.caption(str(t["assumption"]))

st.subheader("Rating and sentiment over time")
freq = st.radio("Period", list(ratings.FREQUENCIES), horizontal=True, key="ov_freq",
                format_func=lambda k: ratings.FREQUENCIES[k])


def _trends(fr, fq: str):
    """Trend and alerts with their figures, computed together once per filter selection and period."""
    tr_, al_ = ratings.trend_and_alerts(fr, by=None, freq=fq)  # the rows put into periods once for both
    sent = charts.sentiment_rating_figure(tr_) if "sentiment_mean" in tr_.columns else None
    return tr_, al_, charts.trend_figure(tr_, al_), sent


tr, al, trend_fig, sentiment_fig = ctx.derive("ov_trends", _trends, freq, workflow=False, columns=FIG)
st.plotly_chart(trend_fig, key="ov_trend")
if sentiment_fig is not None:
    st.plotly_chart(sentiment_fig, key="ov_sentiment")
if len(al):
    st.dataframe(al[["period", "rule", "n", "average", "one_star_share", "reason"]], hide_index=True,
                 width="stretch", key="ov_alerts")
else:
    st.caption("No alert fired in this selection.")

st.subheader("Displayed rating")
d1, d2 = st.columns(2)
shown = d1.number_input("Rating shown on the listing", min_value=1.0, max_value=5.0, value=None, step=0.1,
                        key="ov_displayed_rating")
shown_n = d2.number_input("Rating count shown on the listing", min_value=1, value=None, step=1,
                          key="ov_displayed_count")
if shown is not None and shown_n is not None:
    ds = ctx.derive("ov_displayed", ratings.rating_summary, by=None,
                    displayed={ratings.ALL_GROUP: (float(shown), int(shown_n))}, workflow=False, columns=FIG).iloc[0]
    g1, g2, g3 = st.columns(3)
    g1.metric(f"Average ({ratings.COMPUTED_BASIS})", number(ds["average"]))
    g2.metric("Gap: displayed minus computed", f"{ds['displayed_gap']:+.2f}")
    g3.metric("Ratings not in the export", f"{int(ds['ratings_not_in_export']):,}")
else:
    st.caption("Enter the rating and count the listing shows to see the gap to the figures computed from reviews.")
