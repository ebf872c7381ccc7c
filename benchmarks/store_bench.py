"""First ingest of N reviews into the review store vs a re-ingest in which 1% are new or changed.

    .venv/bin/python benchmarks/store_bench.py --reviews 100000 [--triage-reviews 2000] [--csv corpus.csv]

Two measurements, each the median of ``--repeat`` runs on a fresh SQLite file in a temporary folder:

1. **Store only**: ``ReviewStore.ingest`` of the canonical frame (hashing, upsert, history), first into an empty
   store, then the next export: the same reviews with ``--changed`` (default 1%) of them different, half new
   reviews and half edited texts. Reading the export file is not included (it is the same for both).
2. **Store + triage** (``--triage-reviews`` reviews, 0 to skip): ingest plus ``score_pending`` with the real
   ``reviewtools.pipeline.triage``, first vs the 1%-changed re-ingest, which only scores what is new or changed.

Texts are real: the bundled ``data/amazon_fine_food_sample.csv`` reviews (CC0), recombined per row, or the rows
of ``--csv`` (a corpus written by ``benchmarks/generate.py``). No timed assertions live in the tests; this is
where the figures come from.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "amazon_fine_food_sample.csv"


def corpus(n: int, csv: Path | None, seed: int = 0) -> pd.DataFrame:
    """``n`` canonical reviews with real text."""
    from reviewtools.ingest import read_reviews

    rng = np.random.default_rng(seed)
    if csv is not None:
        base = read_reviews(csv).reviews.drop_duplicates(["platform", "review_id"])
        if len(base) < n:
            sys.exit(f"{csv} has {len(base)} reviews, fewer than --reviews {n}")
        return base.iloc[:n].reset_index(drop=True)
    src = read_reviews(SAMPLE).reviews
    pick = rng.integers(0, len(src), size=n)
    pick2 = rng.integers(0, len(src), size=n)
    frame = src.iloc[pick].reset_index(drop=True).copy()
    # Two real texts per row so that rows differ, as a catalogue of distinct reviews does.
    frame["text"] = (frame["text"] + " " + src["text"].iloc[pick2].reset_index(drop=True)).astype("string")
    frame["review_id"] = pd.array([f"B{i:08d}" for i in range(n)], dtype="string")
    frame["product_id"] = pd.array([f"P{p:05d}" for p in rng.zipf(1.3, size=n) % max(1, n // 20)],
                                   dtype="string")
    frame["source_row"] = pd.array(np.arange(1, n + 1), dtype="Int64")
    return frame


def next_export(frame: pd.DataFrame, share: float, seed: int = 1) -> pd.DataFrame:
    """The same export with ``share`` of the rows different: half edited texts, half new reviews."""
    rng = np.random.default_rng(seed)
    k = max(2, int(round(len(frame) * share)))
    edited = rng.choice(len(frame), size=k // 2, replace=False)
    out = frame.copy()
    out.loc[edited, "text"] = out.loc[edited, "text"] + " Update: it stopped working after a month."
    new = frame.sample(n=k - k // 2, random_state=seed).copy()
    new["review_id"] = pd.array([f"NEW{i:08d}" for i in range(len(new))], dtype="string")
    return pd.concat([out, new], ignore_index=True)


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def run(frame: pd.DataFrame, later: pd.DataFrame, *, triage: bool, repeat: int) -> tuple[float, float, object]:
    from reviewtools.store import ReviewStore

    firsts, agains, report = [], [], None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as d, ReviewStore(Path(d) / "bench.db") as store:
            def first():
                store.ingest(frame, source="week1")
                if triage:
                    store.score_pending()

            def again():
                rep = store.ingest(later, source="week2")
                if triage:
                    store.score_pending()
                return rep

            t1, _ = timed(first)
            t2, report = timed(again)
            firsts.append(t1)
            agains.append(t2)
    return statistics.median(firsts), statistics.median(agains), report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--triage-reviews", type=int, default=2_000, help="N for the store + triage run (0 skips)")
    ap.add_argument("--changed", type=float, default=0.01, help="share of new or changed reviews (default 0.01)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--csv", type=Path, help="a corpus CSV written by benchmarks/generate.py")
    args = ap.parse_args(argv)

    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}")
    frame = corpus(args.reviews, args.csv)
    later = next_export(frame, args.changed)
    t1, t2, rep = run(frame, later, triage=False, repeat=args.repeat)
    print(f"store only, {args.reviews:,} reviews: first ingest {t1:.2f} s; re-ingest with {args.changed:.0%} new or "
          f"changed {t2:.2f} s ({rep.new} new, {rep.changed} changed, {rep.unchanged} unchanged); "
          f"ratio {t2 / t1:.1%}")
    if args.triage_reviews:
        small = frame.iloc[: args.triage_reviews].reset_index(drop=True)
        small_later = next_export(small, args.changed)
        t1, t2, rep = run(small, small_later, triage=True, repeat=1)
        print(f"store + triage, {args.triage_reviews:,} reviews: first {t1:.2f} s; re-ingest with "
              f"{args.changed:.0%} new or changed {t2:.2f} s ({rep.new} new, {rep.changed} changed); "
              f"ratio {t2 / t1:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
