"""The daily re-ingest a brand manager runs, timed end to end: ``reviewtools ingest FILE --db PATH``, first into an
empty store and then on the next export, in which ``--changed`` (default 1%) of the reviews are new or edited.

    .venv/bin/python benchmarks/store_bench.py --reviews 100000 [--triage-reviews 20000] [--csv corpus.csv]
    .venv/bin/python benchmarks/store_bench.py --reviews 1000000 --triage-reviews 0

What is timed (each a fresh SQLite file in a temporary folder; ``--repeat`` runs, the median is printed):

1. **CLI, store only**: ``reviewtools ingest week1.csv --db PATH --no-triage`` as a subprocess, then
   ``reviewtools ingest week2.csv --db PATH --no-triage``: reading the export, the store upsert, the counts.
   Wall time and the child's CPU time (user + system) are both printed: CPU time is steadier on a shared machine.
2. **CLI with triage** (``--triage-reviews`` reviews, 0 to skip): the same two commands without ``--no-triage``,
   so the first run scores every review with ``reviewtools.pipeline.triage`` and the second only the new or
   changed ones.
3. **Where the time goes** (in process, store only): ``read_reviews``, ``ReviewStore.ingest`` and
   ``ReviewStore.to_frame`` (what the dashboard reads) for the first and the second export, then
   ``ReviewStore.ingest_file`` (what the CLI runs: the incremental re-ingest of ``reviewtools.incremental``, which
   parses only the records that are new since the layout's last ingest) for both.

The corpus is ``--csv`` (a file written by ``benchmarks/generate.py``) or, without it, one generated into
``.work/`` with ``--reviews`` rows (needs ``../shared/datasets``). The next export is the same CSV with half of the
changed share edited (a sentence appended to the text) and half new reviews (copies of random rows under new review and author ids),
so it has the same columns, format and quoting as the first. The last lines are ``reingest_cpu_ratio: X`` (the CLI
store-only re-ingest's CPU seconds over the first ingest's, steadier on a shared machine) and ``reingest_ratio: X``
(the same for wall seconds). Both include the interpreter's start and imports (about 0.4 s of CPU, nearly all
pandas, numpy and pyarrow), with bytecode cached as in an installed package (``CHILD_ENV``). No timed assertions
live in the tests; this is where the figures come from.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "reviewtools.cli"]
#: The CLI runs with its bytecode cached, as an installed package's is (pip compiles it at install): a shell with
#: PYTHONDONTWRITEBYTECODE=1 (ours has it) otherwise compiles reviewtools' modules from source in every run,
#: ~0.1 CPU s that no user pays. The cache lives in .work/ (gitignored), never beside the sources.
CHILD_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
             "PYTHONHASHSEED": "0", "PYTHONPYCACHEPREFIX": str(REPO / ".work" / "pycache")}
#: Sentence appended to an edited review (a typical follow-up edit).
EDIT = " Update: it stopped working after a month."


def ensure_corpus(n: int, csv: Path | None) -> Path:
    """The corpus CSV: ``csv`` when given, else ``.work/store_bench_<n>.csv`` written by ``generate.py``."""
    if csv is not None:
        return csv
    out = REPO / ".work" / f"store_bench_{n}.csv"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--reviews", str(n),
                        "--out", str(out)], check=True)
    return out


def head_csv(src: Path, n: int, out: Path) -> Path:
    """The first ``n`` data rows of ``src`` as a CSV of the same layout."""
    raw = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=n)
    raw.to_csv(out, index=False)
    return out


def next_export(src: Path, out: Path, share: float, seed: int = 1) -> tuple[Path, int, int]:
    """Write ``src`` with ``share`` of its rows new or changed: half edited texts, half new reviews.

    Returns the path, the number of edited and of new rows. Values are read and written as text, so every
    other cell is byte for byte what the first export had.
    """
    raw = pd.read_csv(src, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    k = max(2, int(round(len(raw) * share)))
    ids = raw["review_id"].drop_duplicates(keep=False)  # ids that appear once: an edit is one review's edit
    edited = rng.choice(ids.index.to_numpy(), size=k // 2, replace=False)
    raw.loc[edited, "text"] = raw.loc[edited, "text"] + EDIT
    new = raw.iloc[rng.choice(len(raw), size=k - k // 2, replace=False)].copy()
    new["review_id"] = [f"NEW{i:010d}" for i in range(len(new))]
    new["author"] = [f"NEWAUTHOR{i:010d}" for i in range(len(new))]  # else ingest drops them as duplicates
    pd.concat([raw, new], ignore_index=True).to_csv(out, index=False)
    return out, len(edited), len(new)


def cli(args: list[str]) -> tuple[float, float, str]:
    """Run ``reviewtools`` in a subprocess: (wall seconds, child CPU seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(CLI + args, capture_output=True, text=True, env=CHILD_ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"reviewtools {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def counts(stdout: str, file: Path) -> str:
    """The new / changed / unchanged cells of the CLI's line for ``file``."""
    line = next((ln for ln in stdout.splitlines() if ln.startswith(file.name) or file.name in ln), "")
    cells = line.split()
    return f"{cells[3]} new, {cells[4]} changed, {cells[5]} unchanged" if len(cells) > 5 else line


def run_cli(first: Path, second: Path, *, triage: bool, repeat: int) -> dict[str, float | str]:
    extra = [] if triage else ["--no-triage"]
    rows: list[tuple[float, float, float, float]] = []
    out2 = ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as d:
            db = str(Path(d) / "bench.db")
            w1, c1, _ = cli(["ingest", str(first), "--db", db, *extra])
            w2, c2, out2 = cli(["ingest", str(second), "--db", db, *extra])
            rows.append((w1, c1, w2, c2))
    med = [statistics.median(col) for col in zip(*rows)]
    triage_line = next((ln for ln in out2.splitlines() if ln.startswith("triage:")), "")
    return {"first_wall": med[0], "first_cpu": med[1], "again_wall": med[2], "again_cpu": med[3],
            "counts": counts(out2, second), "triage": triage_line}


def breakdown(first: Path, second: Path) -> list[tuple[str, float, float]]:
    """Time read_reviews, ReviewStore.ingest and to_frame in process: (step, wall, cpu)."""
    from reviewtools.ingest import read_reviews
    from reviewtools.store import ReviewStore

    out = []

    def step(name, fn):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        out.append((name, time.perf_counter() - t, time.process_time() - c))
        return result

    with tempfile.TemporaryDirectory() as d, ReviewStore(Path(d) / "bench.db") as store:
        for label, path in (("first", first), ("re-ingest", second)):
            res = step(f"{label}: read_reviews", lambda: read_reviews(path))
            step(f"{label}: ReviewStore.ingest", lambda: store.ingest(res, source=str(path)))
            del res
        step("to_frame() after the re-ingest", store.to_frame)
    with tempfile.TemporaryDirectory() as d, ReviewStore(Path(d) / "bench.db") as store:
        for label, path in (("first", first), ("re-ingest", second)):
            got = step(f"{label}: ReviewStore.ingest_file", lambda: store.ingest_file(path))
            out[-1] = (f"{out[-1][0]} ({got.mode}, {got.reread:,} read)", *out[-1][1:])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100_000, help="rows of the generated corpus (without --csv)")
    ap.add_argument("--csv", type=Path, help="a corpus CSV written by benchmarks/generate.py")
    ap.add_argument("--triage-reviews", type=int, default=20_000,
                    help="rows (the first N of the corpus) for the run with triage; 0 skips it")
    ap.add_argument("--changed", type=float, default=0.01, help="share of new or changed reviews (default 0.01)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-breakdown", action="store_true", help="skip the in-process breakdown")
    args = ap.parse_args(argv)

    import pyarrow

    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, pyarrow {pyarrow.__version__}, "
          f"sqlite {__import__('sqlite3').sqlite_version}, {os.cpu_count()} cpus, "
          f"load average {os.getloadavg()[0]:.1f}")
    src = ensure_corpus(args.reviews, args.csv)
    subprocess.run([sys.executable, "-c", "import reviewtools.cli, reviewtools.store, reviewtools.incremental, "
                    "reviewtools.snapshot, reviewtools.pipeline"], env=CHILD_ENV, check=True)  # fills the cache
    with tempfile.TemporaryDirectory() as d:
        first = Path(d) / "week1.csv"
        os.symlink(src.resolve(), first)
        second, n_edit, n_new = next_export(first, Path(d) / "week2.csv", args.changed)
        rows = sum(1 for _ in open(src, "rb"))  # lines, for the header only (texts hold line breaks)
        print(f"corpus {src} ({src.stat().st_size / 1e6:.0f} MB, {rows:,} lines); next export: "
              f"{n_edit:,} edited + {n_new:,} new reviews")
        ratios = {}
        if args.triage_reviews:
            small = head_csv(src, args.triage_reviews, Path(d) / "small1.csv")
            small2, _, _ = next_export(small, Path(d) / "small2.csv", args.changed)
            r = run_cli(small, small2, triage=True, repeat=args.repeat)
            ratios["triage"] = r["again_wall"] / r["first_wall"]
            print(f"CLI ingest --db with triage, {args.triage_reviews:,} reviews: first {r['first_wall']:.2f} s "
                  f"(cpu {r['first_cpu']:.2f} s); re-ingest {r['again_wall']:.2f} s (cpu {r['again_cpu']:.2f} s) "
                  f"[{r['counts']}; {r['triage']}]; ratio {ratios['triage']:.1%} (cpu "
                  f"{r['again_cpu'] / r['first_cpu']:.1%})")
        r = run_cli(first, second, triage=False, repeat=args.repeat)
        ratios["store"] = r["again_wall"] / r["first_wall"]
        ratios["store_cpu"] = r["again_cpu"] / r["first_cpu"]
        print(f"CLI ingest --db --no-triage, corpus: first {r['first_wall']:.2f} s (cpu {r['first_cpu']:.2f} s); "
              f"re-ingest {r['again_wall']:.2f} s (cpu {r['again_cpu']:.2f} s) [{r['counts']}]; "
              f"ratio {ratios['store']:.1%} (cpu {r['again_cpu'] / r['first_cpu']:.1%})")
        if not args.no_breakdown:
            for name, wall, cpu in breakdown(first, second):
                print(f"  {name:<34} {wall:7.2f} s (cpu {cpu:.2f} s)")
    print(f"reingest_cpu_ratio: {ratios['store_cpu']:.4f}")
    print(f"reingest_ratio: {ratios['store']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
