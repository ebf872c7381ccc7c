"""Check triage on the bundled sample and the Amazon exports in ../shared/datasets (issue 4, "done when").

For each file it prints: reviews read, actions by kind, and the three counts that must be zero:
  * reviews without an action or without a reason;
  * removal requests without a removal-basis guideline hit (outcome ``hit`` and ``removal_basis`` true);
  * reply drafts (public_reply, thank) with a blocking lint problem (``lint_draft`` re-run from scratch).
It also counts removal-request drafts that do not quote their evidence and warn-level lint problems.
Exit status 1 when any must-be-zero count is not zero. The shared datasets are read in place (their licences do
not allow copying them into the repo); when the folder is absent that part is skipped with a message.

    .venv/bin/python scripts/eval_triage.py            # REVIEWTOOLS_SHARED=/path/to/shared to point elsewhere
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from reviewtools.ingest import read_reviews
from reviewtools.pipeline import run_triage
from reviewtools.respond import ReplySettings, lint_draft

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEWTOOLS_SHARED", ROOT / ".." / "shared")) / "datasets"
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"
#: The Amazon exports in ../shared/datasets (paths relative to it).
SHARED_AMAZON = (
    "amazon_fine_food_1k/Reviews_first1000.csv",
    "amazon_datafiniti_5k/Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv",
    "amazon_mcauley2018_5core/AMAZON_FASHION_5.jsonl",
    "amazon_mcauley2018_5core/All_Beauty_5.jsonl",
)


def check(path: Path, settings: ReplySettings | None = None) -> bool:
    """Triage one file, print its counts, and return whether every must-be-zero count is zero."""
    t0 = time.perf_counter()
    res = read_reviews(path)
    result = run_triage(res.reviews, settings)
    out, hits = result.reviews, result.hits
    secs = time.perf_counter() - t0
    no_action = int((out["action"].isna() | (out["action"].fillna("") == "")).sum())
    no_reason = int((out["action_reason"].fillna("").str.strip() == "").sum())
    basis = hits[(hits["outcome"] == "hit") & hits["removal_basis"].astype("boolean").fillna(False).astype(bool)]
    basis_ids = set(basis["review_id"].astype(str))
    removal = out[out["action"] == "removal_request"]
    removal_without_basis = int((~removal["review_id"].astype(str).isin(basis_ids)).sum())
    unquoted = sum(1 for r in removal.itertuples() if not all(e.strip() in r.draft for e in r.evidence.split(" | ")))
    replies = out[out["action"].isin(["public_reply", "thank"])]
    blocked = warned = 0
    for r in replies.itertuples():
        problems = lint_draft(r.draft, r.platform, author=r.author if isinstance(r.author, str) else None)
        blocked += any(p.severity == "block" for p in problems)
        warned += any(p.severity == "warn" for p in problems)
    counts = out["action"].value_counts()
    print(f"\n{path.name}: {len(out)} reviews ({res.rejected} rejected at ingest), triaged in {secs:.1f} s")
    print("  actions: " + ", ".join(f"{a} {int(counts.get(a, 0))}" for a in
                                    ("removal_request", "manual_review", "public_reply", "thank", "none")))
    print(f"  reviews without an action: {no_action}; without a reason: {no_reason}")
    print(f"  removal requests without a removal-basis hit: {removal_without_basis} of {len(removal)}"
          f" (drafts not quoting their evidence: {unquoted})")
    print(f"  reply drafts with a blocking lint problem: {blocked} of {len(replies)} (with a warning: {warned})")
    if result.stages_not_run:
        print(f"  stages not run: {', '.join(result.stages_not_run)}")
    return no_action == no_reason == removal_without_basis == blocked == unquoted == 0 and not result.stages_not_run


def main() -> int:
    ok = check(SAMPLE)
    print("\n(again with public replies on Amazon turned on, so thank-you drafts are checked too)", end="")
    ok = check(SAMPLE, ReplySettings(amazon_public_reply=True)) and ok
    if not SHARED.is_dir():
        print(f"\nskipped the shared Amazon exports: {SHARED} not found (set REVIEWTOOLS_SHARED)")
    else:
        for rel in SHARED_AMAZON:
            path = SHARED / rel
            if path.exists():
                ok = check(path) and ok
            else:
                print(f"\nskipped {rel}: not found under {SHARED}")
    print("\nOK: every review has an action and a reason, no removal request lacks a removal-basis hit, "
          "every reply draft passes the linter" if ok else "\nFAILED: see the counts above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
