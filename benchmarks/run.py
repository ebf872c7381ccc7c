"""Full triage of an N-review export against the naive notebook baseline, stage by stage (issue 8).

    .venv/bin/python benchmarks/run.py --reviews 100000 [--processes 2] [--corpus PATH] [--seed 8]
                                       [--naive-sample K] [--skip-naive]

1. The corpus: ``--corpus PATH`` (any export ``read_reviews`` understands), else the deterministic corpus of
   ``benchmarks/generate.py`` for ``--reviews`` and ``--seed``, made once into ``benchmarks/out/`` (gitignored)
   and reused.
2. The naive baseline, in a child process of its own (so its memory is its own): ``pd.read_csv`` +
   ``df["text"].apply(SentimentIntensityAnalyzer().polarity_scores)``, sentiment only, the notebook way. It runs
   on every review unless ``--naive-sample K`` is given: then it runs on the first K reviews and is
   **extrapolated** linearly to N, and the output says so on every line that uses it.
3. The full triage: ``read_reviews`` (ingest), then ``reviewtools.pipeline.run_triage`` with ``--processes``
   worker processes (default: all CPUs): the cross-review duplicate check (with 2+ processes in a process of its
   own beside the workers), sentiment, topics and the per-review guideline checks per partition (their seconds
   are summed over the workers: busy time, not wall), and the
   decisions (actions, priority, drafts and their lint). For each step: wall seconds, reviews/s, for the
   wall-clock steps the CPU seconds of all processes and ``cores`` = CPU / wall (how many of the cores the step
   kept busy: below the core count, some stood idle; from the sampler's CPU readings, psutil only), and the peak
   memory while it ran: the PSS of this process plus its worker processes (shared pages split between the
   processes sharing them, so copy-on-write pages after ``fork`` count once), beside the plain RSS sum
   (which counts them once per process) and the main RSS and largest worker USS, sampled with psutil when it is
   installed (``Sampler``); otherwise the ``getrusage`` high-water marks of this process and of its largest
   child so far.

The last line is exactly ``speedup_vs_naive: X`` with X = naive seconds / (ingest + triage seconds). The CPU
seconds of the naive run and of ingest + triage (all processes) are printed too: on a shared machine wall
seconds grow with the other load, CPU seconds much less.
No result is checked here for speed; ``tests/test_speed.py`` checks that the fast paths give identical results.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import generate  # benchmarks/generate.py, beside this file

OUT = Path(__file__).resolve().parent / "out"
#: How often the memory sampler reads the RSS of this process and its children.
SAMPLE_SECONDS = 0.1
#: Every this many samples the sampler reads PSS and USS too (``/proc/<pid>/smaps`` costs more than RSS).
PSS_EVERY = 10
#: Packages whose versions the report names.
PACKAGES = ("pandas", "pyarrow", "numpy", "vaderSentiment", "py3langid", "phonenumbers")

try:  # optional: per-step peaks of this process plus its workers; without it, getrusage high-water marks
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    psutil = None


def corpus(n: int, seed: int) -> Path:
    """The generated corpus for ``n`` and ``seed`` in ``benchmarks/out/``, made on first use."""
    path = OUT / f"reviews_{n}_seed{seed}.csv"
    if not path.exists():
        datasets = generate.default_datasets()
        if not datasets.is_dir():
            raise SystemExit(f"SKIP: datasets folder {datasets} not found (set REVIEWTOOLS_SHARED)")
        OUT.mkdir(parents=True, exist_ok=True)
        s = generate.generate(n, path, seed, datasets)
        print(f"generated {path} ({s['bytes'] / 1e6:.1f} MB) in {s['seconds']:.1f} s", flush=True)
    return path


def _mib(nbytes: float) -> float:
    return nbytes / 2**20


def _cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process and its finished, waited-for children (the
    worker pools of a triage have exited by the time a step ends). Unlike wall seconds, it does not grow
    when other work on the machine takes the cores."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _maxrss_mib() -> tuple[float, float]:
    """getrusage high-water marks (MiB) of this process and of its largest finished child."""
    scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB, macOS bytes
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return _mib(own), _mib(kids)


def _pss_uss(proc) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """PSS and USS (private pages) in bytes from ``/proc/<pid>/smaps_rollup``: the kernel sums them, which costs
    far less than psutil's ``memory_full_info`` (it parses every mapping of ``smaps``; on a process of 4 GB the
    sampler thread then took most of a core and held the process's memory lock against its own main thread)."""
    try:
        text = Path(f"/proc/{proc.pid}/smaps_rollup").read_text()
    except OSError:
        m = proc.memory_full_info()
        return m.pss, m.uss
    got = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        got[name] = int(rest.split()[0]) * 1024 if rest.strip() else 0
    return got.get("Pss", 0), got.get("Private_Clean", 0) + got.get("Private_Dirty", 0)


