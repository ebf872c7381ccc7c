"""The shared tokens' ranks of the duplicate check: ``duplicates._token_ranks`` (one argsort of a packed key)
against the two sorts it replaced (an argsort of the hashes, then a stable one of the capped frequencies, as at
15030d7), interleaved in one process on the token table of a corpus.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_ranks_ab.py --reviews 1000000 --rounds 9

The table comes from the check's own steps on the corpus's texts (normalised, then every text shingled through
``_dupcore.tokens``; the check's grouping of equal texts is skipped, so there are a few more tokens); each round
ranks it both ways and asserts the ranks equal. CPU seconds per round, min and median; the order of the
two is swapped every round.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def _two_sorts(tok_hash: np.ndarray, tok_df: np.ndarray) -> np.ndarray:
    used = np.flatnonzero(tok_df >= 2)
    order = np.argsort(tok_hash[used])
    order = order[np.argsort(np.minimum(tok_df[used], np.iinfo(np.uint16).max).astype(np.uint16)[order], kind="stable")]
    rank_of = np.full(len(tok_df), -1, dtype=np.int32)
    rank_of[used[order]] = np.arange(len(used), dtype=np.int32)
    return rank_of


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    print("code:", Path(d.__file__).parent)
    if d._dupcore is None:
        raise SystemExit("needs the native core (reviewtools._dupcore)")
    frame = bd._frame(args.reviews, None)
    norm, n_words = d._normalised_texts(d._text_chunks(frame["text"]))
    counts = d._shingle_counts(norm, n_words)
    slot_of = np.empty(int(counts.sum()), dtype=np.int32)
    size, private = np.empty(len(counts), np.int64), np.empty(len(counts), np.int64)
    hashes, df = d._dupcore.tokens(d._chunk_buffers(norm), np.arange(len(norm), dtype=np.int64), d.SHINGLE_WORDS,
                                   int(d._SHINGLE_MULT), d._native_word_hash(), counts, slot_of, size, private)
    del slot_of, norm
    tok_hash, tok_df = np.frombuffer(hashes, dtype=np.uint64), np.frombuffer(df, dtype=np.int32)
    print(f"{len(tok_df):,} tokens, {int((tok_df >= 2).sum()):,} shared")
    ways = {"two sorts": _two_sorts, "one argsort": d._token_ranks}
    times: dict[str, list[float]] = {k: [] for k in ways}
    got = {}
    for r in range(args.rounds):
        for name in (list(ways) if r % 2 == 0 else list(ways)[::-1]):
            t = time.process_time()
            got[name] = ways[name](tok_hash, tok_df)
            times[name].append(time.process_time() - t)
        if not np.array_equal(got["two sorts"], got["one argsort"]):
            raise SystemExit("ranks differ")
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.4f} median {s[len(s) // 2]:.4f} CPU s", [round(x, 4) for x in v])
    print("ranks equal")


if __name__ == "__main__":
    main()
