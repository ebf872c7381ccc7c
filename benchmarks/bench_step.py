"""Where the CPU of run_triage's per-review step (``_run_stages``) goes: parent and children CPU seconds
(``time.process_time`` / ``getrusage(RUSAGE_CHILDREN)``), the workers' CPU inside their tasks (the stages, the
encoding of the results) and outside them (forking, unpickling the partitions, pickling the results back), the
duplicate process's CPU, and the parent's share (warm-up, hand-out, decoding and joining).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_step.py --corpus benchmarks/out/reviews_100000_seed8.csv \
        --processes 2 --repeat 2
    PYTHONPATH=. .venv/bin/python benchmarks/bench_step.py --corpus ... --ingest-only [--prewarm]

Run it with PYTHONPATH pointing at the tree being measured (an older tree lacks some hooks; they are skipped).
"""
from __future__ import annotations

import argparse
import os
import resource
import time


def _cpu(ru: resource.struct_rusage) -> float:
    return ru.ru_utime + ru.ru_stime


_LOG = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"bench_step_{os.getpid()}.log")
_ORIG: dict = {}


def _task(part):  # runs in the worker (forked, so found by name): CPU in the stages, in encoding
    from reviewtools import pipeline

    if os.environ.get("BENCH_STEP_MALLOPT") and not _ORIG.get("mallopt"):  # experiment: glibc keeps its heap
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        mb = int(os.environ["BENCH_STEP_MALLOPT"])
        libc.mallopt(-3, mb << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 4 * mb << 20)  # M_TRIM_THRESHOLD
        _ORIG["mallopt"] = True
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = time.process_time()
    if isinstance(part, tuple):  # bounds of rows of the inherited frame (newer trees)
        part = pipeline._STAGE_FRAME.iloc[part[0] : part[1]]
    timings: dict[str, float] = {}
    scored, matches, hits, missing = pipeline.triage_partition(part, timings)
    c1 = time.process_time()
    out = (pipeline._encode(scored.drop(columns=list(part.columns))), pipeline._encode(matches),
           pipeline._encode(hits), missing, timings)
    c2 = time.process_time()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    with open(_LOG, "a") as fh:
        fh.write(f"task {os.getpid()} {c1 - c0:.4f} {c2 - c1:.4f} {r1.ru_stime - r0.ru_stime:.4f} "
                 f"{r1.ru_minflt - r0.ru_minflt}\n")
    return out


def _cross():
    c0 = time.process_time()
    out = _ORIG["cross"]()
    with open(_LOG, "a") as fh:
        fh.write(f"cross {os.getpid()} {time.process_time() - c0:.4f} 0\n")
    return out


_PARENT: dict[str, float] = {}


def _timed(name, fn):
    """``fn`` counting its CPU seconds in the parent under ``name`` (and with ``--sys``, its system seconds and
    minor faults under ``name.sys`` and ``name.flt``: the whole process's, other threads' included)."""
    def wrapped(*a, **k):
        c0 = time.process_time()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        try:
            return fn(*a, **k)
        finally:
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            _PARENT[name] = _PARENT.get(name, 0.0) + time.process_time() - c0
            if _SYS:
                _PARENT[name + ".sys"] = _PARENT.get(name + ".sys", 0.0) + r1.ru_stime - r0.ru_stime
                _PARENT[name + ".flt"] = _PARENT.get(name + ".flt", 0.0) + r1.ru_minflt - r0.ru_minflt
    return wrapped


