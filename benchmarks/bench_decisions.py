"""The decision step alone (``pipeline.recommend``) on saved stage outputs: wall, parent and worker CPU seconds.

    .venv/bin/python benchmarks/bench_stages.py save --corpus benchmarks/out/reviews_100000_seed8.csv --ref .work/ref100k
    .venv/bin/python benchmarks/bench_decisions.py --ref .work/ref100k --processes 2 --save .work/dec/decided.pkl
    PYTHONPATH=/tmp/old_tree .venv/bin/python benchmarks/bench_decisions.py --ref .work/ref100k --processes 2 \\
        --check .work/dec/decided.pkl      # old code (a git archive with the compiled VADER core) against it
    .venv/bin/python benchmarks/bench_decisions.py --ref .work/ref100k --processes 2 --copies 3   # ~300k reviews
    .venv/bin/python benchmarks/bench_decisions.py --ref .work/ref100k --blocks 3   # the workers' loop alone
    .venv/bin/python benchmarks/bench_decisions.py --capture benchmarks/out/reviews_1000000_seed8.csv --ref .work/ref1m
    .venv/bin/python benchmarks/bench_decisions.py --ref .work/ref1m --partitions 40 --as-triage --processes 2
    .venv/bin/python benchmarks/bench_decisions.py --triage benchmarks/out/reviews_20000_seed8.csv --processes 2
    .venv/bin/python benchmarks/bench_decisions.py --ref .work/dec/ref1m --partitions 40 --handoff 3
        # run_triage's hand-over of the long frames from the per-review pool to the decisions (parent, serial)
        # the whole run_triage: its laps ("decisions" included), CPU, peak PSS of the process tree
        # run_triage's decision lap on 1M real stage outputs (captured from run_triage), chunked as the pool's

``--blocks R`` times only what a decision worker does (``_decide_block(..., packed=True)``, or in older
trees ``_pack`` of its tuples, over the frame in
``DECISION_MAX_BLOCK``-row blocks, each a fresh page and memo, as the pool cuts it at this size), in this one
process, R rounds, and prints the minimum CPU seconds (``time.process_time``) per review: steadier than the
pool's figures on a loaded machine (no fork, no parent pass, no priority). Where the tree has a block index
(``pipeline._block_index``), it is made once first, as ``recommend`` does before it forks, and its CPU printed
apart; ``--as-triage`` holds the long frames dictionary-encoded, as ``run_triage`` does.

Reads ``tagged.pkl``, ``matches.pkl`` and ``hits.pkl`` from ``--ref`` (what ``bench_stages.py save`` writes),
optionally ``--copies K`` of them with the review ids suffixed (K x the reviews: the scaling of the step without a
new corpus; every copy's drafts collide with the other copies' as near-identical pages do), warms the process as
``run_triage`` does before it forks (``pipeline._warm_worker``), then times one ``recommend(processes=P)``:
wall seconds, CPU seconds of this process and of its (reaped) worker processes (``getrusage``), and the same per
phase (before the workers, priority's whole-frame part, the workers with the parent's serial pass beside them,
``_priority`` when the parent scores it), with the load
average. ``--as-triage`` times what ``run_triage``'s decision lap holds: the long frames dictionary-encoded
(``pipeline._encode``), ``recommend`` on them (which decodes them once its workers are done), then decoded. On a shared machine compare CPU seconds of interleaved old/new runs (run the old tree with
``PYTHONPATH``), not wall seconds. ``--save`` pickles the decided frame, ``--check`` compares it exactly
(``assert_frame_equal``) with one saved before; exit status 1 when it differs.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import resource
import sys
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _copies(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    if k == 1:
        return frame
    parts = []
    for i in range(k):
        part = frame.copy()
        part["review_id"] = part["review_id"].astype("string") + f"~{i}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _rechunked(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """``frame`` as ``k`` row slices concatenated again (its Arrow-backed columns then hold ``k`` chunks)."""
    size = -(-len(frame) // k)
    return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", type=Path, help="folder with tagged.pkl, matches.pkl, hits.pkl")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--blocks", type=int, default=0, metavar="ROUNDS",
                    help="time only the workers' per-block loop in this process, min of ROUNDS")
    ap.add_argument("--max-block", type=int, default=0, metavar="ROWS",
                    help="set pipeline.DECISION_MAX_BLOCK (rows per decision block) for this run")
    ap.add_argument("--partitions", type=int, default=0, metavar="K",
                    help="cut each loaded frame into K row slices concatenated again: Arrow columns of K chunks, "
                         "as run_triage's frames come back from its K partitions (a pickle holds one chunk)")
    ap.add_argument("--as-triage", action="store_true",
                    help="as run_triage's decision step: the long frames dictionary-encoded (pipeline._encode) "
                         "before recommend, decoded after it, both timed with it")
    ap.add_argument("--capture", type=Path, metavar="CORPUS",
                    help="instead: triage CORPUS (run_triage, --processes) and pickle the inputs its decision step "
                         "gets into --ref (tagged.pkl, matches.pkl, hits.pkl), e.g. the 1M corpus's")
    ap.add_argument("--triage", type=Path, metavar="CORPUS",
                    help="instead: run_triage of CORPUS (--processes): its timings, CPU seconds of this process and "
                         "its workers, and the peak PSS of the process tree (sampled every 100 ms)")
    ap.add_argument("--handoff", type=int, default=0, metavar="ROUNDS",
                    help="instead: time (CPU, this process, min of ROUNDS) run_triage's hand-over of the long frames "
                         "from the pool: --ref's hits and matches cut into --partitions K row slices, each encoded as "
                         "a worker sends it, then joined and held encoded (pipeline._joined where the tree has it, "
                         "else decoded, concatenated and encoded again), then decoded as after the decisions")
    args = ap.parse_args(argv)

    import reviewtools.pipeline as P

    if args.triage:
        return _triage(P, args.triage, args.processes)
    if args.ref is None:
        ap.error("--ref is required")
    if args.capture:
        return _capture(P, args.capture, args.ref, args.processes)

    if args.handoff:
        return _handoff(P, args.ref, max(1, args.partitions), args.handoff)
    if args.max_block:
        P.DECISION_MAX_BLOCK = args.max_block

    def load(name: str) -> pd.DataFrame:
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return _copies(pickle.load(fh), args.copies)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    if args.partitions > 1:
        tagged, matches, hits = (_rechunked(f, args.partitions) for f in (tagged, matches, hits))
    P._warm_worker()  # what run_triage's parent has built before its decision workers fork
    P.recommend(tagged.iloc[:50], hits.iloc[:0], matches.iloc[:0], processes=1)
    gc.collect()
    if args.blocks:
        return _blocks_only(P, tagged, hits, matches, args.blocks, args.as_triage)

    marks: list[tuple[str, float, float, float, float, float, int, float]] = []

    def mark(name: str) -> None:
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        marks.append((name, time.perf_counter(), s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime, s.ru_utime,
                      s.ru_stime, s.ru_minflt, time.thread_time()))

    if getattr(P, "_Encoded", None) is not None and hasattr(P._Encoded, "decode_in_place"):
        decode_in_place = P._Encoded.decode_in_place

        def timed_decode(self, _fn=decode_in_place):  # type: ignore[no-untyped-def]
            mark("decode_in_place start")
            try:
                return _fn(self)
            finally:
                mark("decode_in_place end")

        P._Encoded.decode_in_place = timed_decode
    for name in ("_decision_state", "_priority_inputs", "_block_index", "_assemble", "_priority"):
        fn = getattr(P, name, None)
        if fn is None:  # an older tree
            continue

        def timed(*a, _fn=fn, _name=name, **k):  # type: ignore[no-untyped-def]
            mark(f"{_name} start")
            try:
                return _fn(*a, **k)
            finally:
                mark(f"{_name} end")

        setattr(P, name, timed)
    load_start = _loadavg()
    mark("start")
    if args.as_triage:  # run_triage's decision step: encode, recommend, decode (as its clock's "decisions" lap)
        held = (P._encode(hits), P._encode(matches))
        del hits, matches
        P._trim_memory()
        mark("encoded")
        decided = P.recommend(tagged, held[0], held[1], processes=args.processes)
        mark("recommended")
        held[0].decode(), held[1].decode()
        del held
        P._trim_memory()
    else:
        decided = P.recommend(tagged, hits, matches, processes=args.processes)
    mark("end")
    n = len(tagged)
    print(f"{P.__file__}: {n:,} reviews, processes={args.processes}, load average {load_start} -> {_loadavg()}")
    for (a, wa, pa, ca, ua, sa, fa, ta), (b, wb, pb, cb, ub, sb, fb, tb) in zip(marks, marks[1:]):
        print(f"  {a:>24} -> {b:<24} wall {wb - wa:7.2f} s  parent CPU {pb - pa:7.2f} s (user {ub - ua:6.2f}, "
              f"system {sb - sa:5.2f}, main thread {tb - ta:6.2f}, {fb - fa:8,} minor faults)  "
              f"workers CPU {cb - ca:7.2f} s")
    wall = marks[-1][1] - marks[0][1]
    parent = marks[-1][2] - marks[0][2]
    workers = marks[-1][3] - marks[0][3]
    parent_sys = marks[-1][5] - marks[0][5]
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers' user/system split (reaped by now)
    print(f"  workers (all reaped children of this process, since it started): user {kids.ru_utime:.2f} s, "
          f"system {kids.ru_stime:.2f} s, {kids.ru_minflt:,} minor faults")
    print(f"  total: wall {wall:.2f} s, CPU {parent + workers:.2f} s (parent {parent:.2f}, workers {workers:.2f}), "
          f"{1e6 * (parent + workers) / max(n, 1):.1f} CPU us/review (parent system {parent_sys:.2f}); max RSS of this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        with args.save.open("wb") as fh:
            pickle.dump(decided, fh, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"saved {args.save}")
    if args.check:
        with args.check.open("rb") as fh:
            want = pickle.load(fh)
        try:
            assert_frame_equal(decided, want, check_exact=True)
        except AssertionError as exc:
            print(f"DIFFERENT from {args.check}: {str(exc)[:2000]}")
            return 1
        print(f"identical to {args.check}")
    return 0


def _handoff(P, ref: Path, k: int, rounds: int) -> int:  # type: ignore[no-untyped-def]
    """``--handoff``: the long frames' hand-over from the pool to the decisions, and their decode after them."""
    import time

    joined = getattr(P, "_joined", None)
    for name in ("hits", "matches"):
        with (ref / f"{name}.pkl").open("rb") as fh:
            frame = pickle.load(fh)
        size = -(-len(frame) // k)
        parts = [P._encode(frame.iloc[i : i + size]) for i in range(0, len(frame), size)]
        del frame
        best = [float("inf")] * 3
        for _ in range(rounds):
            gc.collect()
            c = time.process_time()
            if joined is not None:
                held = joined(list(parts))
            else:
                held = P._encode(P._concat([p.decode() for p in parts]))
            c1 = time.process_time()
            P._trim_memory()  # as recommend does before it decodes: the decoded strings go to fresh pages
            c2, w2 = time.process_time(), time.perf_counter()
            back = held.decode()
            c3, w3 = time.process_time(), time.perf_counter()
            best = [min(best[0], c1 - c), min(best[1], c3 - c2), min(best[2], w3 - w2)]
            del held, back
            P._trim_memory()
        print(f"{P.__file__}: {name} ({sum(len(p.frame) for p in parts):,} rows, {k} parts): hand-over "
              f"{best[0]:.3f} CPU s ({'_joined' if joined else 'decode+concat+encode'}), decode after "
              f"{best[1]:.3f} CPU s, {best[2]:.3f} wall s (min of {rounds}); load {_loadavg()}")
    return 0


def _tree_pss_kib(root: int) -> int:
    """Summed PSS (KiB) of ``root`` and its descendants (Linux ``/proc``; 0 elsewhere)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(x) for x in (task / "children").read_text().split()]
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _triage(P, corpus: Path, processes: int) -> int:  # type: ignore[no-untyped-def]
    """``--triage``: run_triage of ``corpus`` with its timings, CPU and the process tree's peak PSS."""
    import os
    import threading

    from reviewtools.ingest import read_reviews

    frame = read_reviews(corpus).reviews
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_pss_kib(os.getpid()))

    s0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    load_start, t = _loadavg(), time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timings: dict[str, float] = {}
    P.run_triage(frame, processes=processes, timings=timings)
    done.set()
    sampler.join()
    s1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (s1.ru_utime + s1.ru_stime - s0.ru_utime - s0.ru_stime) + (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
    print(f"{P.__file__}: run_triage of {len(frame):,} reviews, processes={processes}: wall "
          f"{time.perf_counter() - t:.2f} s, CPU {cpu:.2f} s (this process and its workers, sampler included), "
          f"peak PSS of the tree {peak[0] // 1024:,} MiB; load average {load_start} -> {_loadavg()}")
    print("  " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
    return 0


def _capture(P, corpus: Path, ref: Path, processes: int) -> int:  # type: ignore[no-untyped-def]
    """``--capture``: run_triage of ``corpus``, its decision step's inputs pickled into ``ref`` (decoded)."""
    from reviewtools.ingest import read_reviews

    ref.mkdir(parents=True, exist_ok=True)
    real = P.recommend

    def saving(frame, hits, matches, settings=None, **kw):  # type: ignore[no-untyped-def]
        for name, obj in (("tagged", frame), ("hits", hits), ("matches", matches)):
            with (ref / f"{name}.pkl").open("wb") as fh:
                pickle.dump(obj.decode() if isinstance(obj, P._Encoded) else obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return real(frame, hits, matches, settings, **kw)

    P.recommend = saving
    P.run_triage(read_reviews(corpus).reviews, processes=processes)
    print(f"saved the decision step's inputs of {corpus} into {ref}")
    return 0


def _blocks_only(P, tagged: pd.DataFrame, hits: pd.DataFrame, matches: pd.DataFrame, rounds: int,  # type: ignore[no-untyped-def]
                 as_triage: bool = False) -> int:
    """``--blocks``: min CPU of ``_decide_block`` over every block of the frame (``whole=False``, as a worker)."""
    from reviewtools.schema import coerce

    out = coerce(tagged)
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(P._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    if as_triage:  # the long frames as run_triage holds them (dictionary-encoded)
        hits, matches = P._encode(hits), P._encode(matches)
    state = P._decision_state(P.ReplySettings(), hits, matches, "sentiment_label" in out.columns, (), existing)
    size = P.DECISION_MAX_BLOCK
    n = len(recs)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index_cpu = None
    if hasattr(P, "_block_index"):  # as recommend does before it forks (the parent's serial part, timed apart)
        t = time.process_time()
        index = P._block_index(recs, state, bounds)
        index_cpu = time.process_time() - t
        if index is not None:
            import dataclasses

            state = dataclasses.replace(state, blocks=index)
    load_start = _loadavg()
    best = float("inf")
    import inspect

    packed = "packed" in inspect.signature(P._decide_block).parameters
    pack = getattr(P, "_pack", None)
    for _ in range(rounds):
        gc.collect()
        t = time.process_time()
        for start, stop in bounds:
            at = {"start": start} if state.__dict__.get("blocks") is not None else {}
            if packed:  # what a pool task makes of its block: the packed columns
                P._decide_block(recs.iloc[start:stop], state, whole=False, packed=True, **at)
            elif pack is not None:
                pack(P._decide_block(recs.iloc[start:stop], state, whole=False, **at))
            else:
                P._decide_block(recs.iloc[start:stop], state, whole=False, **at)
        best = min(best, time.process_time() - t)
    extra = "" if index_cpu is None else f" (block index in the parent: {index_cpu:.3f} CPU s, not included)"
    print(f"{P.__file__}: {n:,} reviews, {len(bounds)} blocks of <= {size:,}: min CPU {best:.3f} s = "
          f"{1e6 * best / max(n, 1):.1f} us/review (min of {rounds}){extra}; load average {load_start} -> "
          f"{_loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
