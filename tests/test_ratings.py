"""Rating maths against hand-computed examples and edge cases (issue 5)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import ratings as R
from reviewtools.errors import RatingsError
from reviewtools.schema import coerce, empty_frame


def make(ratings, product="P1", dates=None, **extra):
    """A canonical frame with one review per rating; ids r0, r1, ..."""
    n = len(ratings)
    data = {
        "review_id": [f"r{i}" for i in range(n)],
        "platform": ["amazon"] * n,
        "product_id": product if isinstance(product, list) else [product] * n,
        "rating": list(ratings),
        "text": ["t"] * n,
        "created_at": dates if dates is not None else ["2024-01-15"] * n,
    }
    data.update(extra)
    return coerce(pd.DataFrame(data))


def worked_example():
    # A = 4.3 over N = 50 (platform-policies.md §2.2): 30×5 + 15×4 + 5×1 = 215 stars.
    return make([5] * 30 + [4] * 15 + [1] * 5)


# --------------------------------------------------------------------------------------------- targets


def test_worked_example_from_reference_needs_67():
    assert R.five_stars_needed(50, 4.3, 4.7) == 67
    t = R.targets(worked_example(), 4.7, by=None)
    assert t.loc[0, "average"] == pytest.approx(4.3)
    assert t.loc[0, "n"] == 50
    assert t.loc[0, "five_stars_needed"] == 67
    assert not t.loc[0, "met"]


def test_67_is_the_least_that_reaches_the_target():
    f = worked_example()
    assert (215 + 5 * 67) / (50 + 67) >= 4.7
    assert (215 + 5 * 66) / (50 + 66) < 4.7
    assert R.targets(f, 4.7, by=None).loc[0, "basis"] == R.COMPUTED_BASIS


def test_at_4_5_one_one_star_needs_seven_five_stars():
    f = make([5] * 7 + [1])  # 36 / 8 = 4.5
    t = R.targets(f, 4.6, by=None)
    assert t.loc[0, "five_stars_per_one_star_exact"] == pytest.approx(7.0)
    assert t.loc[0, "five_stars_per_one_star"] == 7
    # check by brute force: after a new 1★, 7 five-stars restore 4.5 and 6 do not
    assert (36 + 1 + 7 * 5) / (8 + 1 + 7) == pytest.approx(4.5)
    assert (36 + 1 + 6 * 5) / (8 + 1 + 6) < 4.5


def test_offset_rounds_up_a_fraction():
    # A = 4.3: (4.3 − 1)/(5 − 4.3) = 4.714…, so 5 five-stars.
    t = R.targets(worked_example(), 4.7, by=None)
    assert t.loc[0, "five_stars_per_one_star_exact"] == pytest.approx(3.3 / 0.7)
    assert t.loc[0, "five_stars_per_one_star"] == 5


@pytest.mark.parametrize("target", [5.0, 5])
def test_target_of_five_is_a_clear_error_below_five(target):
    with pytest.raises(RatingsError, match="cannot be reached"):
        R.targets(worked_example(), target, by=None)


@pytest.mark.parametrize("target", [5.5, 6, 0.5, 0, -1, float("nan"), float("inf")])
def test_target_outside_the_scale_is_a_clear_error(target):
    with pytest.raises(RatingsError, match="target"):
        R.targets(worked_example(), target, by=None)


def test_ratings_error_is_a_value_error():
    with pytest.raises(ValueError):
        R.five_stars_needed(10, 4.0, 7)


def test_target_of_five_is_met_when_all_reviews_are_five_stars():
    t = R.targets(make([5, 5, 5]), 5.0, by=None)
    assert t.loc[0, "met"] and t.loc[0, "five_stars_needed"] == 0
    assert t.loc[0, "five_stars_per_one_star_exact"] == math.inf
    assert t.loc[0, "months_all_5star"] == 0


def test_target_already_met():
    t = R.targets(make([5, 5, 4]), 4.5, by=None)
    assert t.loc[0, "met"]
    assert t.loc[0, "five_stars_needed"] == 0
    assert t.loc[0, "months_all_5star"] == 0 and t.loc[0, "months_current_mix"] == 0


def test_target_met_exactly_counts_as_met():
    t = R.targets(make([5, 4]), 4.5, by=None)
    assert t.loc[0, "met"] and t.loc[0, "five_stars_needed"] == 0


def test_no_reviews_needs_one_five_star():
    t = R.targets(empty_frame(), 4.5, by=None)
    assert t.loc[0, "n"] == 0 and math.isnan(t.loc[0, "average"])
    assert t.loc[0, "five_stars_needed"] == 1
    assert R.targets(empty_frame(), 4.5).empty


def test_months_at_current_rate():
    # 10 reviews in the 90 days before as_of, all 4★: rate = 10 / (90 / 30.4375) per month.
    dates = pd.date_range("2024-03-01", periods=10, freq="D").strftime("%Y-%m-%d").tolist()
    old = ["2023-01-01"] * 10
    f = make([4] * 10 + [4] * 10, dates=dates + old)
    t = R.targets(f, 4.5, by=None, as_of="2024-03-31")
    rate = 10 / (90 / (365.25 / 12))
    assert t.loc[0, "reviews_in_window"] == 10
    assert t.loc[0, "reviews_per_month"] == pytest.approx(rate)
    needed = math.ceil(20 * 0.5 / 0.5)  # 20
    assert t.loc[0, "five_stars_needed"] == needed
    assert t.loc[0, "months_all_5star"] == pytest.approx(needed / rate)
    # the recent mix averages 4.0 < 4.5: it never gets there
    assert t.loc[0, "months_current_mix"] == math.inf
    assert "every new review is 5★" in t.loc[0, "assumption"]


def test_months_with_a_recent_mix_above_the_target():
    dates = ["2024-03-10"] * 4 + ["2022-01-01"] * 4
    f = make([5, 5, 5, 4] + [1, 1, 1, 1], dates=dates)  # A = 23/8 = 2.875, N = 8, recent mean 4.75
    t = R.targets(f, 4.0, by=None, as_of="2024-03-31")
    assert t.loc[0, "recent_average"] == pytest.approx(4.75)
    x = math.ceil(8 * (4.0 - 2.875) / (4.75 - 4.0))  # 12
    assert t.loc[0, "reviews_needed_current_mix"] == x
    assert t.loc[0, "months_current_mix"] == pytest.approx(x / (4 / (90 / (365.25 / 12))))


def test_no_recent_reviews_means_an_infinite_wait():
    f = make([3, 3], dates=["2020-01-01", "2020-01-02"])
    t = R.targets(f, 4.0, by=None, as_of="2024-01-01")
    assert t.loc[0, "reviews_per_month"] == 0
    assert t.loc[0, "months_all_5star"] == math.inf


# ------------------------------------------------------------------------------------- displayed rating


def test_displayed_rating_is_the_base_of_the_target_maths():
    f = make([1, 1, 2])  # computed 1.33 from 3 reviews
    t = R.targets(f, 4.7, displayed={"P1": (4.3, 50)})
    assert t.loc[0, "basis"] == R.DISPLAYED_BASIS
    assert t.loc[0, "five_stars_needed"] == 67


def test_summary_shows_the_gap_to_the_displayed_rating():
    f = make([5, 3])
    s = R.rating_summary(f, displayed=pd.DataFrame({"product_id": ["P1"], "displayed_rating": [4.6],
                                                    "displayed_count": [120]}))
    assert s.loc[0, "basis"] == R.COMPUTED_BASIS
    assert s.loc[0, "displayed_gap"] == pytest.approx(0.6)
    assert s.loc[0, "ratings_not_in_export"] == 118


@pytest.mark.parametrize("bad", [{"P1": (6.0, 10)}, {"P1": (4.0, 0)}, {"P1": (4.0, 2.5)}, {"NOPE": (4.0, 10)}])
def test_bad_displayed_figures_are_clear_errors(bad):
    with pytest.raises(RatingsError):
        R.targets(make([5, 3]), 4.5, displayed=bad)


def test_what_if_on_the_displayed_base():
    w = R.what_if(make([1, 5]), remove_ids=["r0"], displayed={"P1": (4.3, 50)})
    assert w.loc[0, "average_after"] == pytest.approx((4.3 * 50 - 1) / 49)
    assert w.loc[0, "n_after"] == 49


# ------------------------------------------------------------------------------------------- summary


def test_summary_histogram_and_bayesian_with_given_prior():
    f = make([5, 5, 5, 2], product=["P", "Q", "Q", "Q"])
    s = R.rating_summary(f, prior_mean=3.0, prior_weight=2).set_index("product_id")
    assert s.loc["P", "bayesian_average"] == pytest.approx((2 * 3 + 5) / 3)
    assert s.loc["Q", "bayesian_average"] == pytest.approx((2 * 3 + 12) / 5)
    assert s.loc["Q", "count_5"] == 2 and s.loc["Q", "count_2"] == 1 and s.loc["Q", "count_1"] == 0
    assert s.loc["Q", "share_2"] == pytest.approx(1 / 3)
    assert "given" in s.loc["Q", "prior"]


def test_summary_default_prior_is_overall_mean_and_median_count():
    f = make([5, 5, 5, 2], product=["P", "Q", "Q", "Q"])
    s = R.rating_summary(f).set_index("product_id")
    assert s["prior_mean"].iloc[0] == pytest.approx(4.25)
    assert s["prior_weight"].iloc[0] == 2  # median of 1 and 3
    assert s.loc["P", "bayesian_average"] == pytest.approx((2 * 4.25 + 5) / 3)
    assert "median reviews per product_id" in s.loc["P", "prior"]
    # a product with one 5★ ranks below a product with many good ratings once damped
    assert s.loc["P", "average"] > s.loc["Q", "average"]


def test_summary_no_reviews():
    s = R.rating_summary(empty_frame(), by=None)
    assert s.loc[0, "n_reviews"] == 0 and math.isnan(s.loc[0, "average"])
    assert s.loc[0, "count_1"] == 0 and math.isnan(s.loc[0, "share_1"])
    assert R.rating_summary(empty_frame()).empty


def test_summary_one_review():
    s = R.rating_summary(make([3]), by=None)
    assert s.loc[0, "average"] == 3 and s.loc[0, "share_3"] == 1 and s.loc[0, "bayesian_average"] == 3


def test_unrated_reviews_are_counted_not_lost():
    f = make([5, None, 3])
    s = R.rating_summary(f, by=None)
    assert s.loc[0, "n_reviews"] == 2 and s.loc[0, "n_unrated"] == 1 and s.loc[0, "average"] == 4


def test_missing_product_is_its_own_group():
    f = make([5, 1, 3], product=["A", None, "A"])
    s = R.rating_summary(f).set_index("product_id")
    assert s.loc[R.UNKNOWN_GROUP, "n_reviews"] == 1
    assert s["n_reviews"].sum() == 3


@pytest.mark.parametrize("value", [0, 6, 2.5])
def test_out_of_range_rating_names_the_review(value):
    f = make([5, 4]).assign(rating=pd.array([5, value], dtype="Float64"))
    with pytest.raises(RatingsError, match="r1"):
        R.rating_summary(f)


def test_missing_rating_column_and_bad_by():
    with pytest.raises(RatingsError, match="rating"):
        R.drag(pd.DataFrame({"review_id": ["a"]}))
    with pytest.raises(RatingsError, match="group by"):
        R.drag(make([5]), by="nope")


# ---------------------------------------------------------------------------------------------- drag


def test_drag_hand_example():
    f = make([5, 4, 2, 1])  # A = 3, gap 2
    d = R.drag(f, by=None, target=4.0).set_index("star")
    assert d.loc[1, "drag_vs_5"] == pytest.approx(1.0)  # 1·4/4
    assert d.loc[2, "drag_vs_5"] == pytest.approx(0.75)
    assert d.loc[4, "drag_vs_5"] == pytest.approx(0.25)
    assert d.loc[5, "drag_vs_5"] == 0
    assert d.loc[1, "share_of_gap"] == pytest.approx(0.5)
    assert d.loc[1, "drag_vs_target"] == pytest.approx(0.75)  # (4 − 1)/4
    assert d.loc[5, "drag_vs_target"] == pytest.approx(-0.25)
    assert d["drag_vs_target"].sum() == pytest.approx(1.0)  # T − A


def test_drag_summary_hand_example():
    s = R.drag_summary(make([5, 4, 2, 1]), by=None, target=4.0).iloc[0]
    assert s["average_without_1star"] == pytest.approx(11 / 3)
    assert s["low_star_drag"] == pytest.approx(1.75)
    assert s["low_star_share_of_gap"] == pytest.approx(0.875)
    assert s["gap_to_target"] == pytest.approx(1.0)


def test_drag_all_five_stars_has_no_gap():
    d = R.drag(make([5, 5]), by=None)
    assert (d["drag_vs_5"] == 0).all() and d["share_of_gap"].isna().all()
    s = R.drag_summary(make([5, 5]), by=None).iloc[0]
    assert s["gap_to_5"] == 0 and math.isnan(s["low_star_share_of_gap"]) and s["average_without_1star"] == 5


def test_drag_no_reviews_and_all_one_star():
    d = R.drag(empty_frame(), by=None)
    assert len(d) == 5 and (d["count"] == 0).all() and d["drag_vs_5"].isna().all()
    s = R.drag_summary(make([1, 1]), by=None).iloc[0]
    assert math.isnan(s["average_without_1star"]) and s["low_star_share_of_gap"] == 1


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=40), st.floats(1.0, 4.99))
def test_drag_levels_add_up_to_the_gaps(stars, target):
    d = R.drag(make(stars), by=None, target=target)
    a = sum(stars) / len(stars)
    assert d["drag_vs_5"].sum() == pytest.approx(5 - a)
    assert d["drag_vs_target"].sum() == pytest.approx(target - a)
    assert d["count"].sum() == len(stars)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=40), st.floats(1.0, 4.99))
def test_five_stars_needed_is_the_least_that_works(stars, target):
    n, s = len(stars), sum(stars)
    x = R.five_stars_needed(n, s / n, target)
    assert (s + 5 * x) / (n + x) >= target - 1e-9
    if x > 0:
        assert (s + 5 * (x - 1)) / (n + x - 1) < target


def test_review_drag_contribution():
    r = R.review_drag(make([5, 5, 2]), by=None)
    assert r.loc[0, "review_id"] == "r2"
    assert r.loc[0, "contribution"] == pytest.approx(1.0)  # (4 − 2)/2
    assert r.loc[1, "contribution"] == pytest.approx(-0.5)  # removing a 5★: 3.5 − 4
    assert len(r) == 3


def test_review_drag_one_review_is_undefined():
    r = R.review_drag(make([1]), by=None)
    assert len(r) == 1 and math.isnan(r.loc[0, "contribution"])


# ------------------------------------------------------------------------------------------- what if


def hits_frame():
    return pd.DataFrame({
        "review_id": ["r0", "r0", "r1", "r2", "r3", "r4"],
        "platform": ["amazon"] * 6,
        "rule_id": ["pii", "profanity", "promo", "pii", "x", "y"],
        "removal_basis": pd.array([True, True, True, False, True, pd.NA], dtype="boolean"),
        "strength": ["strong", "strong", "weak", "strong", "strong", "strong"],
        "outcome": ["hit", "hit", "hit", "hit", "not_run", "hit"],
    })


def test_what_if_uses_only_strong_removal_basis_hits():
    f = make([1, 2, 1, 5, 5])  # A = 2.8
    w = R.what_if(f, hits_frame(), by=None)
    row = w.iloc[0]
    assert row["scenario"] == R.SCENARIO_HITS
    assert row["removed_review_ids"] == "r0" and row["n_removed"] == 1
    assert row["average_before"] == pytest.approx(2.8)
    assert row["average_after"] == pytest.approx(13 / 4)
    assert row["change"] == pytest.approx(13 / 4 - 2.8)
    assert row["n_checks_not_run"] == 1  # r3: unknown, not clean
    assert R.removable_review_ids(hits_frame()).loc[0, "rule_ids"] == "pii|profanity"


def test_what_if_both_scenarios_and_unknown_ids():
    w = R.what_if(make([1, 2, 5]), hits_frame(), remove_ids=["r1", "zzz"], by=None)
    assert list(w["scenario"]) == [R.SCENARIO_HITS, R.SCENARIO_CHOSEN]
    chosen = w.iloc[1]
    assert chosen["average_after"] == pytest.approx(3.0) and chosen["n_after"] == 2
    assert "zzz" in chosen["note"]


def test_what_if_removing_everything_leaves_no_average():
    w = R.what_if(make([1]), remove_ids=["r0"], by=None)
    assert w.loc[0, "n_after"] == 0 and math.isnan(w.loc[0, "average_after"])


def test_what_if_needs_something_and_a_proper_hits_frame():
    with pytest.raises(RatingsError):
        R.what_if(make([1]))
    with pytest.raises(RatingsError, match="check_reviews"):
        R.what_if(make([1]), pd.DataFrame({"review_id": ["r0"]}))


def test_what_if_per_product():
    f = make([1, 5, 5, 1], product=["A", "A", "B", "B"])
    w = R.what_if(f, remove_ids=["r0"]).set_index("product_id")
    assert w.loc["A", "average_after"] == 5 and w.loc["B", "change"] == 0


# ---------------------------------------------------------------------------------------------- time


def test_window_averages_boundaries():
    f = make([1, 2, 3, 4], dates=["2024-03-31", "2024-03-24", "2024-03-01", "2023-12-01"])
    w = R.window_averages(f, by=None).set_index("window")
    # (as_of − 7 days, as_of]: 2024-03-24 is exactly 7 days before, so it is out
    assert w.loc["last 7 days", "n"] == 1
    assert w.loc["last 30 days", "n"] == 2
    assert w.loc["last 90 days", "average"] == pytest.approx(2.0)
    assert w.loc["all time", "n"] == 4
    w2 = R.window_averages(f, by=None, as_of="2024-03-02").set_index("window")
    assert w2.loc["last 7 days", "n"] == 1 and w2.loc["last 7 days", "average"] == 3


def test_window_averages_count_undated_reviews():
    f = make([5, 1], dates=["2024-01-01", None])
    w = R.window_averages(f, by=None).set_index("window")
    assert w.loc["all time", "n"] == 2 and w.loc["all time", "n_undated"] == 1
    assert w.loc["last 7 days", "n"] == 1


def test_trend_month_by_month():
    f = make([5, 1, 3, 4], dates=["2024-01-03", "2024-01-20", "2024-03-02", "2024-04-30"])
    t = R.trend(f, by=None)
    assert list(t["period"]) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert list(t["n"]) == [2, 0, 1, 1]
    assert t.loc[0, "one_star_share"] == 0.5 and math.isnan(t.loc[1, "one_star_share"])
    assert t.loc[2, "previous_period"] == "2024-01" and t.loc[2, "change"] == 0
    assert t.loc[3, "change"] == 1
    assert list(t["cumulative_n"]) == [2, 2, 3, 4]
    assert t.loc[3, "cumulative_average"] == pytest.approx(13 / 4)
    assert "sentiment_mean" not in t.columns


def test_trend_product_with_reviews_in_one_month_only():
    f = make([5, 2, 4, 4], product=["A", "A", "B", "B"],
             dates=["2024-05-01", "2024-05-31", "2024-01-01", "2024-06-01"])
    t = R.trend(f)
    a = t[t["product_id"] == "A"]
    assert len(a) == 1 and a.iloc[0]["average"] == 3.5 and pd.isna(a.iloc[0]["change"])
    assert a.iloc[0]["cumulative_average"] == 3.5
    assert len(t[t["product_id"] == "B"]) == 6
    assert R.alerts(f[f["product_id"] == "A"]).empty


def test_trend_weekly_and_with_sentiment():
    f = make([5, 1], dates=["2024-01-01", "2024-01-09"], sentiment_score=[0.8, -0.6])
    t = R.trend(f, by=None, freq="W")
    assert len(t) == 2 and list(t["sentiment_mean"]) == [0.8, -0.6]
    with pytest.raises(RatingsError, match="freq"):
        R.trend(f, freq="Q")


def test_trend_of_no_reviews_is_empty():
    assert R.trend(empty_frame(), by=None).empty


def test_topic_trend_shares():
    f = make([1, 2, 5, 1], dates=["2024-01-01", "2024-01-02", "2024-01-03", "2024-02-01"],
             topics=["delivery|price", "delivery", "", "quality"])
    t = R.topic_trend(f, by=None)
    jan = t[t["period"] == "2024-01"].set_index("topic")
    assert jan.loc["delivery", "share"] == pytest.approx(2 / 3) and jan.loc["delivery", "n_reviews"] == 3
    assert jan.loc["price", "n_with_topic"] == 1
    assert t[t["period"] == "2024-02"]["topic"].tolist() == ["quality"]
    with pytest.raises(RatingsError, match="tag_topics"):
        R.topic_trend(make([1]))


# -------------------------------------------------------------------------------------------- alerts


def spike_frame():
    ratings, dates, months = [], [], ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    for i, m in enumerate(months):
        ones = 5 if m == "2024-05" else 1
        ratings += [1] * ones + [5] * (10 - ones)
        dates += [f"{m}-1{d}" for d in range(10)]
    return make(ratings, dates=dates)


def test_one_star_spike_against_trailing_baseline():
    a = R.alerts(spike_frame(), by=None)
    spike = a[a["rule"] == R.RULE_ONE_STAR_SPIKE]
    assert len(spike) == 1
    row = spike.iloc[0]
    assert row["period"] == "2024-05" and row["baseline"] == pytest.approx(0.1) and row["baseline_sd"] == 0
    assert row["one_star_share"] == 0.5 and len(row["review_ids"].split("|")) == 5
    assert "50%" in row["reason"] and "2024-05" in row["reason"]
    # 2024-05 averages 3.0: also a low-average alert, naming its reviews below 4
    low = a[a["rule"] == R.RULE_LOW_AVERAGE]
    assert list(low["period"]) == ["2024-05"] and low.iloc[0]["review_ids"] == row["review_ids"]


def test_no_spike_without_enough_baseline_or_reviews():
    f = spike_frame()
    assert R.alerts(f, by=None, min_baseline_windows=5, baseline_windows=6).query("rule == 'one_star_spike'").empty
    assert R.alerts(f, by=None, min_reviews=11).empty


def test_single_one_star_is_not_a_spike():
    f = make([5, 5, 5] * 3 + [1, 5, 5], dates=["2024-01-05"] * 3 + ["2024-02-05"] * 3 + ["2024-03-05"] * 3
             + ["2024-04-05"] * 3)
    assert R.alerts(f, by=None).query("rule == 'one_star_spike'").empty


def test_alert_parameters_are_checked():
    with pytest.raises(RatingsError):
        R.alerts(make([1]), min_reviews=0)
    with pytest.raises(RatingsError):
        R.alerts(make([1]), baseline_windows=1)


# ------------------------------------------------------------------------------------ never mutates


@pytest.mark.parametrize("call", [
    lambda f: R.rating_summary(f),
    lambda f: R.drag(f, target=4.5),
    lambda f: R.drag_summary(f),
    lambda f: R.review_drag(f),
    lambda f: R.what_if(f, remove_ids=["r0"]),
    lambda f: R.targets(f, 4.5),
    lambda f: R.window_averages(f),
    lambda f: R.trend(f),
    lambda f: R.topic_trend(f),
    lambda f: R.alerts(f),
    lambda f: R.ratings_report(f),
])
def test_functions_never_mutate_their_input(call):
    f = make([5, 1, 3], product=["A", "A", None], dates=["2024-01-01", "2024-02-01", None], topics=["x", "", "y"])
    before = f.copy(deep=True)
    out = call(f)
    pd.testing.assert_frame_equal(f, before)
    frames = [v for v in vars(out).values() if isinstance(v, pd.DataFrame)] if isinstance(out, R.RatingsReport) else [out]
    assert all(isinstance(x, pd.DataFrame) and x is not f for x in frames)


def test_report_notes_missing_hits():
    rep = R.ratings_report(worked_example(), target=4.7)
    assert rep.what_if is None and "no guideline hits" in rep.note
    assert rep.targets.loc[0, "five_stars_needed"] == 67
    assert len(rep.costliest) == 10 and rep.costliest["contribution"].is_monotonic_decreasing


def test_columns_are_stable_on_empty_and_full_frames():
    for fn in (R.rating_summary, R.drag, R.drag_summary, R.what_if, R.trend):
        kwargs = {"remove_ids": []} if fn is R.what_if else {}
        empty = fn(empty_frame(), **kwargs)
        full = fn(worked_example(), **kwargs)
        assert list(empty.columns) == list(full.columns), fn.__name__
        assert np.all(empty.columns[:1] == ["product_id"])


# ------------------------------------------------------------------------------------------------ CLI

FINE_FOOD_HEADER = "Id,ProductId,UserId,ProfileName,HelpfulnessNumerator,HelpfulnessDenominator,Score,Time,Summary,Text\n"


@pytest.fixture()
def export(tmp_path):
    """A small export in the Amazon Fine Food layout: product A is the worked example (A = 4.3, N = 50)."""
    pytest.importorskip("reviewtools.ingest", reason="the CLI reads files through reviewtools.ingest")
    stars = [5] * 30 + [4] * 15 + [1] * 5
    lines = [f"{i},A,U{i},n{i},0,0,{s},{1700000000 + i * 86400},t{i},text number {i}\n" for i, s in enumerate(stars, 1)]
    lines += [f"{100 + i},B,V{i},m{i},0,0,{s},1700000000,u{i},other text {i}\n" for i, s in enumerate([1, 5], 1)]
    path = tmp_path / "export.csv"
    path.write_text(FINE_FOOD_HEADER + "".join(lines), encoding="utf-8")
    return path


def test_cli_ratings_prints_drag_what_if_and_targets(export, capsys):
    from reviewtools.cli import main

    assert main(["ratings", str(export), "--product", "A", "--target", "4.7"]) == 0
    out = capsys.readouterr().out
    assert "computed from reviews" in out
    assert "Drag per star level" in out and "Target 4.7" in out
    assert " 67 " in out  # the worked example
    assert "What-if" in out


def test_cli_ratings_displayed_rating_is_the_base(export, capsys):
    from reviewtools.cli import main

    assert main(["ratings", str(export), "--product", "B", "--target", "4.7",
                 "--displayed-rating", "4.3", "--rating-count", "50"]) == 0
    out = capsys.readouterr().out
    assert "displayed rating" in out and " 67 " in out


@pytest.mark.parametrize("argv, message", [
    (["--target", "5"], "cannot be reached"),
    (["--displayed-rating", "4.3"], "go together"),
    (["--displayed-rating", "4.3", "--rating-count", "50"], "--product"),
    (["--product", "ZZZ"], "no reviews"),
])
def test_cli_ratings_bad_arguments_exit_2(export, capsys, argv, message):
    from reviewtools.cli import main

    assert main(["ratings", str(export), *argv]) == 2
    assert message in capsys.readouterr().err


def test_review_drag_by_platform_lists_the_platform_column_once() -> None:
    # the grouping key is also one of the descriptive columns kept: one column, not two named alike
    frame = pd.DataFrame({"review_id": ["a", "b", "c"], "platform": ["amazon", "amazon", "yelp"],
                          "product_id": ["p", "p", "q"], "rating": [5, 1, 4]})
    out = R.review_drag(frame, by="platform")
    assert list(out.columns).count("platform") == 1
    assert out.loc[out["review_id"] == "b", "contribution"].iloc[0] == pytest.approx(5.0 - 3.0)
