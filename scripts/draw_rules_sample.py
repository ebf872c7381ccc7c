"""Draw the held-out guideline-check evaluation set (``eval_rules_labels.csv``); run once, then label.

Drawn with the rules as they stood BEFORE the second precision pass (commit 5968f61), so the labels are not
fitted to the new detectors. Two kinds of rows, one per (corpus, review, category):

* ``hit``: removal-basis hits (strong and weak). Every one from the real corpora (the four Amazon exports,
  Salminen, Ott, TripAdvisor); from the generated 100k corpus a seeded sample of at most :data:`PER_GROUP`
  reviews per (category, strength), :data:`SELLER_PER_GROUP` for seller feedback and :data:`SPAM_PER_GROUP`
  for spam (the two families this pass works on).
* ``vocab``: a seeded sample of Amazon reviews WITHOUT a seller-feedback hit whose text has seller/delivery
  vocabulary (:data:`VOCAB_RE`), to see what the detector misses.

The label (filled in by hand afterwards) says whether the review genuinely breaks the category's clause in a
way that is a removal basis, per ../shared/reference/platform-policies.md 1.1: 1 yes, 0 no. For seller feedback
that means the WHOLE review is about the seller, order, delivery or service. ``split`` is ``dev`` or ``test``
from a seeded hash of (corpus, review id); detectors are tuned on ``dev`` only.

    .venv/bin/python scripts/draw_rules_sample.py --out .work/rules_to_label.csv

The output holds the review text for labelling and must stay out of git; the committed labels keep ids,
offsets and labels only (plus the text of the CC0 fine-food reviews).
"""

from __future__ import annotations

import argparse
import re
import sys

import pandas as pd

from eval_rules import CORPORA, SPLIT_SEED, datasets_dir, load_corpus, split_of  # noqa: E402  (scripts/ on sys.path)
from reviewtools.rules import check_reviews

SEED = SPLIT_SEED
PER_GROUP = 12
SELLER_PER_GROUP = 60
SPAM_PER_GROUP = 30
VOCAB_SIZE = 60
VOCAB_RE = re.compile(r"\b(?:ship|deliver|arriv|package|packag|seller|vendor|refund|return|customer service|"
                      r"came in|order)", re.IGNORECASE)


def draw(d) -> pd.DataFrame:
    rows = []
    vocab_pool = []
    for name in CORPORA:
        frame = load_corpus(d, name)
        if frame is None:
            continue
        hits = check_reviews(frame)
        h = hits[(hits.outcome == "hit") & hits.removal_basis.fillna(False)].copy()
        # one row per (review, category): the first hit of that category stands for it
        h = h.sort_values(["review_id", "category", "start"]).drop_duplicates(["review_id", "category"])
        if name == "gen100k":
            parts = []
            for (cat, strength), g in h.groupby(["category", "strength"]):
                k = SELLER_PER_GROUP if cat == "seller_feedback" else SPAM_PER_GROUP if cat == "spam" else PER_GROUP
                parts.append(g.sample(min(k, len(g)), random_state=SEED))
            h = pd.concat(parts)
        text = frame.set_index(frame.review_id.astype(str))
        for r in h.itertuples():
            rv = text.loc[str(r.review_id)]
            rows.append({"corpus": name, "review_id": r.review_id, "category": r.category, "kind": "hit",
                         "rule_id": r.rule_id, "strength": r.strength, "field": r.field, "start": r.start,
                         "end": r.end, "title": rv.get("title"), "text": rv["text"], "note": r.note})
        if name in ("finefood", "datafiniti", "fashion", "beauty", "salminen", "gen100k"):
            seller = set(hits.review_id[(hits.outcome == "hit") & (hits.category == "seller_feedback")])
            t = frame[~frame.review_id.isin(seller) & frame.text.fillna("").str.contains(VOCAB_RE)]
            vocab_pool.append(t.assign(corpus=name))
    pool = pd.concat(vocab_pool, ignore_index=True)
    for r in pool.sample(VOCAB_SIZE, random_state=SEED).itertuples():
        rows.append({"corpus": r.corpus, "review_id": r.review_id, "category": "seller_feedback", "kind": "vocab",
                     "rule_id": "", "strength": "", "field": "", "start": None, "end": None, "title": r.title,
                     "text": r.text, "note": ""})
    out = pd.DataFrame(rows)
    out["split"] = [split_of(c, str(i)) for c, i in zip(out.corpus, out.review_id)]
    out["label"] = ""
    out["reason"] = ""
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    d = datasets_dir(args.datasets)
    if not d.exists():
        print(f"datasets folder {d} not found")
        return 0
    out = draw(d)
    out.to_csv(args.out, index=False)
    print(out.groupby(["corpus", "category", "kind"]).size().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
