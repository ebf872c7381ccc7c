"""Evaluate the complaint-topic rules on the Amazon exports in ../shared/datasets.

Prints, per dataset, the reviews per complaint topic and a few example evidence spans, then two hand-labelled
evaluations (the labels are the authors' own judgement; they store ids and offsets, and text only for the
CC0 fine-food export):

1. ``eval_topics_labels_v2.csv`` (drawn by ``draw_topics_sample_v2.py`` with the rules of commit 2567b16,
   labelled before the second precision pass). Sentences, each with the topics it truly complains about
   *for the reviewed product*:

   * ``match`` rows: a seeded sample of sentences that held a complaint match then, stratified by topic
     (``population`` = sentences with that topic's match then). Precision per topic = share of the rows
     whose topic the rules still flag that are true complaints of that topic; "dropped" counts rows no
     longer flagged (a dropped true complaint is recall lost).
   * ``mention`` rows: a uniform sample of sentences holding a topic cue word but no complaint match then;
     a true complaint among them that the rules now flag is recall gained, a flag on a sentence with no such
     complaint is a new false positive.
   * Recall is estimated over all cue-word sentences, weighting each sampled sentence by its stratum size.

   Rules are tuned on the ``dev`` half only; the ``test`` half (default) gives the honest figures.
2. ``eval_topics_labels_v3.csv`` (drawn by ``draw_topics_sample_v3.py`` with the rules of commit 8699fa8,
   labelled before the third precision pass): complaint-match sentences of the four low-precision topics
   (safety, damaged_defective, missing_parts, quality_durability) from the Amazon exports and the generated
   benchmark corpus (``benchmarks/out/reviews_20000_seed8.csv``; its rows are skipped when it is absent).
   Precision per topic before (all sampled) and after (those still flagged), dev/test halves as in v2.
3. ``eval_topics_labels.csv`` (the first engineer's labels of complaint matches): precision on the labelled
   matches the rules still flag, and how many no longer match.

    .venv/bin/python scripts/eval_topics.py                 # counts, examples, test-half figures
    .venv/bin/python scripts/eval_topics.py --split dev     # the half rules may be tuned on (lists errors)
    .venv/bin/python scripts/eval_topics.py --quiet         # evaluations only

Exits 0 with a message when the datasets are absent (CI without ../shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

from reviewtools.ingest import read_reviews
from reviewtools.topics import find_topics, tag_topics, topic_counts

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REVIEWTOOLS_SHARED", REPO / ".." / "shared")) / "datasets"
LABELS = Path(__file__).with_name("eval_topics_labels.csv")
LABELS_V2 = Path(__file__).with_name("eval_topics_labels_v2.csv")
LABELS_V3 = Path(__file__).with_name("eval_topics_labels_v3.csv")
#: The generated benchmark corpus some v3 rows come from (``benchmarks/generate.py --reviews 20000``).
GENERATED = Path("benchmarks/out/reviews_20000_seed8.csv")

#: The Amazon exports evaluated (folder, file); each is read through reviewtools.ingest.
DATASETS = (
    ("amazon_fine_food_1k", "Reviews_first1000.csv"),
    ("amazon_datafiniti_5k", "Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv"),
    ("amazon_mcauley2018_5core", "AMAZON_FASHION_5.jsonl"),
    ("amazon_mcauley2018_5core", "All_Beauty_5.jsonl"),
)
#: Seed of the example spans printed per topic.
SEED = 1
EXAMPLES_PER_TOPIC = 3
CONTEXT = 80


def _context(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    return (text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi]).replace("\n", " ")


def _flagged(complaints: pd.DataFrame, rows: pd.DataFrame) -> list[set[str]]:
    """Topics whose complaint matches overlap each row's ``[start, end)`` span of its field."""
    spans: dict[tuple[str, str, str], list[tuple[int, int, str]]] = {}
    for r in complaints.itertuples():
        spans.setdefault((r.dataset, r.review_id, r.field), []).append((r.start, r.end, r.topic))
    return [
        {t for s, e, t in spans.get((r.dataset, r.review_id, r.field), ()) if s < r.end and e > r.start}
        for r in rows.itertuples()
    ]


def _fmt(x: float) -> str:
    return "  -  " if pd.isna(x) else f"{x:.3f}"