class Sampler:
    """Samples the memory of this process plus all its children in a thread; ``peak()`` since the last ``reset()``.

    Two sums, both over this process and its workers: RSS (every 50 ms), which counts pages shared after
    ``fork`` once per process that maps them, so it overstates; and PSS (every ``PSS_EVERY`` samples, from
    ``/proc/<pid>/smaps_rollup``), which splits each shared page between the processes sharing it, so the sum is the
    memory the whole triage really occupies. Also the largest main RSS and the largest worker USS (its own pages).
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._proc = psutil.Process() if psutil else None
        self._thread = threading.Thread(target=self._run, daemon=True) if psutil else None
        self._tick = 0
        # (perf_counter, RSS sum, PSS sum or None, CPU seconds of this process, its reaped and its live children)
        self.history: list[tuple[float, int, int | None, float]] = []
        self._zero()

    def _zero(self) -> None:
        self._peak = self._peak_pss = self._peak_main = self._peak_worker_uss = 0

    def _procs(self) -> list:
        # psutil's children() reads the stat file of every process on the machine; holding the GIL for that
        # 20 times a second slowed the triage it measured, so the list is refreshed every PSS_EVERY samples
        if self._tick % PSS_EVERY == 0 or not hasattr(self, "_kids"):
            self._kids = self._proc.children(recursive=True)
        return [self._proc, *self._kids]

    def _sample(self) -> None:
        total = 0
        full = self._tick % PSS_EVERY == 0
        procs = self._procs()
        self._tick += 1
        pss = 0
        cpu = 0.0
        for i, p in enumerate(procs):
            try:
                t = p.cpu_times()  # this process's also counts its reaped children (the finished pools)
                cpu += t.user + t.system + (t.children_user + t.children_system if i == 0 else 0.0)
                if full:
                    p_pss, uss = _pss_uss(p)
                    pss += p_pss
                    if i:
                        self._peak_worker_uss = max(self._peak_worker_uss, uss)
                m = p.memory_info()
                total += m.rss
                if i == 0:
                    self._peak_main = max(self._peak_main, m.rss)
            except (psutil.Error, AttributeError):  # a worker that just exited; no PSS on this OS
                pass
        self._peak = max(self._peak, total)
        self._peak_pss = max(self._peak_pss, pss)
        self.history.append((time.perf_counter(), total, pss if full else None, cpu))

    def peak_between(self, start: float, stop: float) -> str:
        """Peak RSS sum and PSS sum of the samples taken between two ``time.perf_counter()`` readings."""
        got = [(rss, pss) for t, rss, pss, _ in self.history if start <= t <= stop]
        if not got:
            return ""
        pss = [p for _, p in got if p is not None]
        return (f"PSS {_mib(max(pss)):,.0f} MiB (RSS {_mib(max(r for r, _ in got)):,.0f})" if pss
                else f"RSS {_mib(max(r for r, _ in got)):,.0f} MiB")

    def cpu_between(self, start: float, stop: float) -> float | None:
        """CPU seconds of this process and all its children between two ``time.perf_counter()`` readings, from
        the samples (linear between the two samples around each reading, so within a sample interval's worth of
        CPU); None without psutil or samples on both sides. At the steps' edges no worker is alive (each step's
        pools are joined before its lap ends), so a child's time is counted whole, once reaped."""
        hist = [(t, c) for t, _, _, c in self.history]
        at = []
        for x in (start, stop):
            before = [h for h in hist if h[0] <= x]
            after = [h for h in hist if h[0] >= x]
            if not before or not after:
                return None
            (t0, c0), (t1, c1) = before[-1], after[0]
            at.append(c0 if t1 == t0 else c0 + (c1 - c0) * (x - t0) / (t1 - t0))
        return at[1] - at[0]

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> Sampler:
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def reset(self) -> None:
        self._zero()
        if self._proc:
            self._tick = 0
            self._sample()

    def peak(self) -> str:
        if self._proc:
            self._tick = 0
            self._sample()
            return (f"PSS {_mib(self._peak_pss):,.0f} MiB (RSS {_mib(self._peak):,.0f}; main {_mib(self._peak_main):,.0f}, "
                    f"worker USS {_mib(self._peak_worker_uss):,.0f})")
        own, kids = _maxrss_mib()
        return f"<= {own:,.0f} MiB (max child {kids:,.0f})"


