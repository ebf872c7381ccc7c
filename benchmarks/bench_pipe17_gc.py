"""The per-review task with Python's cyclic collector paused for all of it, or only inside the checks (issue 8,
seventeenth session, ``pipe``).

    cd <tree> && PYTHONPATH=<tree> /work/main/.venv/bin/python benchmarks/bench_pipe17_gc.py \\
        --corpus benchmarks/out/reviews_100000_seed8.csv [--rows 50000] [--rounds 7] [--cold]

The process is set up as a forked per-review worker is (``_warm_worker``, then ``gc.freeze``, the frame in
``_STAGE_FRAME``); each round runs ``pipeline._partition_task`` on every ``--rows`` partition once with
``TASK_WITHOUT_COLLECTION`` off (the collector paused inside ``check_each_review`` only, as before) and once on,
the order alternated per round; the results are asserted equal (every returned frame decoded,
``assert_frame_equal``) in the first round. Per way: CPU seconds of the tasks (``time.process_time``) and the
seconds spent inside collections (``gc.callbacks``, start to stop, with the number of collections and of objects
they found unreachable). Min/median and the rounds where the paused way was lower; scaled to 1,000,000 reviews.

With ``--cold`` each run is a child forked from that warm process that runs one task on the first partition (as a
fresh worker's first task: its memos and caches empty, the inherited objects frozen), the children of the two
ways alternated, one after the other; each reports its CPU and collection figures through a pipe.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time

from pandas.testing import assert_frame_equal

from reviewtools import ingest, pipeline

_GC = {"t": 0.0, "start": 0.0, "n": 0, "found": 0}


def _callback(phase: str, info: dict) -> None:
    if phase == "start":
        _GC["start"] = time.perf_counter()
    else:
        _GC["t"] += time.perf_counter() - _GC["start"]
        _GC["n"] += 1
        _GC["found"] += info.get("collected", 0) + info.get("uncollectable", 0)


def _run(bounds: list[tuple[int, int]], paused: bool) -> tuple[list, float, float, int, int]:
    pipeline.TASK_WITHOUT_COLLECTION = paused  # type: ignore[misc]
    _GC.update(t=0.0, n=0, found=0)
    c = time.process_time()
    out = [pipeline._partition_task(b) for b in bounds]
    cpu = time.process_time() - c
    gc.collect(0)  # what the paused way left for the next collection, counted against it (young objects only)
    return out, cpu, _GC["t"], _GC["n"], _GC["found"]


def _cold(bounds: tuple[int, int], paused: bool) -> tuple[float, float, int, int]:
    """_run of one task in a child forked from this process (fork's copy of the warm, frozen parent)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            _, cpu, t, k, found = _run([bounds], paused)
            os.write(w, f"{cpu} {t} {k} {found}".encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        got = fh.read().split()
    os.waitpid(pid, 0)
    return float(got[0]), float(got[1]), int(got[2]), int(got[3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="benchmarks/out/reviews_100000_seed8.csv")
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--cold", action="store_true", help="one task per freshly forked child (a worker's first task)")
    args = ap.parse_args()
    print("code:", os.path.dirname(pipeline.__file__))
    frame = pipeline.coerce(ingest.read_reviews(args.corpus).reviews)
    n = len(frame)
    pipeline._warm_worker()
    gc.freeze()
    pipeline._STAGE_FRAME = frame
    gc.callbacks.append(_callback)
    bounds = [(i, min(n, i + args.rows)) for i in range(0, n, args.rows)]
    res: dict[str, dict[str, list[float]]] = {k: {"cpu": [], "gc": []} for k in ("old", "new")}
    for r in range(args.rounds if args.cold else 0):
        order = (("old", False), ("new", True)) if r % 2 == 0 else (("new", True), ("old", False))
        for name, paused in order:
            cpu, t, k, found = _cold(bounds[0], paused)
            res[name]["cpu"].append(cpu)
            res[name]["gc"].append(t)
            print(f"round {r + 1} {name} (cold child): CPU {cpu:.3f} s, collections {k} in {t * 1000:.1f} ms, found {found}")
    if args.cold:
        n = bounds[0][1] - bounds[0][0]
    for r in range(0 if args.cold else args.rounds):
        order = (("old", False), ("new", True)) if r % 2 == 0 else (("new", True), ("old", False))
        outs = {}
        for name, paused in order:
            out, cpu, t, k, found = _run(bounds, paused)
            res[name]["cpu"].append(cpu)
            res[name]["gc"].append(t)
            if r == 0:
                outs[name] = out
            print(f"round {r + 1} {name}: CPU {cpu:.3f} s, collections {k} in {t * 1000:.1f} ms, found {found}")
            del out
        if r == 0:
            for a, b in zip(outs["old"], outs["new"]):
                for x, y in zip(a[:3], b[:3]):
                    assert_frame_equal(x.decode(), y.decode(), check_exact=True)
                assert a[3] == b[3]
            print("results equal")
            del outs
    scale = 1_000_000 / n
    for what in ("cpu", "gc"):
        o, w = res["old"][what], res["new"][what]
        lower = sum(b < a for a, b in zip(o, w))
        print(f"{what}: s per {n:,} min/median {min(o):.3f}/{statistics.median(o):.3f} -> {min(w):.3f}/"
              f"{statistics.median(w):.3f} ({lower}/{len(o)} lower); at 1M ~"
              f"{(statistics.median(o) - statistics.median(w)) * scale:.2f} s less")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
