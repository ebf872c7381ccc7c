"""A/B of ``duplicates.PREFAULT`` (session 18: the native core's large outputs, the normalised texts and each
shingle occurrence's token, prefaulted by one ``madvise(MADV_POPULATE_WRITE)`` each) in fresh forked children, as
``run_triage`` runs the check: the parent loads the benchmark frame once (``bench_duplicates``' cache), each round
forks a child with PREFAULT off and one with it on (order alternating), each runs ``find_duplicates`` with
transparent huge pages off and reports its user and system CPU seconds and minor faults; outputs frame-equal.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates18_prefault.py --reviews 1000000 --rounds 7

(Repeated calls in one process reuse freed memory and fault less: only fresh processes show the faults.)
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reviewtools.duplicates as dup  # noqa: E402
from bench_duplicates import _frame  # noqa: E402
from reviewtools import ingest  # noqa: E402


def _child(frame: pd.DataFrame, on: bool, out: Path) -> None:
    dup.PREFAULT = on
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    with ingest._huge_pages_off():
        got = dup.find_duplicates(frame)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    out.write_bytes(pickle.dumps((r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime,
                                  r1.ru_minflt - r0.ru_minflt, got)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    frame = _frame(a.reviews, None)
    res: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
    ref = None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "child.pkl"
        for r in range(a.rounds):
            for on in (False, True) if r % 2 == 0 else (True, False):
                pid = os.fork()
                if pid == 0:  # the child: the check, its figures, and out
                    try:
                        _child(frame, on, out)
                    finally:
                        os._exit(0)
                os.waitpid(pid, 0)
                user, system, faults, got = pickle.loads(out.read_bytes())
                if ref is None:
                    ref = got
                else:
                    pd.testing.assert_frame_equal(ref, got)
                res[on].append((user + system, system, faults))
                print(f"round {r} PREFAULT={on}: cpu {user + system:.2f} (user {user:.2f}, sys {system:.2f}), "
                      f"minflt {faults}, load {os.getloadavg()[0]:.1f}", flush=True)
    for on in (False, True):
        cpu, system = [x[0] for x in res[on]], [x[1] for x in res[on]]
        print(f"PREFAULT={on}: cpu min {min(cpu):.2f} median {statistics.median(cpu):.2f}; "
              f"sys min {min(system):.2f} median {statistics.median(system):.2f}")
    pairs = list(zip(res[False], res[True]))
    print(f"on lower: cpu {sum(b[0] < o[0] for o, b in pairs)}/{a.rounds}, sys {sum(b[1] < o[1] for o, b in pairs)}/"
          f"{a.rounds}; outputs frame-equal; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
