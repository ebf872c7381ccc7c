"""The sentiment stage's native passes over a block's texts, of two builds, on the stage's own 25k blocks with the
texts out of the caches, as a pipeline worker meets them: before each call a buffer larger than the last-level
cache is read (not timed), so the call's first reads of each title and text go to memory. ``--kernel joined``:
the VADER call ``Core.joined_spans_into`` (``_vadercore``); ``split``: the sentence splitter ``split_mapped``
(``_vadercore``); ``heads``: the language pre-pass ``head_counts_mapped`` (``_langcore``); ``worst``: the most
negative sentences' bytes, ``span_utf8`` (``_langcore``). Builds alternate per
block (order flipped every block and round); outputs (review rows, span compounds bit for bit, word counts,
declined positions; spans; counts) asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_sentiment18_prefetch.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv \\
        --old $OLD/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so \\
        --new $NEW/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so --rounds 9 [--evict-mb 64] [--kernel joined]
    (--kernel heads, worst: the two builds' _langcore.cpython-311-x86_64-linux-gnu.so)

The inputs are made as ``sentiment._score_sentiment`` makes them (titles from ``_title_codes``, texts from
``_text_list``, the spans of ``_Sentences.of``). ``--evict-mb 0`` leaves the caches as the previous call left them
(the other build's pass over the same block). Prints per build the minimum and median over rounds of the whole
pass in CPU µs per review (``time.process_time``), the sum over blocks of each block's minimum, the blocks in which new was lower, and the load average.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def _load(path: str, name: str = "_vadercore"):  # type: ignore[no-untyped-def]
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--block", type=int, default=25_000)
    ap.add_argument("--evict-mb", type=int, default=64)
    ap.add_argument("--kernel", choices=("joined", "split", "heads", "worst"), default="joined")
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import sentiment as S
    from reviewtools import vader as V
    from reviewtools.ingest import read_reviews
    from reviewtools.vader import get_analyzer

    print(f"code: {Path(reviewtools.__file__).parent}")
    fv = get_analyzer()
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    blocks = []
    for lo in range(0, n, args.block):
        part = frame.iloc[lo: lo + args.block]
        texts = S._columns(part, titles=False)[1]
        titles, codes, distinct = S._title_codes(part["title"])
        s = S._Sentences.of(titles, texts, (codes, distinct))
        blocks.append((titles, texts, s.pool, np.ascontiguousarray(s.owner, np.int64),
                       np.ascontiguousarray(s.start, np.int64), np.ascontiguousarray(s.end, np.int64)))
    sep = S.TITLE_TEXT_SEPARATOR
    junk = np.ones(max(args.evict_mb, 0) << 17, dtype=np.int64)  # evict_mb MiB
    if args.kernel == "joined":
        epq = (tuple(float(V._amplify_ep("!" * k)) for k in range(V._PUNCT_TABLE_LEN)),
               tuple(float(V._amplify_qm("?" * k)) for k in range(V._PUNCT_TABLE_LEN)))
        sum_py = fv._native.sum_via_python
        cores = {tag: fv._new_core(_load(p), epq[0], epq[1], sum_py) for tag, p in (("old", args.old),
                                                                                     ("new", args.new))}

        def one(core, bl):  # type: ignore[no-untyped-def]
            ti, tx, pool, o, a, b = bl
            rows = np.empty((len(ti), 4))
            out = np.empty(o.size)
            words = np.full(o.size, -1, dtype=np.int64)
            d = core.joined_spans_into(ti, tx, sep, rows, pool, o, a, b, out, words)
            return rows.tobytes(), out.tobytes(), words.tobytes(), d
    elif args.kernel == "split":
        cores = {tag: _load(p) for tag, p in (("old", args.old), ("new", args.new))}
        sargs = S._native_splitter_args()
        cm = S._char_map()

        def one(core, bl):  # type: ignore[no-untyped-def]
            raw, left = core.split_mapped(bl[1], cm.table, cm.opener, *sargs[2:], cm.cmap)
            return raw, left
    elif args.kernel == "worst":
        cores = {tag: _load(p, "_langcore") for tag, p in (("old", args.old), ("new", args.new))}
        worst = []
        for ti, tx, pool, o, a, b in blocks:  # each review's most negative sentence, as the stage finds it
            sents = S._Sentences.of(ti, tx)
            words = np.empty(sents.owner.size, dtype=np.int64)
            _, compounds = S._block_scores(ti, tx, sents, words)
            worst.append((sents, np.ascontiguousarray(sents.aggregate(compounds, words).worst_src, dtype=np.int64)))
        at = {id(bl): k for k, bl in enumerate(blocks)}

        def one(core, bl):  # type: ignore[no-untyped-def]
            sents, qs = worst[at[id(bl)]]
            offsets = np.empty(qs.size + 1, dtype=np.int64)
            valid = np.empty(qs.size, dtype=np.uint8)
            data = core.span_utf8(sents.pool, sents.owner, sents.start, sents.end, qs, offsets, valid)
            return data, offsets.tobytes(), valid.tobytes()
    else:
        cores = {tag: _load(p, "_langcore") for tag, p in (("old", args.old), ("new", args.new))}
        keys, longest = S._packed_english_words()
        packed = np.ascontiguousarray(keys, dtype=np.uint64)
        hmap = S._head_map()
        for bl in blocks:  # the head map filled with the corpus's characters, as in a worker after its first blocks
            S._languages(bl[1])

        def one(core, bl):  # type: ignore[no-untyped-def]
            tx = bl[1]
            m = len(tx)
            out = [np.empty(m, dtype=np.int64) for _ in range(3)]
            st = np.zeros(m, dtype=np.int8)
            core.head_counts_mapped(tx, packed, longest, S.LANGUAGE_MAX_CHARS, hmap, *out, st)
            return [x.tobytes() for x in out], st.tobytes()

    for bl in blocks:
        assert one(cores["old"], bl) == one(cores["new"], bl)
    t = {tag: np.zeros((args.rounds, len(blocks))) for tag in cores}
    for r in range(args.rounds):
        for k, bl in enumerate(blocks):
            for tag in (("old", "new") if (r + k) % 2 == 0 else ("new", "old")):
                if junk.size:
                    junk.sum()
                c = time.process_time()
                one(cores[tag], bl)
                t[tag][r, k] = time.process_time() - c
    for tag in ("old", "new"):
        passes = t[tag].sum(axis=1) * 1e6 / n
        print(f"{tag}: min {passes.min():.3f}, median {statistics.median(passes.tolist()):.3f}, sum of block minima "
              f"{t[tag].min(axis=0).sum() * 1e6 / n:.3f} CPU us/review ({', '.join(f'{x:.3f}' for x in passes.tolist())})")
    wins = int((t["new"] < t["old"]).sum())
    rounds_lower = int((t["new"].sum(axis=1) < t["old"].sum(axis=1)).sum())
    print(f"new lower in {wins}/{t['new'].size} blocks, {rounds_lower}/{args.rounds} whole passes; outputs equal; "
          f"{n:,} reviews, {len(blocks)} blocks x {args.rounds}; kernel {args.kernel}; evict {args.evict_mb} MiB; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
