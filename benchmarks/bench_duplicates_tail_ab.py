"""The duplicate check's output tail (``_Duplicates._hit_block`` of the exact and near rows, then ``_frame``) of an
earlier ``reviewtools/duplicates.py`` against the current one, interleaved in one process on the same inputs.

    git -C /work/main show ce9c51f:reviewtools/duplicates.py > /tmp/dup_before.py
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_tail_ab.py --reviews 1000000 \\
        --against /tmp/dup_before.py --rounds 7

The current check runs once on the corpus (transparent huge pages off, as the check runs) and records the state
and the arguments of its ``_hit_block`` calls and the not-run block; then each round builds the hit blocks and
the frame with either module's functions (the order of the two swapped every round) and asserts the frames
equal (``pd.testing.assert_frame_equal``). CPU seconds (user + system) and minor page faults per round, min and
median. The earlier module must run with the native core of this tree (its functions are called on this state).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402
from reviewtools.ingest import _huge_pages_off  # noqa: E402


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("reviewtools._duplicates_tail_before", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _capture(frame: pd.DataFrame) -> tuple[Any, list[tuple[Any, ...]], list[dict[str, Any]]]:
    """The state of one check and its ``_hit_block`` calls' arguments, and the blocks ``_frame`` got that were
    not made by ``_hit_block`` (the not-run block)."""
    calls: list[tuple[Any, ...]] = []
    got: dict[str, Any] = {}
    hit_block, frame_fn = d._Duplicates._hit_block, d._Duplicates._frame

    def spy_hit(self: Any, *args: Any) -> Any:
        got["state"] = self
        calls.append(args)
        out = hit_block(self, *args)
        out["_made"] = True
        return out

    def spy_frame(self: Any, blocks: list[dict[str, Any]]) -> Any:
        got["state"] = self
        got["other"] = [b for b in blocks if not b.get("_made") and len(b["rows"])]
        got["order"] = [bool(b.get("_made")) for b in blocks if len(b["rows"])]
        return frame_fn(self, [{k: v for k, v in b.items() if k != "_made"} for b in blocks])

    d._Duplicates._hit_block, d._Duplicates._frame = spy_hit, spy_frame  # type: ignore[method-assign]
    try:
        d.find_duplicates(frame)
    finally:
        d._Duplicates._hit_block, d._Duplicates._frame = hit_block, frame_fn  # type: ignore[method-assign]
    assert got["order"] == sorted(got["order"]), "the not-run block is expected first"
    return got["state"], calls, got["other"]


def _tail(mod: Any, state: Any, calls: list[tuple[Any, ...]], other: list[dict[str, Any]]) -> pd.DataFrame:
    blocks = list(other) + [mod._Duplicates._hit_block(state, *args) for args in calls]
    return mod._Duplicates._frame(state, blocks)


def _usage() -> tuple[float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_minflt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100000)
    ap.add_argument("--against", type=Path, required=True, help="an earlier reviewtools/duplicates.py")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print("code:", Path(d.__file__).parent)
    before = _module(args.against)
    frame = bd._frame(args.reviews, None)
    times: dict[str, list[float]] = {"before": [], "now": []}
    faults: dict[str, list[int]] = {"before": [], "now": []}
    with _huge_pages_off():
        state, calls, other = _capture(frame)
        print(f"{len(calls)} hit blocks of {sum(len(c[0]) for c in calls):,} rows; other rows "
              f"{sum(len(b['rows']) for b in other):,}")
        ref = None
        for r in range(args.rounds):
            for name in (("before", "now") if r % 2 == 0 else ("now", "before")):
                mod = before if name == "before" else d
                c0, f0 = _usage()
                t = time.process_time()
                out = _tail(mod, state, calls, other)
                spent = time.process_time() - t
                c1, f1 = _usage()
                times[name].append(spent)
                faults[name].append(f1 - f0)
                if ref is None:
                    ref = out
                else:
                    pd.testing.assert_frame_equal(out, ref)
                del out
                d._release()
            print(f"round {r + 1}: before {times['before'][-1]:.3f} ({faults['before'][-1]} flt)  "
                  f"now {times['now'][-1]:.3f} ({faults['now'][-1]} flt)  load {bd._load_avg()}")
    for name in ("before", "now"):
        print(f"{name:6s} min {min(times[name]):.3f} median {statistics.median(times[name]):.3f} CPU s; "
              f"minor faults median {int(statistics.median(faults[name]))}")
    lower = sum(n < b for n, b in zip(times["now"], times["before"]))
    print(f"now lower in {lower}/{args.rounds} rounds; frames equal")


if __name__ == "__main__":
    main()
