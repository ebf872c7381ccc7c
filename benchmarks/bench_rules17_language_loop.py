"""The language prefilter's loop over its undecided rows (issue 8, seventeenth session, helper ``checks_p``): an
older ``rules.py`` against this tree's, in one process on the same batches.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules17_language_loop.py \\
        --old OLD_TREE/reviewtools/rules.py --input benchmarks/out/reviews_100000_seed8.csv --rounds 11

The old file is loaded as a second module of the package (``reviewtools._rules_old17``) sharing this tree's
language memo (``_CLASSIFIED``), so both read the same classifications. Per ``--rows`` partition (a pipeline
worker's, ``pipeline.MAX_PARTITION_ROWS``): sentiment first (it fills the memo, as in ``triage_partition``), then
a batch per module with the partition's Arrow columns (``_Batch(..., arrays=...)``, as ``check_each_review`` makes
it) and one untimed call of each side's ``PREFILTERS["language"]`` (the shared byte counts it memoises stay, so
the timed calls are the prefilter's own work: its native word counts, the bounds, the loop). Then per round each
side's prefilter on its batch (CPU, ``time.process_time``, summed over the partitions), alternating which goes
first; the masks must be equal. Prints min/median per side, rounds ``new`` was lower, the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", required=True, help="an older reviewtools/rules.py")
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()

    import numpy as np

    import reviewtools
    from reviewtools import pipeline, rules
    from reviewtools.ingest import read_reviews
    from reviewtools.sentiment import score_sentiment

    spec = importlib.util.spec_from_file_location("reviewtools._rules_old17", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    old._CLASSIFIED = rules._CLASSIFIED  # one memo for both
    print("code:", reviewtools.__file__, "old:", old.__file__, flush=True)

    frame = read_reviews(args.input).reviews
    pipeline._warm_worker()
    batches = []
    for a in range(0, len(frame), args.rows):
        part = frame.iloc[a: a + args.rows]
        score_sentiment(part)
        for mod in (old, rules):
            mod.check_each_review(part.iloc[:200])  # each module's lazily built state
        pair = {}
        for side, mod in (("old", old), ("new", rules)):
            n = len(part)
            arrays = {f: x for f in mod.FIELDS if (x := mod._arrow_str_column(part, f)) is not None}
            strings = getattr(mod, "_field_strings", None)
            titles = strings(part, "title", arrays.get("title")) if strings else mod._str_column(part, "title")
            texts = strings(part, "text", arrays.get("text")) if strings else mod._str_column(part, "text")
            markets = mod._platform_market_vine(part, mod._rules_per_platform(mod.load_rules()))[1]
            batch = mod._Batch(titles, texts, markets, [None] * n, arrays=arrays)
            rule = next(r for r in mod.load_rules() if r.detector == "language" and "amazon" in r.platforms)
            mod._LANGUAGE_SHORT_KNOWN = False  # a mask on both sides (twentieth session's switch)
            mod.PREFILTERS["language"](batch, rule, ())
            pair[side] = (mod, batch, rule)
        batches.append(pair)
    spent: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        got = dict.fromkeys(order, 0.0)
        for pair in batches:
            masks = {}
            for side in order:
                mod, batch, rule = pair[side]
                t = time.process_time()
                masks[side] = mod.PREFILTERS["language"](batch, rule, ())
                got[side] += time.process_time() - t
            assert np.array_equal(masks["old"], masks["new"])
        for side in order:
            spent[side].append(got[side])
    for side in ("old", "new"):
        v = spent[side]
        print(f"{side}: language prefilter CPU ms per round ({len(batches)} partitions, {len(frame):,} rows) "
              f"min {1e3 * min(v):.2f} median {1e3 * statistics.median(v):.2f}")
    lower = sum(n < o for n, o in zip(spent["new"], spent["old"]))
    print(f"new lower in {lower}/{args.rounds} rounds; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