_SYS: list = []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--prewarm", action="store_true", help="load the language model in a thread while read_reviews runs (the warm-up "
                    "then finds it loaded; functools.cache: a load still running is not joined, so only for timing)")
    ap.add_argument("--sys", action="store_true", help="also the parent's system CPU and faults per part")
    ap.add_argument("--sample", action="store_true", help="sample the parent's threads' frames (top 25 printed)")
    ap.add_argument("--perf", help="perf record the step into this file")
    ap.add_argument("--ingest-only", action="store_true", help="only ingest and the warm-up after it")
    args = ap.parse_args()

    from reviewtools import pipeline
    from reviewtools.ingest import read_reviews

    if args.prewarm:  # the experiment: py3langid's model loaded in a thread while the export is read
        import threading

        from reviewtools import rules

        threading.Thread(target=lambda: rules._automaton(rules._language_identifier()), daemon=True).start()
    w0, c0 = time.perf_counter(), time.process_time()
    frame = read_reviews(args.corpus).reviews
    w1, c1 = time.perf_counter(), time.process_time()
    if args.prewarm:
        import threading

        for t in threading.enumerate():
            if t is not threading.current_thread() and t.daemon:
                t.join()
    pipeline._warm_worker()  # what _run_stages does first
    w2, c2 = time.perf_counter(), time.process_time()
    print(f"ingest wall {w1 - w0:.2f} s CPU {c1 - c0:.2f} s; warm-up after it wall {w2 - w1:.2f} s CPU {c2 - c1:.2f} s;"
          f" together wall {w2 - w0:.2f} s CPU {c2 - c0:.2f} s{' (prewarm)' if args.prewarm else ''}"
          f" | load {os.getloadavg()[0]:.2f}", flush=True)
    if args.ingest_only:
        return
    orig_task = pipeline._partition_task
    orig_cross = _ORIG["cross"] = pipeline._cross_review_task
    log_path = _LOG

    for name in ("_warm_worker", "_joined", "_decoded", "_trim_memory", "_cross_review_hits", "_encode"):
        if hasattr(pipeline, name):
            setattr(pipeline, name, _timed(name, getattr(pipeline, name)))
    if args.sys:  # the pool's start (its first workers forked) and its map (results back, replacements forked)
        import multiprocessing.pool

        _SYS.append(True)
        multiprocessing.pool.Pool.__init__ = _timed("Pool.__init__", multiprocessing.pool.Pool.__init__)
        multiprocessing.pool.Pool.map = _timed("Pool.map", multiprocessing.pool.Pool.map)
        multiprocessing.pool.Pool.__exit__ = _timed("Pool.__exit__", multiprocessing.pool.Pool.__exit__)
    samples: dict[str, int] = {}
    if args.sample:  # where the parent's threads are, every 2 ms (waits included: read them out)
        import collections
        import sys
        import threading

        samples = collections.Counter()

        def sampler() -> None:
            me = threading.get_ident()
            while True:
                for tid, fr in sys._current_frames().items():
                    if tid != me:
                        samples[f"{fr.f_code.co_name} ({os.path.basename(fr.f_code.co_filename)}:{fr.f_lineno})"
                                f" <- {fr.f_back.f_code.co_name if fr.f_back else ''}"] += 1
                time.sleep(0.002)

        threading.Thread(target=sampler, daemon=True).start()
    for r in range(args.repeat):
        _PARENT.clear()
        if os.path.exists(log_path):
            os.unlink(log_path)
        pipeline._partition_task = _task
        pipeline._cross_review_task = _cross
        timings: dict[str, float] = {}
        s0, ks0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        k0 = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
        p0 = time.process_time()
        w0 = time.perf_counter()
        perf = None
        if args.perf:  # perf record of this process (and what it forks) for the step only
            import signal
            import subprocess

            perf = subprocess.Popen(["perf", "record", "-F", "1999", "-g", "-p", str(os.getpid()), "-o", args.perf],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
        pipeline._run_stages(frame, args.processes, timings, encoded=True)
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
            print(f"perf data of parent pid {os.getpid()} in {args.perf}")
        wall = time.perf_counter() - w0
        parent = time.process_time() - p0
        kids = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - k0
        s1, ks1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        split = (f"parent user {s1.ru_utime - s0.ru_utime:.2f} sys {s1.ru_stime - s0.ru_stime:.2f} "
                 f"minflt {s1.ru_minflt - s0.ru_minflt}; children user {ks1.ru_utime - ks0.ru_utime:.2f} "
                 f"sys {ks1.ru_stime - ks0.ru_stime:.2f} minflt {ks1.ru_minflt - ks0.ru_minflt}")
        pipeline._partition_task = orig_task
        pipeline._cross_review_task = orig_cross
        stage = enc = crossc = 0.0
        ntask = 0
        tsys, tflt = 0.0, 0
        with open(log_path) as fh:
            for line in fh:
                kind, _, a, b, *rest = line.split()
                if kind == "task":
                    tsys += float(rest[0])
                    tflt += int(rest[1])
                    stage += float(a)
                    enc += float(b)
                    ntask += 1
                else:
                    crossc += float(a)
        os.unlink(log_path)
        busy = sum(timings.get(k, 0.0) for k in ("sentiment", "topics", "checks"))
        print(f"run {r}: wall {wall:.2f} s  CPU parent {parent:.2f} + children {kids:.2f} = {parent + kids:.2f} s | "
              f"tasks {ntask}: stages CPU {stage:.2f} (busy wall {busy:.2f}), encode {enc:.2f}; "
              f"cross CPU {crossc:.2f} (wall {timings.get('duplicates_beside', 0):.2f}); "
              f"children outside tasks {kids - stage - enc - crossc:.2f}; in tasks sys {tsys:.2f} minflt {tflt} | load {os.getloadavg()[0]:.2f}",
              flush=True)
        print("   parent CPU: " + ", ".join(f"{k} {v:.2f}" for k, v in _PARENT.items()) + " | " + split, flush=True)

    for where, k in sorted(samples.items(), key=lambda kv: -kv[1])[:25]:
        print(f"   {k:6d} {where}")


if __name__ == "__main__":
    main()
