"""CPU of ``_langcore.head_counts_mapped`` (the language pre-pass of the sentiment stage) of two builds of
``_langcore``, interleaved, on a corpus's texts in 25k blocks; counts and states asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_lang_heads_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --old OLD/_langcore...so --new NEW/_langcore...so

Prints the minimum and median CPU µs per text (``time.process_time``), the rounds the new build was lower, load.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def _load(path: str):  # type: ignore[no-untyped-def]
    loader = importlib.machinery.ExtensionFileLoader("_langcore", path)
    spec = importlib.util.spec_from_file_location("_langcore", path, loader=loader)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import rules, sentiment
    from reviewtools.ingest import read_reviews

    texts = sentiment._columns(read_reviews(args.corpus).reviews)[1]
    keys, longest = sentiment._packed_english_words()
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    hmap = sentiment._head_map()
    sentiment._map_head_chars(hmap, set().union(*[t for t in texts if not t.isascii()]))
    n = len(texts)
    mods = {"old": _load(args.old), "new": _load(args.new)}

    def run(mod):  # type: ignore[no-untyped-def]
        out = [np.empty(n, dtype=np.int64) for _ in range(3)] + [np.empty(n, dtype=np.int8)]
        for lo in range(0, n, 25_000):
            part = slice(lo, lo + 25_000)
            mod.head_counts_mapped(texts[part], keys, longest, rules.LANGUAGE_MAX_CHARS, hmap, *[a[part] for a in out])
        return out

    assert all((a == b).all() for a, b in zip(run(mods["old"]), run(mods["new"])))
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.rounds):
        for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
            t = time.process_time()
            run(mods[name])
            res[name].append(1e6 * (time.process_time() - t) / n)
    lower = sum(b < a for a, b in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; head_counts_mapped of {n:,} texts, {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.4f} median {statistics.median(v):.4f}" for k, v in res.items())
          + f" CPU us/text; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
