"""CPU of ``_langcore.raw_scores`` (py3langid's raw scores of the texts that need the identifier) of two builds of
``_langcore``, interleaved, on the heads a corpus's sentiment stage hands the identifier; outputs asserted equal.

    cd /tmp/new_tree && PYTHONPATH=/tmp/new_tree /work/main/.venv/bin/python benchmarks/bench_lang_raw_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv \\
        --old /tmp/so_head13/_langcore.cpython-311-x86_64-linux-gnu.so \\
        --new /tmp/new_tree/reviewtools/_langcore.cpython-311-x86_64-linux-gnu.so --rounds 9

The heads are captured from ``sentiment._languages`` over the corpus's texts in 25k blocks (memo cold), encoded as
``rules._raw_native`` encodes them and scored by each build in 8,192-text blocks as ``rules._classify_many`` hands
them. Prints the minimum and median CPU µs per head (``time.process_time``), rounds the new one was lower, load.
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
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import rules, sentiment
    from reviewtools.ingest import read_reviews

    texts = sentiment._columns(read_reviews(args.corpus).reviews)[1]
    heads: list[str] = []
    rank = rules._rank_block

    def capture(ident, hs):  # type: ignore[no-untyped-def]
        heads.extend(hs)
        return rank(ident, hs)

    rules._rank_block = capture
    rules._CLASSIFIED.clear()
    for lo in range(0, len(texts), 25_000):
        sentiment._languages(texts[lo : lo + 25_000])
    rules._rank_block = rank
    ident = rules._language_identifier()
    table, pc = ident.nb_ptc, ident.nb_pc
    nextmove, states = rules._automaton(ident)[0], rules._automaton_states(ident)
    sgemv = rules._numpy_sgemv(rules._lang_core())
    n_cls = int(table.shape[1])
    blocks = []
    for a in range(0, len(heads), rules._CLASSIFY_BLOCK):
        enc = [ident._encode(h) for h in heads[a : a + rules._CLASSIFY_BLOCK]]
        lens = np.fromiter(map(len, enc), dtype=np.int64, count=len(enc))
        offsets = np.zeros(len(enc) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        log1p = np.log1p(np.arange(int(lens.max(initial=0)) + 1, dtype=np.float32))
        blocks.append((b"".join(enc), offsets, log1p, len(enc)))
    mods = {"old": _load(args.old), "new": _load(args.new)}

    def run(mod):  # type: ignore[no-untyped-def]
        outs = []
        for data, offsets, log1p, n in blocks:
            raw = np.zeros((n, n_cls), dtype=np.float32)
            single = np.full((n, 2), -1, dtype=np.int64)
            mod.raw_scores(data, offsets, nextmove, states, table.view(np.uint16), n_cls, log1p, rules._f16_to_f32(),
                           pc, sgemv, raw, single)
            outs.append((raw, single))
        return outs

    a, b = run(mods["old"]), run(mods["new"])
    assert all(x[0].tobytes() == y[0].tobytes() and (x[1] == y[1]).all() for x, y in zip(a, b))
    res: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name in ("old", "new"):
            t = time.process_time()
            run(mods[name])
            res[name].append(1e6 * (time.process_time() - t) / len(heads))
    lower = sum(y < x for x, y in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; raw_scores of {len(heads):,} heads ({len(texts):,} texts), "
          f"{args.rounds} rounds: " + ", ".join(f"{k} min {min(v):.3f} median {statistics.median(v):.3f}"
                                                for k, v in res.items())
          + f" CPU us/head; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
