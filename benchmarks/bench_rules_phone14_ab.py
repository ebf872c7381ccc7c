"""A/B of the phone detector (issue 8, fourteenth session, helper ``checks``), OLD_TREE's rules.py vs this one.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules_phone14_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9

``_detect_phone`` on the rows ``check_each_review`` hands it (captured from this tree's run; the phone prefilter is
the same in both), findings asserted equal first. This tree's detector does not parse the matcher's candidates
that have too few digit-like characters for a valid number (``rules._phone_matches``).

CPU seconds (``time.process_time``), old and new interleaved (the order alternating), minimum and median of the
rounds and how many rounds the new side was lower.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_phone14_"))
    shutil.copytree(Path(args.old_tree) / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    print("code:", new.__file__, "old:", old.__file__)
    frame = read_reviews(args.input).reviews.head(args.reviews)
    for mod in (old, new):
        mod.load_rules()
        mod.check_each_review(frame.head(200))

    calls = []
    real = new.DETECTORS["phone"]

    def capture(rv, params):
        calls.append(((rv.title, rv.text, rv.platform, rv.marketplace, rv.vine), params))
        return real(rv, params)

    new.DETECTORS["phone"] = capture
    try:
        new.check_each_review(frame, rules=[r for r in new.load_rules() if r.detector == "phone"])
    finally:
        new.DETECTORS["phone"] = real

    def phone(mod):
        return [list(mod._detect_phone(mod._Review(*fields), params)) for fields, params in calls]

    found = phone(new)
    assert phone(old) == found, "outputs differ"
    secs = {"old": [], "new": []}
    for r in range(args.rounds):
        for side, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
            t = time.process_time()
            phone(mod)
            secs[side].append(time.process_time() - t)
    lower = sum(1 for a, b in zip(secs["old"], secs["new"]) if b < a)
    print(f"phone: outputs equal ({len(calls):,} calls, {sum(1 for f in found if f):,} with a finding); CPU s "
          f"min/median old {min(secs['old']):.4f}/{statistics.median(secs['old']):.4f} -> new "
          f"{min(secs['new']):.4f}/{statistics.median(secs['new']):.4f} (new lower {lower}/{args.rounds})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
