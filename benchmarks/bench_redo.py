"""The decision step's serial re-phrasing pass (``pipeline._assemble``) alone, in one process: the re-phrasing search
started at the variant each block's worker stopped at (as ``recommend`` does) vs started at 0 (the full search).

    PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_redo.py --ref REF --rounds 5
    PYTHONPATH=$TREE .venv/bin/python $NEW/benchmarks/bench_redo.py --ref REF --rounds 5 --as-is   # any tree

``REF``: a ``bench_stages.py save`` folder (``tagged.pkl``, ``matches.pkl``, ``hits.pkl``). The blocks are decided
first, as the pool's tasks decide them (``_decide_block(..., whole=False, packed=True)``, ``DECISION_MAX_BLOCK``
rows each); then ``_assemble`` of those blocks is timed (CPU, ``time.process_time``) alternately with the variants
the workers sent (``start``) and with every variant set to 0 (``full``), ``--rounds`` pairs; before each run the
process-wide draft entries and the lint cache are emptied (the parent's are its own, not the workers'). Prints each
run, min and median per arm, how many drafts were re-phrased and the variants skipped, and checks that both arms
give the same columns (exit status 1 when not). ``--as-is``: only ``_assemble`` of the blocks as the tree's workers
send them, ``--rounds`` times (for trees without the variant: run old and new trees alternately).
``--old-respond FILE``: the full arm also works the phrasing spaces out with FILE's ``_DraftContext.all_norms``
(loaded as a second module), so the two arms are the old and the new parent pass in one process.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import pickle
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--as-is", action="store_true", help="time _assemble of the blocks as sent, no second arm")
    ap.add_argument("--old-respond", type=Path, metavar="FILE",
                    help="the full arm also uses this respond.py's _DraftContext.all_norms (e.g. an old tree's)")
    args = ap.parse_args(argv)

    import reviewtools.pipeline as P
    import reviewtools.respond as R
    from reviewtools.schema import coerce

    print(f"code: {P.__file__}")

    def load(name: str):  # type: ignore[no-untyped-def]
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    P._warm_worker()
    out = coerce(tagged)
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(P._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    settings = P.ReplySettings()
    state = P._decision_state(settings, hits, matches, "sentiment_label" in out.columns, (), existing)
    n, size = len(recs), P.DECISION_MAX_BLOCK
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = P._block_index(recs, state, bounds)
    if index is not None:
        state = dataclasses.replace(state, blocks=index)
    blocks = []
    for start, stop in bounds:
        at = {"start": start} if index is not None else {}
        blocks.append(P._decide_block(recs.iloc[start:stop], state, whole=False, packed=True, **at))
    if args.as_is:
        ts = []
        for _ in range(args.rounds):
            R._SHARED_ENTRIES.clear()
            R._lint_cached.cache_clear()
            gc.collect()
            t = time.process_time()
            P._assemble(blocks, recs, settings, existing)
            ts.append(time.process_time() - t)
        print(f"{n:,} reviews, {len(blocks)} blocks; _assemble: " + " / ".join(f"{t:.3f}" for t in ts) +
              f"  min {min(ts):.3f} median {statistics.median(ts):.3f} CPU s")
        return 0
    # variant -1: the parent's search starts at 0 (it starts after the variant the worker sent)
    full = [dataclasses.replace(b, redo=[(*item[:-1], -1) for item in b.redo]) for b in blocks]
    n_items = sum(len(b.redo) for b in blocks)
    skipped = sum(item[-1] for b in blocks for item in b.redo)  # variants before the worker's

    # how many of the redo rows the parent re-phrases (their drafts an earlier block had)
    page = set(existing)
    rephrased = 0
    for b in blocks:
        for item in b.redo:
            if item[1] in page:
                rephrased += 1
            page.add(item[1])
    # (the pages differ once a draft is re-phrased; this counts the first-choice collisions, near enough)

    norms = {"full": R._DraftContext.all_norms, "start": R._DraftContext.all_norms}
    if args.old_respond:
        import importlib.util

        spec = importlib.util.spec_from_file_location("reviewtools._old_respond", args.old_respond)
        old = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[spec.name] = old  # type: ignore[union-attr]
        spec.loader.exec_module(old)  # type: ignore[union-attr]
        norms["full"] = old._DraftContext.all_norms
    times: dict[str, list[float]] = {"full": [], "start": []}
    got: dict[str, dict] = {}
    for _ in range(args.rounds):
        for name, bl in (("full", full), ("start", blocks)):
            R._SHARED_ENTRIES.clear()
            R._lint_cached.cache_clear()
            R._DraftContext.all_norms = norms[name]
            gc.collect()
            t = time.process_time()
            cols = P._assemble(bl, recs, settings, existing)
            times[name].append(time.process_time() - t)
            got.setdefault(name, cols)
    same = all(got["full"][c].equals(got["start"][c]) for c in got["full"])
    print(f"{n:,} reviews, {len(blocks)} blocks; {n_items:,} fresh drafts sent back, ~{rephrased:,} re-phrased; "
          f"variants the start skips: {skipped:,} (before the workers' variants) + one per re-phrased draft")
    for name, ts in times.items():
        print(f"{name:5s}: " + " / ".join(f"{t:.3f}" for t in ts) +
              f"  min {min(ts):.3f} median {statistics.median(ts):.3f} CPU s")
    print("columns identical" if same else "COLUMNS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
