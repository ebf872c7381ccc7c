"""``_langcore.raw_scores`` of two builds on the heads the sentiment stage hands the language identifier: the A/B of
the rows' look-ahead (``RAHEAD``) — ``bench_lang_raw_ab.py`` itself (interleaved rounds in one process, outputs
asserted equal; CPU µs per head, min/median, rounds new was lower, load).

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_sentiment18_rows.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv \\
        --old $OLD/reviewtools/_langcore.cpython-311-x86_64-linux-gnu.so \\
        --new $NEW/reviewtools/_langcore.cpython-311-x86_64-linux-gnu.so --rounds 11

Other distances: build ``_langcore.c`` with ``-DRAHEAD=8`` (or 32, 64) into a scratch .so and pass it as ``--new``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lang_raw_ab import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
