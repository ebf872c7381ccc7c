"""CPU of ``_vadercore.topic_attempts`` (the word-presence prefilter of complaint topics) on its own.

    for tree in /tmp/st8_old /work/main /tmp/st8_old /work/main; do
        PYTHONPATH=$tree .venv/bin/python benchmarks/bench_topics_attempts.py \\
            --corpus benchmarks/out/reviews_100000_seed8.csv
    done

The corpus is scored in 25k slices as the pipeline does; each slice's distinct titles and texts are
lower-cased (``topic_lower``) in blocks of ``topics._PREFILTER_BLOCK_ROWS`` as ``_field_matches`` does, and
``topic_attempts`` runs over every block: the minimum over ``--rounds`` of its CPU seconds per review, and a
digest of the attempts (texts, offsets, phrase ids), which must be equal between trees. A tree with
``topics._attempt_marks`` is also timed with the marks ``_field_matches`` passes (fewer attempts kept; their
digest printed too).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import topics as T
    from reviewtools.ingest import read_reviews

    core = T._clause_core()
    if core is None or not hasattr(core, "topic_attempts"):
        print("bench_topics_attempts: the native core is not built; skipped")
        return 0
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    ix = T._phrase_index(None)
    native_args = T._native_attempts_args(ix)
    blocks = []
    for lo in range(0, n, 25_000):
        part = frame.iloc[lo : lo + 25_000]
        for fld in T.TEXT_FIELDS:
            texts = list(dict.fromkeys(T._field_values(part, fld)))
            for b0 in range(0, len(texts), T._PREFILTER_BLOCK_ROWS):
                lows, _ = core.topic_lower(texts[b0 : b0 + T._PREFILTER_BLOCK_ROWS])
                blocks.append([T._lower(texts[b0 + i]) if low is None else low for i, low in enumerate(lows)])
    h = hashlib.sha256()
    for b in blocks:
        for piece in core.topic_attempts(b, *native_args):
            h.update(piece)
    best = float("inf")
    for _ in range(args.rounds):
        t = time.process_time()
        for b in blocks:
            core.topic_attempts(b, *native_args)
        best = min(best, time.process_time() - t)
    print(f"{Path(reviewtools.__file__).parent.parent}: topic_attempts {best * 1e6 / n:.3f} CPU us/review "
          f"[{h.hexdigest()[:12]}] ({sum(map(len, blocks)):,} distinct texts in {len(blocks)} blocks); "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    marks = T._attempt_marks(ix) if hasattr(T, "_attempt_marks") else None
    if marks is not None:  # as _field_matches calls it (since 630e0df): the attempts outside a clause dropped
        hm = hashlib.sha1()
        kept = 0
        for b in blocks:
            got = core.topic_attempts(b, *native_args, marks)
            kept += len(got[0]) // 8
            for part in got:
                hm.update(part)
        every = sum(len(core.topic_attempts(b, *native_args)[0]) // 8 for b in blocks)
        best = float("inf")
        for _ in range(args.rounds):
            t = time.process_time()
            for b in blocks:
                core.topic_attempts(b, *native_args, marks)
            best = min(best, time.process_time() - t)
        print(f"  with marks {marks!r}: {best * 1e6 / n:.3f} CPU us/review [{hm.hexdigest()[:12]}], {kept:,} of "
              f"{every:,} attempts kept",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
