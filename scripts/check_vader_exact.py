"""Check that reviewtools' FastVader equals vaderSentiment 3.3.2 on every text in ../shared/datasets.

Reads every CSV, TSV, TXT (tab-separated) and JSONL file under the shared datasets folder, takes every
string field that is not a plain number (review texts, titles, names, spam, comments, ...), scores each
distinct string with both the package and FastVader, and prints the number compared, the mismatches
(must be 0) and the speed of both. Exit status 1 on any mismatch; 0 with a message when the folder is absent.

    .venv/bin/python scripts/check_vader_exact.py [--datasets PATH] [--show 5]

The folder is ``$REVIEWTOOLS_SHARED/datasets`` when that variable is set, else ``../shared/datasets`` beside
the repository.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from reviewtools.vader import FastVader

REPO = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl")
csv.field_size_limit(sys.maxsize)


def default_datasets() -> Path:
    """The shared datasets folder: $REVIEWTOOLS_SHARED/datasets, else ../shared/datasets."""
    env = os.environ.get("REVIEWTOOLS_SHARED")
    return Path(env) / "datasets" if env else (REPO / ".." / "shared" / "datasets").resolve()


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _strings_in(obj: object) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings_in(v)


def texts_of(path: Path) -> Iterator[str]:
    """Every non-numeric string field of one data file."""
    raw = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix == ".jsonl":
        for line in raw.split("\n"):
            if line.strip():
                yield from _strings_in(json.loads(line))
    elif path.suffix == ".csv":
        # io splits lines on \r and \n only (never U+0085), and csv keeps line breaks inside quotes
        for row in csv.reader(io.StringIO(raw, newline="")):
            yield from row
    else:  # .tsv / .txt: tab-separated, unquoted, split on \n only (U+0085 occurs inside texts)
        for line in raw.split("\n"):
            yield from line.rstrip("\r").split("\t")


def collect(root: Path) -> tuple[list[str], int, int]:
    """Distinct texts under ``root``, the number of fields read, and the number of files."""
    seen: dict[str, None] = {}
    fields = files = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        files += 1
        for t in texts_of(path):
            if t and not _is_number(t):
                fields += 1
                seen.setdefault(t)
    return list(seen), fields, files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=None, help="datasets folder (default: ../shared/datasets)")
    ap.add_argument("--show", type=int, default=5, help="mismatches to print")
    args = ap.parse_args(argv)
    root = args.datasets or default_datasets()
    if not root.is_dir():
        print(f"SKIP: datasets folder {root} not found (set REVIEWTOOLS_SHARED or pass --datasets)")
        return 0
    texts, fields, files = collect(root)
    chars = sum(map(len, texts))
    print(f"{files} files, {fields:,} text fields, {len(texts):,} distinct texts ({chars / 1e6:.1f} M chars)")

    ref = SentimentIntensityAnalyzer()
    t0, c0 = time.perf_counter(), time.process_time()
    expected = [ref.polarity_scores(t) for t in texts]
    t_ref, c_ref = time.perf_counter() - t0, time.process_time() - c0

    fast = FastVader()
    t0, c0 = time.perf_counter(), time.process_time()
    got = fast.scores_many(texts)
    t_fast, c_fast = time.perf_counter() - t0, time.process_time() - c0

    bad = [(t, e, g) for t, e, g in zip(texts, expected, got) if e != g]
    for t, e, g in bad[: args.show]:
        print(f"MISMATCH {t[:120]!r}\n  package  {e}\n  fastvader {g}")
    print(f"compared: {len(texts):,}  mismatches: {len(bad)}")
    print(
        f"vaderSentiment: {t_ref:.2f} s ({len(texts) / t_ref:,.0f} texts/s)   "
        f"FastVader: {t_fast:.2f} s ({len(texts) / t_fast:,.0f} texts/s)   speedup {t_ref / t_fast:.2f}x"
    )
    print(f"CPU seconds: vaderSentiment {c_ref:.2f}, FastVader {c_fast:.2f}, per-core speedup {c_ref / c_fast:.2f}x")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
