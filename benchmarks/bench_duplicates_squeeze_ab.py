"""The duplicate check's normalising (``reviewtools._dupcore.squeeze``) of two builds of the native core,
interleaved in one process on the same texts.

    git -C /work/main show 15030d7:reviewtools/_dupcore.c > /tmp/dupcore_before.c
    gcc -shared -fPIC -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -ffp-contract=off -fno-fast-math \\
        -I<python include> /tmp/dupcore_before.c -o /tmp/dupcore_before.so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_squeeze_ab.py --reviews 1000000 \\
        --against /tmp/dupcore_before.so --rounds 7

The corpus's ``text`` column is cut into the blocks ``_normalised_texts`` gives (the same ``_chunks`` of
``_BLOCK_CHARS``); each round runs ``squeeze`` over every block with either build (fresh output arrays each time,
as the check allocates them), with transparent huge pages off as the check runs, and asserts the outputs (bytes,
offsets, word counts, flags) equal. CPU seconds per round, min and median; the order of the two is swapped every
round.
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
import pyarrow.compute as pc

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


def _blocks(n: int) -> list[tuple[Any, np.ndarray]]:
    """The check's normalising blocks of the corpus's texts: (data buffer, absolute int64 offsets)."""
    frame = bd._frame(n, None)
    blocks = []
    for c in d._text_chunks(frame["text"]):
        lengths = pc.binary_length(c).to_numpy(zero_copy_only=False).astype(np.int64)
        for lo, hi in d._chunks(lengths, d._BLOCK_CHARS):
            t = c.slice(lo, hi - lo).cast(d._LS)
            _, off_buf, data_buf = t.buffers()
            off = np.frombuffer(off_buf, dtype=np.int64)[t.offset:t.offset + len(t) + 1].copy()
            blocks.append((data_buf, off))
    return blocks


def _run(core: Any, blocks: list[tuple[Any, np.ndarray]]) -> tuple[float, str]:
    digest, spent = hashlib.md5(), 0.0
    for data, off in blocks:
        n = len(off) - 1
        out = np.empty(max(int(off[-1] - off[0]), 1), dtype=np.uint8)
        new_off, n_words, odd = np.empty(n + 1, np.int64), np.empty(n, np.int64), np.empty(n, np.uint8)
        t = time.process_time()
        used = core.squeeze(data, off, d._ASCII_WORD_LUT, out, new_off, n_words, odd)
        spent += time.process_time() - t
        for a in (out[:used], new_off, n_words, odd):
            digest.update(a.tobytes())
    return spent, digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100000)
    ap.add_argument("--against", type=Path, required=True, help="an earlier build of _dupcore (.so)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print("code:", Path(d.__file__).parent)
    blocks = _blocks(args.reviews)
    cores = {"before": _core(args.against), "now": d._dupcore}
    times: dict[str, list[float]] = {k: [] for k in cores}
    digests: dict[str, str] = {}
    with _huge_pages_off():
        for r in range(args.rounds):
            for name in (list(cores) if r % 2 == 0 else list(cores)[::-1]):
                spent, digests[name] = _run(cores[name], blocks)
                times[name].append(spent)
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f} CPU s", [round(x, 3) for x in v])
    if digests["before"] != digests["now"]:
        raise SystemExit("outputs differ")
    print("outputs equal")


if __name__ == "__main__":
    main()