def evaluate_v2(
    complaints: pd.DataFrame, labels: pd.DataFrame, split: str, verbose: bool, texts: dict | None = None
) -> None:
    """Print precision per topic before/after, recall on the mention set and the weighted recall estimate."""
    lab = labels if split == "all" else labels[labels["split"] == split]
    lab = lab.assign(flagged=_flagged(complaints, lab)).reset_index(drop=True)
    truth = lab["topics_true"].fillna("").map(lambda s: set(filter(None, s.split("|"))))
    match = lab[lab["set"] == "match"].copy()
    match["still"] = [t in f for t, f in zip(match["topic"], match["flagged"])]
    print(f"\n== held-out set v2 ({LABELS_V2.name}), {split} half: {len(match)} complaint-match sentences, "
          f"{int((lab['set'] == 'mention').sum())} no-match cue sentences (labelled before the rules changed)")
    rows = []
    for topic, g in match.groupby("topic"):
        kept = g[g["still"]]
        rows.append((topic, len(g), g["label"].mean(), len(kept), kept["label"].mean() if len(kept) else float("nan"),
                     int((~g["still"] & (g["label"] == 1)).sum()), int((~g["still"] & (g["label"] == 0)).sum())))
    per = pd.DataFrame(rows, columns=["topic", "sampled", "prec_before", "still_flagged", "prec_after",
                                      "dropped_true", "dropped_false"])
    kept = match[match["still"]]
    per.loc[len(per)] = ["ALL (micro)", len(match), match["label"].mean(), len(kept), kept["label"].mean(),
                         int((~match["still"] & (match["label"] == 1)).sum()),
                         int((~match["still"] & (match["label"] == 0)).sum())]
    print(per.to_string(index=False, formatters={"prec_before": _fmt, "prec_after": _fmt}))
    # population-weighted precision (the sample is stratified by topic)
    w = match["population"] / match.groupby("topic")["topic"].transform("size")
    before_w = (w * match["label"]).sum() / w.sum()
    after_w = (w * match["label"] * match["still"]).sum() / (w * match["still"]).sum()
    print(f"precision weighted by topic population: before {before_w:.3f}, after {after_w:.3f}")
    # new flags on the match sentences for other topics, and on the mention sentences
    extra_tp = extra_fp = 0
    mention = lab[lab["set"] == "mention"]
    for r, tr in zip(lab.itertuples(), truth):
        new = set(r.flagged) - ({r.topic} if r.set == "match" else set())
        extra_tp += len(new & tr)
        extra_fp += len(new - tr)
    m_truth = truth[mention.index]
    m_pos = [(f, tr) for f, tr in zip(mention["flagged"], m_truth) if tr]
    found = sum(len(f & tr) for f, tr in m_pos)
    total = sum(len(tr) for _, tr in m_pos)
    print(f"mention set: {len(m_pos)} of {len(mention)} sentences hold a true complaint ({total} topic complaints); "
          f"the rules now find {found} of them (recall on mentions {found / total if total else float('nan'):.3f}; "
          "0 before by construction)")
    print(f"flags on labelled sentences for topics other than the sampled one: {extra_tp} true, {extra_fp} false")
    # recall over all cue-word sentences, each sentence weighted by its stratum's size / sample size
    m_w = float(mention["population"].iloc[0]) / len(mention) if len(mention) else 0.0
    tp_b = (w * match["label"]).sum()
    fn_m = m_w * total
    tp_a = (w * match["label"] * match["still"]).sum() + m_w * found
    fn_a = (w * match["label"] * ~match["still"]).sum() + m_w * (total - found)
    print(f"recall estimate over cue-word sentences (each topic's own positives): before {tp_b / (tp_b + fn_m):.3f}, "
          f"after {tp_a / (tp_a + fn_a):.3f}  (few mention positives: a rough figure)")
    if verbose:
        def said(r: object) -> str:
            return (texts or {}).get((r.dataset, r.review_id, r.field), "")[r.start : r.end][:220]

        for r in match[match["still"] & (match["label"] == 0)].itertuples():
            print(f"  false positive {r.topic} [{r.review_id} {r.start}] {sorted(r.flagged)}: {said(r)!r}")
        for r in match[~match["still"] & (match["label"] == 1)].itertuples():
            print(f"  dropped true {r.topic} [{r.review_id} {r.start}]: {said(r)!r}")
        for r, tr in zip(mention.itertuples(), m_truth):
            if r.flagged - tr or tr - r.flagged:
                print(f"  mention [{r.review_id} {r.start}] true={sorted(tr)} flagged={sorted(r.flagged)}: {said(r)!r}")


def evaluate_v3(
    complaints: pd.DataFrame, labels: pd.DataFrame, split: str, verbose: bool, texts: dict | None = None
) -> None:
    """Print precision per topic before (every sampled match) and after (the matches still flagged)."""
    lab = labels if split == "all" else labels[labels["split"] == split]
    lab = lab.assign(flagged=_flagged(complaints, lab)).reset_index(drop=True)
    lab["still"] = [t in f for t, f in zip(lab["topic"], lab["flagged"])]
    print(f"\n== held-out set v3 ({LABELS_V3.name}), {split} half: {len(lab)} complaint-match sentences of the "
          "low-precision topics (labelled before the third precision pass)")
    rows = []
    for topic, g in [*lab.groupby("topic"), ("ALL (micro)", lab)]:
        kept = g[g["still"]]
        rows.append((topic, len(g), g["label"].mean(), len(kept), kept["label"].mean() if len(kept) else float("nan"),
                     int((~g["still"] & (g["label"] == 1)).sum()), int((~g["still"] & (g["label"] == 0)).sum())))
    per = pd.DataFrame(rows, columns=["topic", "sampled", "prec_before", "still_flagged", "prec_after",
                                      "dropped_true", "dropped_false"])
    print(per.to_string(index=False, formatters={"prec_before": _fmt, "prec_after": _fmt}))
    if verbose:
        for r in lab.itertuples():
            said = (texts or {}).get((r.dataset, r.review_id, r.field), "")[r.start : r.end][:200]
            if r.still and r.label == 0:
                print(f"  false positive {r.topic} [{r.review_id} {r.start}]: {said!r}")
            elif not r.still and r.label == 1:
                print(f"  dropped true {r.topic} [{r.review_id} {r.start}]: {said!r}")