# ------------------------------------------------------------------------------------------------ naive


def _naive_child(path: str, limit: int | None, conn) -> None:  # type: ignore[no-untyped-def]
    """The notebook way, timed from before the imports: read_csv + apply(polarity_scores), sentiment only."""
    t0 = time.perf_counter()
    import pandas as pd
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    df = pd.read_csv(path, nrows=limit)
    scores = df["text"].fillna("").astype(str).apply(SentimentIntensityAnalyzer().polarity_scores)
    seconds = time.perf_counter() - t0
    conn.send((len(df), len(scores), seconds, _maxrss_mib()[0], time.process_time()))
    conn.close()


def naive(path: Path, limit: int | None) -> tuple[int, float, float, float]:
    """Run the naive baseline in a fresh child process; returns ``(rows, seconds, peak RSS MiB, CPU seconds)``."""
    ctx = multiprocessing.get_context("spawn")  # a clean interpreter, like a notebook kernel
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_naive_child, args=(str(path), limit, send))
    proc.start()
    send.close()
    rows, scored, seconds, rss, cpu = recv.recv()
    proc.join()
    if scored != rows:
        raise SystemExit(f"naive baseline scored {scored} of {rows} rows")
    return rows, seconds, rss, cpu


# ------------------------------------------------------------------------------------------------ triage


def triage(path: Path, processes: int,
           sampler: Sampler) -> tuple[int, list[tuple[str, float, float | None, str]], float, float]:
    """Ingest and triage; returns ``(reviews, [(step, seconds, CPU seconds or None, peak memory)], total seconds,
    CPU seconds)``. A wall-clock step's CPU seconds (all processes) against its seconds show how many of the
    cores it kept busy; the busy-time lines summed over the workers have none."""
    from reviewtools.ingest import read_reviews
    from reviewtools.pipeline import run_triage

    steps: list[tuple[str, float, float | None, str]] = []
    sampler.reset()
    c0 = _cpu_seconds()
    t0 = time.perf_counter()
    result = read_reviews(path)
    t_ingest = time.perf_counter() - t0
    cpu_ingest = _cpu_seconds() - c0
    steps.append(("ingest (read_reviews)", t_ingest, cpu_ingest, sampler.peak()))
    frame = result.reviews
    sampler.reset()
    timings: dict[str, float] = {}
    t1 = time.perf_counter()
    tri = run_triage(frame, processes=processes, timings=timings)
    t_triage = time.perf_counter() - t1
    cpu = _cpu_seconds() - c0
    peak = sampler.peak()
    busy = "busy s summed over workers" if processes > 1 else "s"
    for key, label in (("sentiment", f"  sentiment ({busy})"), ("topics", f"  topics ({busy})"),
                       ("checks", f"  per-review guideline checks ({busy})")):
        steps.append((label, timings.get(key, float("nan")), None, ""))
    if "duplicates_beside" in timings:  # the cross-review check ran in its own process beside the workers
        steps.append(("  duplicates (whole frame, own process beside them)", timings["duplicates_beside"], None, ""))
    # the wall-clock steps follow each other in the order run_triage laps them (the duplicate check first when
    # it does not run beside the workers, then the per-review stages, then the decisions): their sampling
    # windows come from the laps, counted back from the end (coerce runs first)
    beside = " + duplicates beside" if "duplicates_beside" in timings else ""
    labels = {"duplicates": "duplicates (whole frame)",
              "per_review_wall": f"per-review stages{beside}, wall ({processes} process{'es' if processes > 1 else ''})",
              "decisions": "decisions: actions, priority, drafts, lint"}
    order = [k for k in timings if k in labels]
    stop = t1 + t_triage
    windows = {}
    for key in reversed(order):
        windows[key] = (stop - timings[key], stop)
        stop -= timings[key]
    for key in order:
        steps.append((labels[key], timings[key], sampler.cpu_between(*windows[key]),
                      sampler.peak_between(*windows[key])))
    steps.append(("triage (run_triage, all of the above)", t_triage, cpu - cpu_ingest, peak))
    actions = tri.reviews["action"].value_counts().to_dict()
    print(f"actions: {actions}; hits rows {len(tri.hits):,}; topic matches {len(tri.topic_matches):,}", flush=True)
    return len(frame), steps, t_ingest + t_triage, cpu


