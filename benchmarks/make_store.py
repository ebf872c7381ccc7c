"""Build a large triaged review store for the dashboard benchmark (``dashboard_bench.py --db``), without triaging
every review: the base corpus (``--base`` reviews, default 100,000) is triaged once and then **replicated** with
fresh review ids until the store holds ``--reviews`` reviews.

    .venv/bin/python benchmarks/make_store.py --reviews 1000000 --db .work/s1m.db
    .venv/bin/python benchmarks/make_store.py --reviews 100000 --db .work/s100k.db
    .venv/bin/python benchmarks/make_store.py --reviews 4000 --base 2000 --db /tmp/s4k.db   # a quick check

What it does:

1. reads ``benchmarks/out/reviews_<base>_seed8.csv`` (made by ``generate.py`` when missing) with ``read_reviews``;
2. triages it once with ``pipeline.run_triage`` (or reads that result from ``--triage-cache``, a pickle written
   the first time, so a second store costs no triage);
3. ingests ``ceil(reviews / base)`` copies of the export into the store (``ReviewStore.ingest``, what
   ``reviewtools ingest --db --no-triage`` does), copy ``k`` with review ids suffixed ``_k`` (the last copy cut
   to reach ``--reviews``);
4. scores the store with ``score_pending`` and a lookup "triage" that returns each copy's base result and evidence
   under the copy's id, so the stored results and evidence spans match each review's text;
5. writes the columnar snapshot (``reviewtools.snapshot``) unless ``--no-snapshot``.

**The results are replicated**: a 1M store holds 10 copies of the same 100,000 reviews and their triage. That is
fair for a rendering benchmark (the dashboard reads, filters and aggregates 1M rows of real triage output; group
sizes and value distributions are those of the corpus) and not for anything that measures triage itself. CPU and
wall seconds of each step and the peak RSS are printed. Scratch output only: never write into ``data/``.
"""

from __future__ import annotations

import argparse
import math
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def step(name: str, fn):
    """Run ``fn`` and print its wall and CPU seconds."""
    t, c = time.perf_counter(), _cpu()
    out = fn()
    print(f"{name}: {time.perf_counter() - t:.1f} s wall, {_cpu() - c:.1f} s CPU", flush=True)
    return out


def base_corpus(n: int) -> Path:
    path = OUT / f"reviews_{n}_seed8.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--reviews", str(n),
                        "--out", str(path)], check=True)
    return path


def copy_of(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Copy ``k`` of a frame: review ids suffixed ``_k`` (copy 0 keeps the base ids)."""
    if k == 0:
        return frame
    return frame.assign(review_id=frame["review_id"].astype("string") + f"_{k}")


def lookup_triage(reviews: pd.DataFrame, hits: pd.DataFrame, matches: pd.DataFrame):
    """A ``triage`` for ``score_pending`` that returns the base result of each copy, under the copy's ids."""
    keys = ["platform", "review_id"]
    added = list(reviews.columns)
    base = reviews.assign(**{k: reviews[k].astype("string") for k in keys}).set_index(keys)

    def long_for(long: pd.DataFrame, frame: pd.DataFrame, base_ids: pd.Series) -> pd.DataFrame:
        want = pd.DataFrame({"platform": frame["platform"].astype("string"), "base": base_ids,
                             "review_id": frame["review_id"].astype("string")})
        lk = long.assign(platform=long["platform"].astype("string"), base=long["review_id"].astype("string"))
        out = lk.drop(columns="review_id").merge(want, on=["platform", "base"], how="inner").drop(columns="base")
        return out[list(long.columns)]

    def triage(frame: pd.DataFrame, **kwargs) -> pd.DataFrame:
        ids = frame["review_id"].astype("string")
        base_ids = ids.str.replace(r"_\d+$", "", regex=True)
        idx = pd.MultiIndex.from_arrays([frame["platform"].astype("string"), base_ids])
        got = base.reindex(idx)
        extra = [c for c in added if c not in frame.columns and c in got.columns]
        out = frame.copy()
        for c in extra:
            out[c] = got[c].to_numpy()
        out.attrs["hits"] = long_for(hits, frame, base_ids)
        out.attrs["topic_matches"] = long_for(matches, frame, base_ids)
        return out

    return triage


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviews", type=int, required=True, help="reviews in the store")
    ap.add_argument("--base", type=int, default=100_000, help="reviews triaged for real (default 100,000)")
    ap.add_argument("--db", type=Path, required=True, help="the store to create (must not exist)")
    ap.add_argument("--triage-cache", type=Path, default=None,
                    help="pickle of the base triage: read when it exists, else written (default .work/...)")
    ap.add_argument("--no-snapshot", action="store_true", help="do not write the columnar snapshot")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from reviewtools import read_reviews
    from reviewtools.pipeline import run_triage
    from reviewtools.snapshot import refresh_snapshot
    from reviewtools.store import ReviewStore

    if args.db.exists():
        raise SystemExit(f"--db {args.db} exists; pass a new path (this script only builds a fresh store)")
    cache = args.triage_cache or ROOT / ".work" / f"make_store_triage_{args.base}.pkl"
    src = base_corpus(args.base)
    base = step(f"read {src.name}", lambda: read_reviews(src).reviews)
    if cache.exists():
        reviews, hits, matches = step(f"read cached triage {cache}", lambda: pickle.loads(cache.read_bytes()))
    else:
        tri = step(f"triage {len(base):,} reviews (once)", lambda: run_triage(base))
        reviews = tri.reviews.copy(deep=False)
        reviews.attrs = {}
        hits, matches = tri.hits, tri.topic_matches
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps((reviews, hits, matches)))
    copies = math.ceil(args.reviews / len(base))
    args.db.parent.mkdir(parents=True, exist_ok=True)
    with ReviewStore(args.db) as store:
        left = args.reviews
        for k in range(copies):
            part = copy_of(base.head(left), k)
            step(f"ingest copy {k} ({len(part):,} reviews)", lambda: store.ingest(part, source=f"copy{k}.csv"))
            left -= len(part)
        report = step("store the replicated results (score_pending with the lookup)",
                      lambda: store.score_pending(triage=lookup_triage(reviews, hits, matches), batch_size=100_000))
        print(report, store.counts(), flush=True)
        if not args.no_snapshot:
            step("write the snapshot", lambda: refresh_snapshot(store))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; store {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
