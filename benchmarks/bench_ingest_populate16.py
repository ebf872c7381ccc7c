"""In-process A/B of ``read_reviews``' final ``_take_rows`` (the kept rows, the cleaned texts copied by
``_storecore.patched_take``) with its fresh buffers prefaulted by ``madvise(MADV_POPULATE_WRITE)`` (``POPULATE_WRITE``
on) or faulted page by page as the copy writes them (off, as up to 4d7a25f).

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_ingest_populate16.py \
        benchmarks/out/reviews_1000000_seed8.csv --rounds 9

The file is read and mapped once (as ``read_reviews`` does, huge pages off); each round takes the rows both ways
(alternating which goes first, Arrow's unused memory released before each, so both meet fresh pages) and checks the
two frames are equal. Prints process CPU (user+sys, all threads: the copy runs on a pool thread), system CPU and
wall, min and median.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
from pathlib import Path

import reviewtools
import reviewtools.ingest as ingest
from reviewtools.formats import detect_format


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    print(f"code: {Path(reviewtools.__file__).parent}")
    with ingest._huge_pages_off():
        name, data = ingest._open_mapped(args.file)
        raw = ingest._load(name, data, None)
        fmt = detect_format(raw.frame.columns, raw.container).format
        ok, _rej, akey, _scale = ingest._map_file(raw, fmt, None, None, None, release_source=True,
                                                  join_cleaned=False)
        del raw, data
        allrows, akeys = ok.assign(_file=0).reset_index(drop=True), akey.reset_index(drop=True)
        del ok, akey
        dup, _conflict = ingest._duplicates(allrows, akeys)
        keep = ~dup.to_numpy()
        res: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
        for r in range(args.rounds):
            outs = {}
            for on in ((False, True) if r % 2 == 0 else (True, False)):
                ingest.POPULATE_WRITE = on
                frame = allrows.copy(deep=False)
                gc.collect()
                ingest._release_arrow_memory()
                r0, w, c = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
                outs[on] = ingest._take_rows(frame, keep, joined=ingest.CLEANED)
                c, w = time.process_time() - c, time.perf_counter() - w
                sys_s = resource.getrusage(resource.RUSAGE_SELF).ru_stime - r0.ru_stime
                res[on].append((c, sys_s, w))
                del frame
            assert outs[False].equals(outs[True]), "frames differ"
            del outs
            print(f"round {r}: off cpu/sys/wall {'/'.join(f'{x:.3f}' for x in res[False][-1])}  "
                  f"on {'/'.join(f'{x:.3f}' for x in res[True][-1])}", flush=True)
    for on in (False, True):
        cols = list(zip(*res[on]))
        print(f"{'on ' if on else 'off'}: " + "  ".join(
            f"{k} min {min(v):.3f} med {statistics.median(v):.3f}" for k, v in zip(("cpu", "sys", "wall"), cols)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
