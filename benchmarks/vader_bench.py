"""Time vaderSentiment 3.3.2 against reviewtools' FastVader on the generated benchmark corpus.

    .venv/bin/python benchmarks/vader_bench.py --reviews 100000 [--seed 8] [--processes 2]

Generates the corpus with ``benchmarks/generate.py`` into ``benchmarks/out/`` (gitignored) unless it is already
there, reads the ``text`` column, then scores every review with

1. the package, ``SentimentIntensityAnalyzer().polarity_scores`` in one process (the notebook way);
2. ``FastVader.scores_many`` (full dicts) and ``FastVader.compound_many`` in one process, with the native
   core where it is built (``backend`` says which);
3. ``scores_parallel`` / ``compound_parallel`` over ``--processes`` worker processes;

checks that every FastVader result equals the package's (the run fails on any mismatch), and prints
reviews/s, wall and CPU seconds, and the speedup of each against the package. CPU seconds are those of this
process, so on a busy machine they are the fairer per-core figure; the parallel rows are wall time only.

``--ab ROUNDS`` then times the native core against the pure-Python path *interleaved* in this process
(``FastVader()`` vs ``FastVader(native=False)``, alternating, ROUNDS times each) on the review strings that
``score_sentiment`` scores (title, line break, text) and on their sentences (``compound_many``), checks the
two agree, and prints the median CPU microseconds per text of each and the ratio. ``--ab-sentiment`` does the
same for the whole ``score_sentiment`` stage (the frame read with ``read_reviews``; the analyzer rebuilt with
and without ``REVIEWTOOLS_PURE_PYTHON``), checking that the two output frames are equal.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import generate  # benchmarks/generate.py, beside this file
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from reviewtools import vader
from reviewtools.sentiment import split_sentences
from reviewtools.vader import PURE_PYTHON_ENV, FastVader, compound_parallel, scores_parallel

OUT = Path(__file__).resolve().parent / "out"


def corpus(n: int, seed: int) -> Path:
    """The generated corpus for ``n`` and ``seed``, made on first use."""
    path = OUT / f"reviews_{n}_seed{seed}.csv"
    if not path.exists():
        datasets = generate.default_datasets()
        if not datasets.is_dir():
            raise SystemExit(f"SKIP: datasets folder {datasets} not found (set REVIEWTOOLS_SHARED)")
        s = generate.generate(n, path, seed, datasets)
        print(f"generated {path} ({s['bytes'] / 1e6:.1f} MB) in {s['seconds']:.1f} s")
    return path


def read_texts(path: Path) -> list[str]:
    """The ``text`` column, as written (empty when missing)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


def read_reviews_strings(path: Path) -> list[str]:
    """What ``score_sentiment`` scores per review: title, line break, text."""
    with path.open(encoding="utf-8", newline="") as f:
        return [f"{row['title']}\n{row['text']}" for row in csv.DictReader(f)]


