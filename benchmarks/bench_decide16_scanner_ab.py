"""In-process A/B of building respond's draft-lint literal scanner (``respond._LiteralScanner``: once per process
that lints drafts, in each decision worker's first block and in the parent's first re-phrasing), an old
``respond.py`` loaded as a second module against this tree's, interleaved; the two scanners' ``covers`` and
``known`` asserted equal first. Prints CPU seconds (``time.process_time``) per build, min and median, and in how
many rounds the tree's was lower.

    git -C /work/main show 4d7a25f:reviewtools/respond.py > /tmp/respond_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide16_scanner_ab.py /tmp/respond_old.py 15
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

import reviewtools.respond as NEW


def main() -> None:
    old_path, reps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._respond_old", old_path)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    rules = NEW.lint_rules()
    for pat in NEW._scanned_patterns(rules):  # the patterns' required strings worked out first (their own memo)
        NEW._pattern_literals(pat)
    a = old._LiteralScanner(rules, NEW._pattern_literals)
    b = NEW._LiteralScanner(rules, NEW._pattern_literals)
    assert a.covers == b.covers and a.known == b.known and len(b.covers) > 0
    print(f"{len(b.covers)} strings, {len(b.known)} patterns: covers equal")
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(reps):
        for name, mod in ((("old", old), ("new", NEW)) if r % 2 == 0 else (("new", NEW), ("old", old))):
            t = time.process_time()
            mod._LiteralScanner(rules, NEW._pattern_literals)
            res[name].append(time.process_time() - t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {statistics.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", reps)


if __name__ == "__main__":
    main()
