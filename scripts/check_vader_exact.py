"""Check that reviewtools' FastVader equals vaderSentiment 3.3.2 on every text in ../shared/datasets.

Reads every CSV, TSV, TXT (tab-separated) and JSONL file under the shared datasets folder, takes every
string field that is not a plain number (review texts, titles, names, spam, comments, ...), scores each
distinct string with the package, with FastVader's native core (when built) and with its pure-Python path,
and prints the number compared, the mismatches of each (must be 0), how many texts the native core left to
Python, and the speed of all three. ``--corpus`` adds the review strings (title, line break, text: what
``score_sentiment`` scores) of a generated benchmark CSV. Exit status 1 on any mismatch; 0 with a message when
the folder is absent.

    .venv/bin/python scripts/check_vader_exact.py [--datasets PATH] [--corpus CSV ...] [--show 5]

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
    ap.add_argument(
        "--corpus", type=Path, action="append", default=[], help="also a benchmark CSV (title + line break + text)"
    )
    args = ap.parse_args(argv)
    root = args.datasets or default_datasets()
    if not root.is_dir():
        print(f"SKIP: datasets folder {root} not found (set REVIEWTOOLS_SHARED or pass --datasets)")
        return 0
    texts, fields, files = collect(root)
    seen = dict.fromkeys(texts)
    for path in args.corpus:
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                seen.setdefault(f"{row.get('title') or ''}\n{row.get('text') or ''}")
                seen.setdefault(row.get("text") or "")
    texts = list(seen)
    chars = sum(map(len, texts))
    print(
        f"{files} files, {fields:,} text fields, {len(args.corpus)} corpora; {len(texts):,} distinct texts "
        f"({chars / 1e6:.1f} M chars)"
    )

    ref = SentimentIntensityAnalyzer()
    t0, c0 = time.perf_counter(), time.process_time()
    expected = [ref.polarity_scores(t) for t in texts]
    t_ref, c_ref = time.perf_counter() - t0, time.process_time() - c0
    print(f"vaderSentiment: {t_ref:.2f} s wall, {c_ref:.2f} CPU s ({len(texts) / c_ref:,.0f} texts per CPU s)")

    failed = False
    for label, fast in (("FastVader native", FastVader()), ("FastVader python", FastVader(native=False))):
        if label.endswith("native") and fast.backend != "native":
            print("FastVader native: not built here (pip install -e .), skipped")
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        got = fast.scores_many(texts)
        t_fast, c_fast = time.perf_counter() - t0, time.process_time() - c0
        bad = [(t, e, g) for t, e, g in zip(texts, expected, got) if e != g]
        compounds = fast.compound_many(texts)
        bad_c = sum(e["compound"] != c for e, c in zip(expected, compounds))
        for t, e, g in bad[: args.show]:
            print(f"MISMATCH {t[:120]!r}\n  package  {e}\n  {label} {g}")
        extra = ""
        if fast.backend == "native":
            extra = f"  left to Python: {len(fast._native.compound_many(texts)[1]):,}"
        print(
            f"{label}: compared {len(texts):,}  mismatches: {len(bad)} (compound_many: {bad_c}){extra}  "
            f"{t_fast:.2f} s wall, {c_fast:.2f} CPU s, per-core speedup {c_ref / c_fast:.2f}x"
        )
        failed |= bool(bad) or bool(bad_c)
        failed |= _check_arrays(label, fast, texts, expected, args.show)
    return 1 if failed else 0


def _check_arrays(label: str, fast: FastVader, texts: list[str], expected: list[dict], show: int) -> bool:
    """``scores_array`` against the package's dicts, and ``compound_spans`` over every sentence of every text
    (``reviewtools.sentiment.split_sentences_many``, read in place by the native core) against the pure-Python
    compound of the sentence string (the reference port, equal to the package on every text above)."""
    import numpy as np

    from reviewtools.sentiment import split_sentences_many

    rows = np.array([[e["neg"], e["neu"], e["pos"], e["compound"]] for e in expected], dtype=np.float64)
    got = fast.scores_array(texts)
    bad_rows = np.flatnonzero((got.view(np.int64) != rows.view(np.int64)).any(axis=1))
    for i in bad_rows[:show].tolist():
        print(f"MISMATCH scores_array {texts[i][:120]!r}: {got[i].tolist()} != {rows[i].tolist()}")
    owner, start, end = split_sentences_many(texts)
    c0 = time.process_time()
    spans = fast.compound_spans(texts, owner, start, end)
    c_spans = time.process_time() - c0
    sentences = [texts[o][a:b] for o, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True)]
    ref = FastVader(native=False)
    memo: dict[str, float] = {}
    want = np.array([memo[x] if x in memo else memo.setdefault(x, ref.compound(x)) for x in sentences])
    bad_spans = np.flatnonzero(spans.view(np.int64) != want.view(np.int64))
    for k in bad_spans[:show].tolist():
        print(f"MISMATCH compound_spans {sentences[k][:120]!r}: {spans[k]} != {want[k]}")
    print(f"{label}: scores_array mismatches: {bad_rows.size}; compound_spans over {len(sentences):,} sentences "
          f"({len(memo):,} distinct): mismatches: {bad_spans.size}, {c_spans:.2f} CPU s")
    return bool(bad_rows.size or bad_spans.size)


if __name__ == "__main__":
    sys.exit(main())
