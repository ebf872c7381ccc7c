"""Time the dashboard on a large export: the first render (ingest + triage, then cached) and a filter change.

    .venv/bin/python benchmarks/dashboard_bench.py [--reviews 100000] [--file PATH] [--repeat 3]
    .venv/bin/python benchmarks/dashboard_bench.py --db STORE.db      # store mode: reads the stored results
    .venv/bin/python benchmarks/dashboard_bench.py --app OTHER/app.py  # time another copy of the app (before/after)

Uses ``benchmarks/out/reviews_<N>_seed8.csv`` (made with ``benchmarks/generate.py --reviews N`` when missing and
``../shared/datasets`` is there), else synthesises N reviews by resampling the bundled sample with fresh ids
and dates. It runs ``app.py`` under streamlit's AppTest (the same script a browser gets; AppTest adds its own
overhead, so the figures are an upper bound for the server side) and prints:

- first render: ingest + triage of every review (cached afterwards, so paid once per file); with ``--db`` the
  first render reads the store's reviews, results and evidence (and triages only pending reviews, if any);
- the redraw after a filter change on each page (cache hit + library filter + the page's library calls);
- the library filter path alone (views.filter_reviews plus the overview's ratings calls), without Streamlit.

Every figure is wall seconds and, in brackets, CPU seconds of this process (user + system, all threads: AppTest
runs the script in a thread of this process): on a shared machine the wall figure grows with the load, the CPU one
much less. The load average (``/proc/loadavg``) is printed before and after. With ``--db``, the store's columnar
snapshot (``reviewtools.snapshot``, ``<db>.snapshot/``) is what the first render reads when it is current;
``--cold-snapshot`` removes it first, so the first render reads SQLite and writes it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"


def corpus(n: int) -> Path:
    """The benchmark export with ``n`` reviews (generated or synthesised once, then reused)."""
    path = OUT / f"reviews_{n}_seed8.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    shared = Path(os.environ.get("REVIEWTOOLS_SHARED", ROOT / ".." / "shared")) / "datasets"
    gen = ROOT / "benchmarks" / "generate.py"
    if gen.exists() and shared.is_dir():
        subprocess.run([sys.executable, str(gen), "--reviews", str(n), "--out", str(path)], check=True)
        return path
    from reviewtools import read_reviews, write_frame

    base = read_reviews(SAMPLE).reviews
    f = base.sample(n=n, replace=True, random_state=8).reset_index(drop=True)
    f["review_id"] = [f"syn{i:07d}" for i in range(n)]
    f["created_at"] = f["created_at"] + pd.to_timedelta(f.index % 365, unit="D")
    out = OUT / f"reviews_{n}_synthetic.csv"
    write_frame(f, out)
    return out


def cpu() -> float:
    """CPU seconds of this process so far (user + system, all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def timed(fn, repeat: int, cpus: list[float] | None = None) -> list[float]:
    out = []
    for _ in range(repeat):
        t, c = time.perf_counter(), cpu()
        fn()
        out.append(time.perf_counter() - t)
        if cpus is not None:
            cpus.append(cpu() - c)
    return out


def fmt(ts: list[float], cpus: list[float] | None = None) -> str:
    text = f"median {statistics.median(ts):.3f} s (min {min(ts):.3f}, max {max(ts):.3f}, n={len(ts)})"
    if cpus:
        text += f" [CPU median {statistics.median(cpus):.3f} s]"
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--file", type=Path, default=None, help="an export to use instead of the generated corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None,
                    help="open this review store (scored with `reviewtools ingest --db ... ` + triage) instead")
    ap.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app file to time")
    ap.add_argument("--cold-snapshot", action="store_true",
                    help="with --db: remove the store's snapshot first (the first render reads SQLite and writes it)")
    ap.add_argument("--small", action="store_true",
                    help="the earlier selection order (the overview gets 1, 2 and 3 stars only); by default every "
                         "selection keeps the 5-star reviews, most of the rows")
    args = ap.parse_args()
    print(f"load average before: {loadavg()} ({os.cpu_count()} CPUs)")
    if args.db is None:
        path = args.file or corpus(args.reviews)
        os.environ["REVIEWTOOLS_APP_FILE"] = str(path)
    else:
        path = args.db.resolve()
        if not path.is_file():
            raise SystemExit(f"--db {path}: no such store")
        if args.cold_snapshot:
            from reviewtools.snapshot import drop_snapshot

            drop_snapshot(path)
        else:  # say when the first render will rebuild the snapshot (e.g. one of an older format) instead of mapping it
            from reviewtools import snapshot as snap_mod
            from reviewtools.store import ReviewStore

            manifest = snap_mod.read_manifest(path)
            with ReviewStore(path) as store:
                current = (manifest is not None and manifest.get("format") == snap_mod.SNAPSHOT_FORMAT
                           and manifest.get("key") == snap_mod.data_key(store))
            print(f"snapshot: {'current' if current else 'missing or stale (format ' + str((manifest or {}).get('format')) + '): the first render rebuilds it from SQLite'}")
        os.environ["REVIEWTOOLS_APP_FILE"] = str(OUT / "no-such-export.csv")  # no sample triage before the store

    from streamlit.testing.v1 import AppTest

    from dashboard.context import CTX_KEY
    from reviewtools import ratings, views

    at = AppTest.from_file(str(args.app.resolve()), default_timeout=3600)
    t, c = time.perf_counter(), cpu()
    at.run()
    if args.db is not None:  # the bundled-file source shows its error at once; the store is the timed render
        os.environ["REVIEWTOOLS_DB"] = str(OUT / "no-such-store.db")  # the default path shows a prompt at once
        at.radio(key="source").set_value("Review store").run()
        at.text_input(key="db_path").set_value(str(path))
        t, c = time.perf_counter(), cpu()
        at.run()
    first, first_cpu = time.perf_counter() - t, cpu() - c
    if at.exception:
        raise SystemExit(f"the app failed: {at.exception}")
    ctx = at.session_state[CTX_KEY]
    frame = ctx.all_reviews
    print(f"file: {path} ({len(frame):,} reviews)")
    print(f"app: {args.app}")
    print(f"first render ({'store: read stored results' if args.db else 'ingest + triage'}, then cached): "
          f"{first:.1f} s [CPU {first_cpu:.1f} s]")

    t, c = time.perf_counter(), cpu()
    at.run()
    print(f"rerun, no change (cache hit): {time.perf_counter() - t:.3f} s [CPU {cpu() - c:.3f} s]")

    # Every page gets its own filter values, never chosen before in this run ("new selection": nothing derived
    # from it is cached yet, the cost a user pays for a fresh choice), then a return to no filter (its results
    # were cached on first view: "seen selection").
    opts = views.filter_options(frame)
    by_size = frame["product_id"].astype("string").value_counts()
    products = [p for p in by_size.index if p in set(opts["product"])]
    if args.small:  # the selections of earlier runs: the overview got the small ones (1, 2 and 3 stars)
        rating_sets = [["1"], ["2"], ["3"], ["4"], ["5"], ["1", "2"], ["4", "5"], ["1", "5"], ["2", "3"], ["3", "4"],
                       ["1", "3"], ["2", "4"], ["3", "5"], ["1", "4"], ["2", "5"]]
    else:  # every selection keeps the 5-star reviews, most of the store (the worst case for a new selection)
        rating_sets = [["5"], ["4", "5"], ["1", "5"], ["3", "5"], ["2", "5"], ["1", "4", "5"], ["2", "4", "5"],
                       ["3", "4", "5"], ["1", "2", "5"], ["1", "3", "5"], ["2", "3", "5"], ["1", "2", "3", "5"],
                       ["1", "2", "4", "5"], ["1", "3", "4", "5"], ["2", "3", "4", "5"]]
    FILTER_COL = {"f_rating": "rating", "f_product": "product_id"}
    fresh = iter([("f_rating", r) for r in rating_sets] + [("f_product", [p]) for p in products])
    for page in ("overview", "queue", "reviews", "topics", "products"):
        if page != "overview":
            at.switch_page(f"dashboard/pages/{page}.py").run()
        cold, warm, cold_cpu, warm_cpu, rows = [], [], [], [], []
        for _ in range(args.repeat):
            key, value = next(fresh)
            rows.append(len(views.filter_reviews(frame[[FILTER_COL[key]]], **{key[2:]: value})))
            for k, v, runs, cpus in ((key, value, cold, cold_cpu), (key, [], warm, warm_cpu)):
                at.multiselect(key=k).set_value(v)
                t, c = time.perf_counter(), cpu()
                at.run()
                runs.append(time.perf_counter() - t)
                cpus.append(cpu() - c)
                if at.exception:
                    raise SystemExit(f"{page}: {at.exception}")
        print(f"filter change, {page} page (AppTest, whole script): new selection {fmt(cold, cold_cpu)}; "
              f"seen selection {fmt(warm, warm_cpu)}; rows kept {', '.join(f'{r:,}' for r in rows)}; "
              f"CPU per new selection {', '.join(f'{c:.2f}' for c in cold_cpu)}")

    def library_path() -> None:
        f = views.filter_reviews(frame, rating=["1", "2"])
        views.overview_metrics(f, 30)
        ratings.rating_summary(f, by=None)
        ratings.drag(f, by=None)
        ratings.what_if(f, views.evidence_for(ctx.hits, f), by=None)
        ratings.targets(f, ratings.DEFAULT_TARGET, by=None)
        ratings.trend(f, by=None)
        ratings.alerts(f, by=None)

    cpus: list[float] = []
    print(f"library filter path (filter + overview maths, no Streamlit): "
          f"{fmt(timed(library_path, args.repeat, cpus), cpus)}")
    cpus = []
    print(f"views.filter_reviews alone (rating 1-2): "
          f"{fmt(timed(lambda: views.filter_reviews(frame, rating=['1', '2']), args.repeat, cpus), cpus)}")
    if ctx.hits is not None and hasattr(views, "FrameIndex"):  # the first render's what-if: by key, by position
        cpus = []
        print(f"what-if on every row, matched by key (what_if(frame, evidence_for(hits, frame))): "
              f"{fmt(timed(lambda: ratings.what_if(frame, views.evidence_for(ctx.hits, frame), by=None), 2, cpus), cpus)}")

        def by_position() -> None:
            flags = views.FrameIndex(frame).what_if_flags(ctx.hits, None)  # a new index: the once-per-load match
            ratings.what_if(frame, hit_flags=flags, by=None)

        cpus = []
        print(f"what-if on every row, by position (FrameIndex.what_if_flags + what_if(hit_flags=...)): "
              f"{fmt(timed(by_position, 2, cpus), cpus)}")
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
