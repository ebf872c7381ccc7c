"""The phone prefilter's extension rows, old (any extension word) against new (an extension right after a decimal
digit, ``rules._re2_phone_extension_attached``), interleaved in one process (issue 8, eighteenth session, helper
``checks_p``; .work/notes18/checks_p.md).

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules18_phone_attached.py \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9

The process warms up as a triage worker does (``pipeline._warm_worker``, ``gc.freeze``), splits the corpus into
50,000-row partitions and runs sentiment and topics on each (the language memo a worker has). The old side is the
same code with ``_re2_phone_extension_attached`` answering None (the prefilter then refines by the old superset).
Per round, old and new alternating (order swapped each round):

* ``phone``: for each partition, a batch as ``check_each_review`` makes it with the shared views the earlier
  prefilters build already made (the joined view, its bytes, the ASCII digit counts), then ``_pre_phone`` and the
  phone detector on the rows it keeps: CPU seconds summed over the partitions; the kept rows' findings equal.
* ``checks``: ``check_each_review`` of every partition (CPU seconds summed); the hit frames equal.

Minimum and median per side, and in how many rounds new was lower."""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import time

import numpy as np
import pandas as pd


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--no-checks", action="store_true", help="time the phone part only")
    args = ap.parse_args()

    from reviewtools import pipeline as P
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews
    from reviewtools.sentiment import score_sentiment
    from reviewtools.topics import find_and_tag_topics

    print("code:", R.__file__)
    frame = read_reviews(args.input).reviews
    P._warm_worker()
    gc.collect()
    gc.freeze()
    parts = [frame.iloc[a: a + args.rows].reset_index(drop=True) for a in range(0, len(frame), args.rows)]
    for part in parts:
        find_and_tag_topics(score_sentiment(part))
    rule = next(r for r in R.load_rules() if r.rule_id == "AMZ-PRIVATE-PHONE")
    new_attached = R._re2_phone_extension_attached

    def side(old: bool) -> None:
        R._re2_phone_extension_attached = (lambda: None) if old else new_attached

    def batch(part: pd.DataFrame) -> R._Batch:
        arrow = {f: R._arrow_str_column(part, f) for f in R.FIELDS}
        markets = [m if isinstance(m, str) else None for m in part["marketplace"].tolist()]
        b = R._Batch(R._LazyStrings(arrow["title"]), R._LazyStrings(arrow["text"]), markets, [None] * len(part),
                     arrays=arrow)
        b.byte_count("joined", R._ASCII_DIGITS)  # built by earlier prefilters in a check
        b._bytes("joined")
        return b

    def phone(b: R._Batch) -> tuple[float, list]:
        c = time.process_time()
        sel = R._pre_phone(b, rule, ())
        found = []
        for j in np.flatnonzero(sel).tolist():
            rv = R._Review(b.titles[j], b.texts[j], "amazon", b.markets[j], None, ())
            found.extend((j, f) for f in R._detect_phone(rv, rule.params))
        return time.process_time() - c, found

    times: dict[str, dict[str, list[float]]] = {k: {"old": [], "new": []} for k in ("phone", "checks")}
    rows_kept = {}
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        got: dict[str, list] = {}
        for name in order:
            side(name == "old")
            secs, found = 0.0, []
            for k, part in enumerate(parts):
                b = batch(part)
                s, f = phone(b)
                secs += s
                found.append(f)
            times["phone"][name].append(secs)
            got[name] = found
        assert got["old"] == got["new"], "phone findings differ"
        if not args.no_checks:
            frames = {}
            for name in order:
                side(name == "old")
                c = time.process_time()
                frames[name] = [R.check_each_review(part) for part in parts]
                times["checks"][name].append(time.process_time() - c)
            for a, b_ in zip(frames["old"], frames["new"]):
                pd.testing.assert_frame_equal(a, b_)
        side(False)
        print(f"round {r + 1}: " + ", ".join(f"{k} {v['old'][-1]:.3f} -> {v['new'][-1]:.3f}"
                                             for k, v in times.items() if v["old"]), "load", os.getloadavg()[0])
    side(False)
    for name, part in (("old", True), ("new", False)):
        side(part)
        rows_kept[name] = sum(int(R._pre_phone(batch(p), rule, ()).sum()) for p in parts)
    side(False)
    print("phone detector rows (all partitions): old", rows_kept["old"], "new", rows_kept["new"])
    for k, v in times.items():
        if not v["old"]:
            continue
        lower = sum(n < o for o, n in zip(v["old"], v["new"]))
        print(f"{k}: old min/median {min(v['old']):.4f}/{statistics.median(v['old']):.4f}  new "
              f"{min(v['new']):.4f}/{statistics.median(v['new']):.4f}  new lower {lower}/{len(v['old'])}")
    print("load average", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