def evaluate_v1(complaints: pd.DataFrame, labels: pd.DataFrame) -> None:
    """Precision of the first labelled sample on the matches the rules still flag; how many no longer match."""
    cm = complaints[["dataset", "review_id", "field", "topic", "start", "end"]]
    rows = labels.assign(flagged=_flagged(cm, labels))
    still = [t in f for t, f in zip(rows["topic"], rows["flagged"])]
    kept = rows[still]
    gone = rows[[not s for s in still]]
    print(f"\n== first labelled sample ({LABELS.name}, {len(rows)} complaint matches, seeds 0 and 1; seed 0 was "
          f"tuned on): {len(kept)} still flagged, {len(gone)} no longer match "
          f"({int((gone['label'] == 0).sum())} labelled false, {int((gone['label'] == 1).sum())} labelled true)")
    for seed, g in kept.groupby("sample_seed"):
        print(f"  seed {seed}: precision on the still-flagged {g['label'].mean():.3f} ({int(g['label'].sum())}/{len(g)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test",
                        help="half of the v2 labels to report (default test; tune on dev only)")
    parser.add_argument("--quiet", action="store_true", help="skip the per-dataset counts and examples")
    parser.add_argument("--errors", action="store_true", help="list the v2 errors (implied by --split dev)")
    args = parser.parse_args(argv)
    present = [(d, f) for d, f in DATASETS if (SHARED / d / f).is_file()]
    if not present:
        print(f"eval_topics: no Amazon exports under {SHARED.resolve()}; skipped")
        return 0
    all_hits = []
    all_texts: dict[tuple[str, str, str], str] = {}
    for folder, name in present:
        frame = read_reviews(SHARED / folder / name).reviews
        for fld in ("title", "text"):
            all_texts.update(
                ((f"{folder}/{name}", r, fld), v) for r, v in zip(frame["review_id"], frame[fld].fillna(""))
            )
        t0 = time.perf_counter()
        tagged = tag_topics(frame)
        elapsed = time.perf_counter() - t0
        hits = find_topics(frame)
        hits.insert(0, "dataset", f"{folder}/{name}")
        all_hits.append(hits)
        if args.quiet:
            continue
        texts = {(r, f): v for f in ("title", "text") for r, v in zip(frame["review_id"], frame[f].fillna(""))}
        counts = topic_counts(tagged)
        print(f"\n== {folder}/{name}: {len(frame)} reviews, tagged in {elapsed:.2f} s; "
              f"{int((tagged['topics'] != '').sum())} with a complaint topic")
        print(counts[["topic", "complaints", "share", "praised"]].to_string(index=False))
        complaints = hits[hits["complaint"]]
        for topic, group in complaints.groupby("topic"):
            print(f"  {topic}:")
            for row in group.sample(min(EXAMPLES_PER_TOPIC, len(group)), random_state=SEED).itertuples():
                print(f"    {_context(texts[(row.review_id, row.field)], row.start, row.end)[:200]!r}")
    if (REPO / GENERATED).is_file():
        frame = read_reviews(REPO / GENERATED).reviews
        for fld in ("title", "text"):
            all_texts.update(((str(GENERATED), r, fld), v) for r, v in zip(frame["review_id"], frame[fld].fillna("")))
        all_hits.append(find_topics(frame).assign(dataset=str(GENERATED)))
    hits = pd.concat(all_hits, ignore_index=True)
    complaints = hits[hits["complaint"]].reset_index(drop=True)
    if LABELS_V2.is_file():
        labels = pd.read_csv(LABELS_V2, dtype={"review_id": str, "topic": str, "topics_true": str},
                             keep_default_na=False)
        labels = labels[labels["dataset"].isin({f"{d}/{f}" for d, f in present})]
        evaluate_v2(complaints, labels, args.split, verbose=args.errors or args.split == "dev", texts=all_texts)
    if LABELS_V3.is_file():
        labels = pd.read_csv(LABELS_V3, dtype={"review_id": str, "topic": str}, keep_default_na=False)
        sources = {f"{d}/{f}" for d, f in present} | ({str(GENERATED)} if (REPO / GENERATED).is_file() else set())
        labels = labels[labels["dataset"].isin(sources)]
        evaluate_v3(complaints, labels, args.split, verbose=args.errors or args.split == "dev", texts=all_texts)
    if LABELS.is_file():
        evaluate_v1(complaints, pd.read_csv(LABELS, dtype={"review_id": str}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
