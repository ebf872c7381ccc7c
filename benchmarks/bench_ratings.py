"""Time the ratings functions on a synthetic catalogue (no timed assertions in tests; measure here).

    .venv/bin/python benchmarks/bench_ratings.py --reviews 100000 --products 5000

Synthetic reviews: ratings drawn from the bundled sample's star mix, dates spread over 5 years, product sizes
drawn from a heavy-tailed (Zipf-like) distribution as real catalogues have.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from reviewtools import ratings as R
from reviewtools.schema import coerce

#: Star mix of data/amazon_fine_food_sample.csv (98, 47, 75, 138, 642 of 1,000).
STAR_MIX = np.array([98, 47, 75, 138, 642]) / 1000


def synthetic(n: int, products: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, products + 1) ** 1.1
    pid = rng.choice(products, size=n, p=weights / weights.sum())
    start = pd.Timestamp("2020-01-01", tz="UTC").value
    span = 5 * 365 * 86400 * 10**9
    return coerce(pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "platform": "amazon",
        "product_id": [f"P{p:05d}" for p in pid],
        "rating": rng.choice(np.arange(1, 6), size=n, p=STAR_MIX),
        "text": "x",
        "created_at": pd.to_datetime(start + rng.integers(0, span, size=n), utc=True),
        "sentiment_score": rng.uniform(-1, 1, size=n),
        "topics": rng.choice(["", "", "price_value", "shipping_delivery|damaged_defective"], size=n),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=5_000)
    args = ap.parse_args()
    frame = synthetic(args.reviews, args.products)
    ids = frame["review_id"].iloc[::100].tolist()
    calls = {
        "rating_summary": lambda: R.rating_summary(frame),
        "drag": lambda: R.drag(frame, target=4.5),
        "drag_summary": lambda: R.drag_summary(frame, target=4.5),
        "review_drag": lambda: R.review_drag(frame),
        "what_if": lambda: R.what_if(frame, remove_ids=ids),
        "targets": lambda: R.targets(frame, 4.5),
        "window_averages": lambda: R.window_averages(frame),
        "trend (monthly)": lambda: R.trend(frame),
        "topic_trend": lambda: R.topic_trend(frame),
        "alerts (monthly)": lambda: R.alerts(frame),
        "overall (by=None), all of the above": lambda: [R.rating_summary(frame, None), R.drag(frame, None),
                                                        R.targets(frame, 4.5, None), R.trend(frame, None),
                                                        R.alerts(frame, None)],
    }
    print(f"{args.reviews} reviews, {frame['product_id'].nunique()} products")
    for name, call in calls.items():
        t = time.perf_counter()
        call()
        print(f"{name:40s} {time.perf_counter() - t:7.2f} s")


if __name__ == "__main__":
    main()
