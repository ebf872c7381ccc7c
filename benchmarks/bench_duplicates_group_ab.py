"""The duplicate check's grouping of equal normalised texts (``reviewtools._dupcore.group``) of two builds of the
native core, interleaved in one process on the same texts.

    git -C /work/main show 0d5e23c:reviewtools/_dupcore.c > /tmp/dupcore_before.c
    gcc -shared -fPIC -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -ffp-contract=off -fno-fast-math \\
        -I<python include> /tmp/dupcore_before.c -o /tmp/dupcore_before.so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_group_ab.py --reviews 1000000 \\
        --against /tmp/dupcore_before.so --rounds 7

The corpus's ``text`` column is normalised as the check does it (``_normalised_texts``); each round groups every
row with either build (as ``_Duplicates.result``'s first grouping, without the distinct texts), with transparent
huge pages off as the check runs, and asserts the codes and first rows equal. CPU seconds per round, min and
median; the order of the two is swapped every round.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402
from reviewtools.ingest import _huge_pages_off  # noqa: E402


def _core(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("_dupcore", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(core: Any, chunks: list[Any], rows: np.ndarray) -> tuple[float, str]:
    code, rep = np.empty(len(rows), np.int64), np.empty(len(rows), np.int64)
    t = time.process_time()
    k, _, _ = core.group(chunks, rows, code, rep, False)
    spent = time.process_time() - t
    return spent, hashlib.md5(code.tobytes() + rep[:k].tobytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100000)
    ap.add_argument("--against", type=Path, required=True, help="an earlier build of _dupcore (.so)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print("code:", Path(d.__file__).parent)
    frame = bd._frame(args.reviews, None)
    norm, _ = d._normalised_texts(d._text_chunks(frame["text"]))
    chunks, rows = d._chunk_buffers(norm), np.arange(len(norm), dtype=np.int64)
    cores = {"before": _core(args.against), "now": d._dupcore}
    times: dict[str, list[float]] = {k: [] for k in cores}
    digests: dict[str, str] = {}
    with _huge_pages_off():
        for r in range(args.rounds):
            for name in (list(cores) if r % 2 == 0 else list(cores)[::-1]):
                spent, digests[name] = _run(cores[name], chunks, rows)
                times[name].append(spent)
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f} CPU s", [round(x, 3) for x in v])
    if digests["before"] != digests["now"]:
        raise SystemExit("outputs differ")
    print("outputs equal")


if __name__ == "__main__":
    main()
