"""A/B of the phrase detectors (issue 8, fourteenth session, helper ``checks``), OLD_TREE's rules.py vs this one.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_segments14_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9

``compensated``, ``phrases`` (each rule's own phrase list) and ``seller_feedback`` on the rows
``check_each_review`` hands them (captured from this tree's run; the prefilters are the same in both), findings
asserted equal first. This tree runs a phrase pattern whose matches stay inside the segments between sentence
punctuation only on the segments that hold one of its literals (``rules._segment_matches``), and the seller
detector's sentence searches only where one of the pattern's literals is (``rules._literal_starts``).

CPU seconds (``time.process_time``), old and new interleaved (the order alternating), minimum and median of the
rounds and how many rounds the new side was lower; per detector, and per phrase list with ``--per-list``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reviewtools import rules as new
from reviewtools.ingest import read_reviews

DETECTORS = ("compensated", "phrases", "seller_feedback")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--per-list", action="store_true", help="time each phrase list's calls apart")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_segments14_"))
    shutil.copytree(Path(args.old_tree) / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    print("code:", new.__file__, "old:", old.__file__)
    frame = read_reviews(args.input).reviews.head(args.reviews)
    for mod in (old, new):
        mod.load_rules()
        mod.check_each_review(frame.head(200))

    calls: dict[str, list] = {}
    real = {d: new.DETECTORS[d] for d in DETECTORS}

    def capture(name):
        def run(rv, params):
            key = f"{name}:{params.get('phrases', '')}" if args.per_list else name
            calls.setdefault(key, []).append(((rv.title, rv.text, rv.platform, rv.marketplace, rv.vine), params))
            return real[name](rv, params)
        return run

    for d in DETECTORS:
        new.DETECTORS[d] = capture(d)
    try:
        new.check_each_review(frame, rules=[r for r in new.load_rules() if r.detector in DETECTORS])
    finally:
        new.DETECTORS.update(real)

    for key, rows in sorted(calls.items()):
        name = key.split(":")[0]

        def run(mod):
            det = mod.DETECTORS[name]
            return [list(det(mod._Review(*fields), params)) for fields, params in rows]

        found = run(new)
        assert run(old) == found, f"{key}: outputs differ"
        secs = {"old": [], "new": []}
        for r in range(args.rounds):
            for side, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                t = time.process_time()
                run(mod)
                secs[side].append(time.process_time() - t)
        lower = sum(1 for a, b in zip(secs["old"], secs["new"]) if b < a)
        print(f"{key}: outputs equal ({len(rows):,} calls, {sum(1 for f in found if f):,} with a finding); CPU s "
              f"min/median old {min(secs['old']):.4f}/{statistics.median(secs['old']):.4f} -> new "
              f"{min(secs['new']):.4f}/{statistics.median(secs['new']):.4f} (new lower {lower}/{args.rounds})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