def ab(texts: list[str], rounds: int) -> None:
    """Interleaved A/B of the native core against the pure-Python path, median CPU us per text."""
    native, python = FastVader(), FastVader(native=False)
    if native.backend != "native":
        print("A/B: the native core is not built here (pip install -e .): skipped")
        return
    sentences = [t[a:b] for t in texts for a, b in split_sentences(t)]
    cases = [
        ("review strings, scores_many", texts, "scores_many"),
        ("review strings, compound_many", texts, "compound_many"),
        ("sentences, compound_many", sentences, "compound_many"),
    ]
    print(f"interleaved A/B, {rounds} rounds; {len(texts):,} review strings, {len(sentences):,} sentences")
    print(f"{'case':<34}{'python us':>11}{'native us':>11}{'ratio':>8}  identical")
    for label, items, method in cases:
        times: dict[str, list[float]] = {"python": [], "native": []}
        outs: dict[str, list] = {}
        for _ in range(rounds):
            for name, fv in (("python", python), ("native", native)):
                c0 = time.process_time()
                outs[name] = getattr(fv, method)(items)
                times[name].append((time.process_time() - c0) / len(items) * 1e6)
        py_us = sorted(times["python"])[rounds // 2]
        nat_us = sorted(times["native"])[rounds // 2]
        same = "yes" if outs["python"] == outs["native"] else "NO"
        print(f"{label:<34}{py_us:11.2f}{nat_us:11.2f}{py_us / nat_us:7.2f}x  {same}")


def ab_sentiment(path: Path, rounds: int) -> None:
    """Interleaved A/B of the whole ``score_sentiment`` stage, native core vs pure Python, CPU us per review."""
    import os

    from reviewtools import read_reviews, score_sentiment

    frame = read_reviews(path).reviews
    times: dict[str, list[float]] = {"python": [], "native": []}
    outs: dict[str, object] = {}
    for r in range(rounds + 1):  # round 0 warms up (language model, abbreviations, lexicons), untimed
        for name in ("python", "native"):
            if name == "python":
                os.environ[PURE_PYTHON_ENV] = "1"
            else:
                os.environ.pop(PURE_PYTHON_ENV, None)
            vader.get_analyzer.cache_clear()
            if vader.get_analyzer().backend != name:
                print(f"A/B sentiment: no {name} backend here: skipped")
                return
            c0 = time.process_time()
            outs[name] = score_sentiment(frame if r else frame.head(500))
            if r:
                times[name].append((time.process_time() - c0) / len(frame) * 1e6)
    os.environ.pop(PURE_PYTHON_ENV, None)
    vader.get_analyzer.cache_clear()
    py_us = sorted(times["python"])[rounds // 2]
    nat_us = sorted(times["native"])[rounds // 2]
    same = "yes" if outs["python"].equals(outs["native"]) else "NO"  # type: ignore[union-attr]
    print(f"score_sentiment, {len(frame):,} reviews, {rounds} rounds interleaved (CPU us per review)")
    print(f"{'python':>10}{'native':>10}{'saved':>10}  identical")
    print(f"{py_us:10.1f}{nat_us:10.1f}{py_us - nat_us:10.1f}  {same}")


def timed(func: Callable[[], list]) -> tuple[list, float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    out = func()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviews", type=int, default=20_000, help="corpus size (default 20,000)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--processes", type=int, default=2, help="worker processes for the parallel rows")
    ap.add_argument(
        "--no-package",
        action="store_true",
        help="skip the package run (about 5 min per 1M reviews): FastVader timings only, no equality check",
    )
    ap.add_argument("--ab", type=int, default=0, metavar="ROUNDS", help="interleaved native/Python A/B rounds")
    ap.add_argument("--ab-only", action="store_true", help="only the A/B (no package, no parallel rows)")
    ap.add_argument("--ab-sentiment", type=int, default=0, metavar="ROUNDS", help="A/B of score_sentiment")
    args = ap.parse_args(argv)
    if args.ab_only:
        print(f"load average {open('/proc/loadavg').read().split()[:3]}")
        ab(read_reviews_strings(corpus(args.reviews, args.seed)), max(args.ab, 1))
        if args.ab_sentiment:
            ab_sentiment(corpus(args.reviews, args.seed), args.ab_sentiment)
        print(f"load average {open('/proc/loadavg').read().split()[:3]}")
        return 0

    texts = read_texts(corpus(args.reviews, args.seed))
    n = len(texts)
    chars = sum(map(len, texts))
    print(
        f"{n:,} reviews, {chars / 1e6:.1f} M chars (median {sorted(map(len, texts))[n // 2]} chars); "
        f"Python {platform.python_version()}, {platform.machine()}"
    )

    fast = FastVader()
    print(f"FastVader backend: {fast.backend}")
    if args.no_package:
        expected, pkg_wall, pkg_cpu = None, float("nan"), float("nan")
        rows = []
    else:
        ref = SentimentIntensityAnalyzer()
        expected, pkg_wall, pkg_cpu = timed(lambda: [ref.polarity_scores(t) for t in texts])
        rows = [("vaderSentiment polarity_scores, 1 process", pkg_wall, pkg_cpu, True)]
    compounds = None if expected is None else [e["compound"] for e in expected]

    runs: list[tuple[str, Callable[[], list], list | None]] = [
        ("FastVader scores_many, 1 process", lambda: fast.scores_many(texts), expected),
        ("FastVader compound_many, 1 process", lambda: fast.compound_many(texts), compounds),
        (f"scores_parallel, {args.processes} processes", lambda: scores_parallel(texts, args.processes), expected),
        (
            f"compound_parallel, {args.processes} processes",
            lambda: compound_parallel(texts, args.processes),
            compounds,
        ),
    ]
    failed = False
    for label, func, want in runs:
        got, wall, cpu = timed(func)
        same = want is None or got == want
        failed |= not same
        rows.append((label, wall, cpu, same))

    print(f"{'run':<46}{'wall s':>8}{'cpu s':>8}{'reviews/s':>11}{'speedup':>9}  identical")
    for label, wall, cpu, same in rows:
        cpu_txt = f"{cpu:8.2f}" if "1 process" in label else f"{'-':>8}"
        verdict = "not checked" if expected is None else "yes" if same else "NO"
        speedup = f"{pkg_wall / wall:8.2f}x" if expected is not None else f"{'-':>9}"
        print(f"{label:<46}{wall:8.2f}{cpu_txt}{n / wall:11,.0f}{speedup}  {verdict}")
    if expected is not None:
        print(f"per-core speedup (CPU seconds, scores_many vs package): {pkg_cpu / rows[1][2]:.2f}x")
    if args.ab:
        ab(read_reviews_strings(corpus(args.reviews, args.seed)), args.ab)
    if failed:
        print("FAIL: FastVader differs from vaderSentiment on this corpus")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
