"""Shared helpers for the store and digest tests: canonical frames built with ``schema.coerce``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reviewtools.schema import coerce

WORDS = ("battery", "screen", "broke", "love", "arrived", "late", "great", "value", "smell", "refund")


def make_frame(n: int, *, seed: int = 0, prefix: str = "R", platform: str = "amazon",
               products: tuple[str, ...] = ("B001", "B002"), start: str = "2024-01-01") -> pd.DataFrame:
    """``n`` canonical reviews with varied values, nulls included (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp(start, tz="UTC")
    texts = [" ".join(rng.choice(WORDS, size=int(rng.integers(3, 12)))) for _ in range(n)]
    return coerce(pd.DataFrame({
        "review_id": [f"{prefix}{i:06d}" for i in range(n)],
        "platform": platform,
        "marketplace": "amazon.com" if platform == "amazon" else None,
        "product_id": [products[i % len(products)] for i in range(n)],
        "product_title": [f"Product {products[i % len(products)]}" for i in range(n)],
        "rating": rng.integers(1, 6, size=n),
        "title": [None if i % 5 == 0 else f"Title {i}" for i in range(n)],
        "text": texts,
        "author": [None if i % 7 == 0 else f"user{i % 13}" for i in range(n)],
        "created_at": [base + pd.Timedelta(hours=int(h)) for h in rng.integers(0, 24 * 60, size=n)],
        "verified": pd.array([None if i % 4 == 0 else bool(i % 2) for i in range(n)], dtype="boolean"),
        "vine": pd.array([None if i % 3 == 0 else i % 11 == 0 for i in range(n)], dtype="boolean"),
        "helpful_votes": pd.array([None if i % 6 == 0 else i % 9 for i in range(n)], dtype="Int64"),
        "reply_text": [None] * n,
        "replied_at": [pd.NaT] * n,
        "source_file": "export.csv",
        "source_row": range(1, n + 1),
    }))


def rating_triage(frame: pd.DataFrame, settings=None) -> pd.DataFrame:
    """A small deterministic stand-in for ``pipeline.triage`` used to exercise the store's bookkeeping:
    low ratings get a public reply, the rest nothing; it adds the action columns and one score."""
    out = frame.copy()
    low = out["rating"] <= 2
    out["sentiment_label"] = np.where(low, "negative", "positive")
    out["action"] = np.where(low, "public_reply", "none")
    out["action_reason"] = np.where(low, "rating of 2 stars or fewer", "positive review")
    out["priority"] = (6 - out["rating"].astype("float64")) * 10
    out["draft"] = ["Sorry to hear about " + str(t)[:20] if lo else "" for t, lo in zip(out["text"], low)]
    return out
