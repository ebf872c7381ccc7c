"""Interleaved A/B of ``recommend``'s serial head and tail (before and after its decision pool) between two trees, by
``bench_decisions.py --as-triage`` run in each tree in turn (``PYTHONPATH=<tree>``), on saved stage outputs.

    .venv/bin/python benchmarks/bench_decide_tail_ab.py --old /tmp/decide_old --new /tmp/decide_new \\
        --ref /tmp/lint_work/ref150s --pairs 5 [--copies 3]

Per run: the wall seconds (and parent CPU seconds) from the long frames held encoded to the start of
``_assemble`` (the parent's serial start: the decision state, priority's inputs, the block index, the fork); the
wall seconds from the end of ``_assemble`` (the pool's last block read) to ``recommend``'s return
(the held frames' decode, when it is done there, and the columns' assignment), the whole run's wall and its CPU
seconds (parent + workers). Prints each pair and min/median per tree; the first tree given runs first in each pair.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

_PHASE = re.compile(r"^\s*(.+?) -> (.+?)\s+wall\s+([0-9.]+) s\s+parent CPU\s+(-?[0-9.]+) s")
_TOTAL = re.compile(r"total: wall ([0-9.]+) s, CPU ([0-9.]+) s \(parent ([0-9.]+), workers ([0-9.]+)\)")


def _run(tree: Path, ref: Path, copies: int, processes: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, str(tree / "benchmarks" / "bench_decisions.py"), "--ref", str(ref), "--processes",
           str(processes), "--as-triage", "--copies", str(copies)]
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=True).stdout
    if f"{tree}/reviewtools/pipeline.py" not in out:
        raise SystemExit(f"not the tree's code: {out[:300]}")
    tail, after = 0.0, False
    head = head_cpu = 0.0
    before = True
    for line in out.splitlines():
        m = _PHASE.match(line)
        if not m:
            continue
        a, b, wall = m.group(1).strip(), m.group(2).strip(), float(m.group(3))
        if before and a != "start":
            head += wall
            head_cpu += float(m.group(4))
        if b == "_assemble start":
            before = False
        if a == "_assemble end":
            after = True
        if after:
            tail += wall
        if b == "recommended":
            after = False
    t = _TOTAL.search(out)
    if t is None:
        raise SystemExit(f"no total in: {out[-500:]}")
    return {"head": head, "head_cpu": head_cpu, "tail": tail, "wall": float(t.group(1)), "cpu": float(t.group(2)), "parent": float(t.group(3)),
            "workers": float(t.group(4))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True)
    ap.add_argument("--new", type=Path, required=True)
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args(argv)
    got: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for i in range(args.pairs):
        order = (("old", args.old), ("new", args.new)) if i % 2 == 0 else (("new", args.new), ("old", args.old))
        for name, tree in order:
            r = _run(tree.resolve(), args.ref, args.copies, args.processes)
            got[name].append(r)
            print(f"pair {i + 1} {name}: head wall {r['head']:.3f} s (parent CPU {r['head_cpu']:.3f} s), tail wall {r['tail']:.3f} s, wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s "
                  f"(parent {r['parent']:.2f}, workers {r['workers']:.2f})", flush=True)
    for key in ("head", "head_cpu", "tail", "wall", "cpu", "parent", "workers"):
        o, n = [r[key] for r in got["old"]], [r[key] for r in got["new"]]
        lower = sum(b < a for a, b in zip(o, n))
        print(f"{key:>8}: old min/median {min(o):.3f}/{statistics.median(o):.3f} -> new {min(n):.3f}/"
              f"{statistics.median(n):.3f} (new lower {lower}/{len(o)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