def machine() -> str:
    """One line about the machine and the versions."""
    vers = []
    for p in PACKAGES:
        try:
            vers.append(f"{p} {metadata.version(p)}")
        except metadata.PackageNotFoundError:
            pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine slows every figure
    return (f"{os.cpu_count()} CPUs ({cpu}), load average {load} (1/5/15 min), Python {platform.python_version()}, "
            + ", ".join(vers))


def code_under_test() -> str:
    """Which ``reviewtools`` this run measures, and a warning when it is not the one beside this script.

    A script run as ``python benchmarks/run.py`` imports ``reviewtools`` from the installed package (the
    editable install of the checkout ``make setup`` ran in), not from the tree the script sits in: a ``git
    archive`` of an older commit measures the working checkout's code unless ``PYTHONPATH`` names the archive.
    """
    import reviewtools

    here = Path(__file__).resolve().parent.parent / "reviewtools"
    got = Path(reviewtools.__file__).resolve().parent
    if got == here:
        return str(got)
    return f"{got} (NOT this script's tree {here}: set PYTHONPATH={here.parent} to measure that one)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000, help="corpus size (default 100000)")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="worker processes for triage")
    ap.add_argument("--corpus", type=Path, help="an existing export instead of the generated corpus")
    ap.add_argument("--seed", type=int, default=8, help="generator seed (default 8)")
    ap.add_argument("--naive-sample", type=int, metavar="K",
                    help="run the naive baseline on the first K reviews only and extrapolate linearly to N")
    ap.add_argument("--skip-naive", action="store_true", help="no naive baseline (no speedup line)")
    args = ap.parse_args(argv)

    path = args.corpus or corpus(args.reviews, args.seed)
    print(f"machine: {machine()}", flush=True)
    print(f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
    from reviewtools.vader import get_analyzer  # which VADER the triage runs: a stale or missing build is slower

    print(f"VADER: {get_analyzer().backend}", flush=True)
    print(f"code: {code_under_test()}", flush=True)

    naive_s: float | None = None
    if not args.skip_naive:
        rows, secs, rss, naive_cpu = naive(path, args.naive_sample)
        if args.naive_sample:
            n_all = args.reviews if args.corpus is None else None
            if n_all is None:
                import pandas as pd

                n_all = len(pd.read_csv(path, usecols=[0]))
            naive_s = secs * n_all / rows
            print(f"naive (read_csv + apply(polarity_scores), sentiment only): {secs:.1f} s on the first {rows:,} "
                  f"reviews, EXTRAPOLATED linearly to {n_all:,}: {naive_s:.1f} s, {rows / secs:,.0f} reviews/s, "
                  f"peak {rss:,.0f} MiB (on the sample)", flush=True)
        else:
            naive_s = secs
            print(f"naive (read_csv + apply(polarity_scores), sentiment only): {secs:.1f} s for {rows:,} reviews, "
                  f"{rows / secs:,.0f} reviews/s, peak {rss:,.0f} MiB, CPU {naive_cpu:.1f} s", flush=True)

    with Sampler() as sampler:
        n, steps, total, cpu = triage(path, args.processes, sampler)
    print(f"\nfull triage of {n:,} reviews, {args.processes} process(es)"
          f"{'' if psutil else ' (psutil missing: peaks are getrusage high-water marks)'}:")
    print(f"{'step':<52} {'seconds':>9} {'reviews/s':>11} {'CPU s':>7} {'cores':>5}  peak memory (main + workers)")
    for name, secs, cpu_s, peak in steps:
        rate = f"{n / secs:,.0f}" if secs and secs == secs else "-"
        busy = (f"{cpu_s:>7.1f} {cpu_s / secs:>5.2f}" if cpu_s is not None and secs and secs == secs
                else f"{'':>7} {'':>5}")
        print(f"{name:<52} {secs:>9.2f} {rate:>11} {busy}  {peak}")
    own, kids = _maxrss_mib()
    print(f"load average after the run: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'whole (ingest + triage)':<52} {total:>9.2f} {n / total:>11,.0f} "
          f"{'':>3}max RSS: main {own:,.0f} MiB, largest worker {kids:,.0f} MiB")
    print(f"CPU seconds of ingest + triage, all processes (load-independent, unlike wall): {cpu:.1f} "
          f"({cpu / n * 1e6:,.0f} µs per review)")
    if naive_s is not None:
        note = " (naive extrapolated)" if args.naive_sample else ""
        print(f"naive {naive_s:.1f} s / triage {total:.1f} s{note}; naive CPU {naive_cpu:.1f} s"
              + (" (on the sample)" if args.naive_sample else ""))
        print(f"speedup_vs_naive: {naive_s / total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
