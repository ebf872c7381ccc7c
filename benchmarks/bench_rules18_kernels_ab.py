"""One of the checks' native kernels of two builds on the arguments real partitions give it (issue 8, eighteenth
session, helper ``checks_k``): bench_rules17_kernels_ab.py with ``ws_literal_rows`` as the default kernel.

    cd NEW && PYTHONPATH=NEW .venv/bin/python benchmarks/bench_rules18_kernels_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 15 [--kernel literal_rows]

Records every call ``check_each_review`` makes to the kernel on the corpus's 50,000-row partitions (after a warm
call), then runs OLD_TREE's and this tree's built ``_checkcore`` on them, old and new alternated per call (which goes
first alternates per round), fresh output buffers each time, every output asserted equal; prints the CPU
milliseconds of all the calls per round (min, median), the rounds new was lower in and the load average."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_rules17_kernels_ab as _kernels_ab  # noqa: E402

if __name__ == "__main__":
    if not any(a == "--kernel" or a.startswith("--kernel=") for a in sys.argv[1:]):
        sys.argv[1:1] = ["--kernel", "ws_literal_rows"]
    sys.exit(_kernels_ab.main())
