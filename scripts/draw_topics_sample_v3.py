"""Draw the third hand-labelled topic evaluation set (``eval_topics_labels_v3.csv``); run once, then label.

For the four low-precision topics (:data:`TOPICS`), a seeded sample of sentences that hold a complaint match of
that topic with the rules as they stood BEFORE the third precision pass (commit 8699fa8), from the Amazon
exports in ../shared/datasets and the generated benchmark corpus (``benchmarks/out/reviews_20000_seed8.csv``,
made by ``benchmarks/generate.py --reviews 20000`` from the same real texts). Reviews already in
``eval_topics_labels_v2.csv`` are excluded. The label says whether the sentence really complains about that
topic *for this product* (1) or not (0).

Each row carries ``split`` (``dev`` or ``test``) from the same seeded hash of the review id as v2, assigned at
draw time, before labelling: rules may be tuned on ``dev`` only; ``test`` is for the figures reported.

    .venv/bin/python scripts/draw_topics_sample_v3.py --out .work/topics_v3_to_label.csv

The output holds sentence text for labelling and must stay out of git (most exports are not permissively
licensed); the committed labels keep ids, offsets and labels, and text only for the CC0 fine-food export.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from draw_topics_sample_v2 import sentences, split_of  # noqa: E402  (scripts/ is on sys.path)
from eval_topics import DATASETS, LABELS_V2, SHARED  # noqa: E402
from reviewtools.ingest import read_reviews
from reviewtools.topics import find_topics

SEED = 20261126
#: The topics whose precision this set measures.
TOPICS = ("safety", "damaged_defective", "missing_parts", "quality_durability")
PER_TOPIC = 44
#: The generated benchmark corpus (relative to the repo root), made from the same real review texts.
GENERATED = Path("benchmarks/out/reviews_20000_seed8.csv")
REPO = Path(__file__).resolve().parents[1]


def sources() -> list[tuple[str, Path]]:
    """``(dataset label, path)`` of every source present."""
    out = [(f"{d}/{f}", SHARED / d / f) for d, f in DATASETS]
    out.append((str(GENERATED), REPO / GENERATED))
    return [(label, p) for label, p in out if p.is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    seen = set(pd.read_csv(LABELS_V2, dtype={"review_id": str})["review_id"])
    units = []
    for label, path in sources():
        frame = read_reviews(path).reviews
        frame = frame[~frame["review_id"].isin(seen)]
        hits = find_topics(frame)
        hits = hits[hits["complaint"] & hits["topic"].isin(TOPICS)]
        values = {(r, f): v for f in ("title", "text") for r, v in zip(frame["review_id"], frame[f].fillna(""))}
        for (rid, fld), group in hits.groupby(["review_id", "field"]):
            value = values[(rid, fld)]
            for s, e in sentences(value):
                for t in sorted({r.topic for r in group.itertuples() if r.start < e and r.end > s}):
                    units.append((label, rid, fld, s, e, value[s:e], t))
    cols = ["dataset", "review_id", "field", "start", "end", "sentence", "topic"]
    matches = pd.DataFrame(units, columns=cols).drop_duplicates(["sentence", "topic"])
    rng = np.random.default_rng(SEED)
    picked = []
    for topic, group in matches.groupby("topic", sort=True):
        idx = rng.choice(len(group), size=min(PER_TOPIC, len(group)), replace=False)
        picked.append(group.iloc[np.sort(idx)].assign(population=len(group)))
    out = pd.concat(picked, ignore_index=True).assign(set="match")
    out.insert(0, "split", [split_of(r) for r in out["review_id"]])
    out["label"] = ""
    out.to_csv(args.out, index=False)
    print(f"wrote {len(out)} sentences to {args.out}")
    print(out.groupby(["topic", "split"]).size().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
