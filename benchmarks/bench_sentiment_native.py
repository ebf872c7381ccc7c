"""CPU of the native parts of ``score_sentiment`` on their own, with a digest of what they return.

    for tree in /tmp/st8_old /work/main /tmp/st8_old /work/main; do
        PYTHONPATH=$tree .venv/bin/python benchmarks/bench_sentiment_native.py \\
            --corpus benchmarks/out/reviews_100000_seed8.csv
    done

Parts (each the minimum over ``--rounds`` of CPU seconds, ``time.process_time``, per review of the corpus):
``split_ascii`` (the ASCII texts and titles, their sentence spans), ``ascii_head_counts`` (texts, titles and 20k
upper-cased texts: the language pre-pass's counts) and the VADER scoring of the review strings and sentences of
25k blocks (``joined_scores_and_compounds`` where the tree has it, else ``joined_scores_array`` then
``compound_spans``). The digests of split_ascii and ascii_head_counts must be equal between trees (same
spans, same counts); the scores are compared by ``check_identical`` and the tests. Run it alternately for two
trees (``PYTHONPATH``); the load average is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np


def _best(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import sentiment as S
    from reviewtools.ingest import read_reviews
    from reviewtools.rules import LANGUAGE_MAX_CHARS
    from reviewtools.vader import get_analyzer, native_module

    core = native_module()
    if core is None:
        print("bench_sentiment_native: the native core is not built; skipped")
        return 0
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    texts, titles = S._text_list(frame["text"]), S._text_list(frame["title"])
    out = [f"{Path(reviewtools.__file__).parent.parent}:"]

    ascii_texts = [t for t in texts + titles if t.isascii()]
    sargs = S._native_splitter_args()
    raw, left = core.split_ascii(ascii_texts, *sargs)
    digest = hashlib.sha256(raw + repr(left).encode()).hexdigest()[:12]
    out.append(f"split_ascii {_best(lambda: core.split_ascii(ascii_texts, *sargs), args.rounds) * 1e6 / n:.3f} "
               f"[{digest}]")

    heads = texts + titles + [t.upper() for t in texts[:20000]]
    keys, longest = S._packed_english_words()
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    bufs = [np.empty(len(heads), dtype=np.int64) for _ in range(3)] + [np.empty(len(heads), dtype=np.int8)]
    core.ascii_head_counts(heads, keys, longest, LANGUAGE_MAX_CHARS, *bufs)
    digest = hashlib.sha256(b"".join(b.tobytes() for b in bufs)).hexdigest()[:12]
    t = _best(lambda: core.ascii_head_counts(heads, keys, longest, LANGUAGE_MAX_CHARS, *bufs), args.rounds)
    out.append(f"ascii_head_counts {t * 1e6 / n:.3f} [{digest}]")

    fv = get_analyzer()
    blocks = []
    for lo in range(0, n, 25_000):
        ti, tx = titles[lo : lo + 25_000], texts[lo : lo + 25_000]
        blocks.append((ti, tx, S._Sentences.of(ti, tx)))
    joint = getattr(fv, "joined_scores_and_compounds", None)

    def score() -> None:
        for ti, tx, s in blocks:
            if joint is not None:
                joint(ti, tx, S.TITLE_TEXT_SEPARATOR, s.pool, s.owner, s.start, s.end)
            else:
                fv.joined_scores_array(ti, tx, S.TITLE_TEXT_SEPARATOR)
                fv.compound_spans(s.pool, s.owner, s.start, s.end)

    out.append(f"VADER scoring {_best(score, args.rounds) * 1e6 / n:.3f}")
    print(" ".join(out) + f" CPU us/review ({n:,} reviews); load {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
