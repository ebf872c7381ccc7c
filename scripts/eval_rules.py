"""Evaluate the guideline checks on the labelled sets in ../shared/datasets; prints markdown tables.

    .venv/bin/python scripts/eval_rules.py [--datasets PATH] [--split test|dev|all] [--heldout-only] [--full]
                                           [--sample 40] [--seed 3] [--show-sample]

0. The held-out labelled set (``eval_rules_labels.csv``, drawn by ``draw_rules_sample.py`` before the second
   precision pass): removal-basis precision per category on the chosen half (default ``test``).

1. SMS Spam Collection and YouTube Spam Collection (promotion, links, spam, private info): a spam-labelled item
   hit by a rule of those categories is a true positive, a ham item hit is a false positive. Per category and
   for the union: precision, recall; also for removal-basis hits only.
2. Jigsaw toxic sample (profanity, harassment, threats, hate): each rule against its label (obscene, insult,
   threat, identity_hate) and against "any toxic label" for precision. The sample is tiny (300 rows), so the
   figures are indicative only.
3. The Amazon exports (fine food, Datafiniti, McAuley 2018): no labels, so the false-positive side is judged by
   reading. Hits per category, and a seeded sample of removal-basis hits to read (``--show-sample`` prints
   them with their evidence; the share judged genuine goes in the issue note).

Reads datasets from ``$REVIEWTOOLS_SHARED/datasets`` or ``<repo>/../shared/datasets``; skips each set (with a
message) when it is absent. Exit status 0 either way: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import zlib
from pathlib import Path

import pandas as pd

from reviewtools.rules import check_reviews

SPAM_CATEGORIES = ("external_link", "promotion_conflict", "spam", "private_info")
JIGSAW_RULES = {
    "AMZ-PROFANITY-OBSCENE": "obscene",
    "AMZ-HARASSMENT-INSULT": "insult",
    "AMZ-HARASSMENT-THREAT": "threat",
    "AMZ-HATE-SLUR": "identity_hate",
    "AMZ-HATE-HOSTILE-GROUP": "identity_hate",
    "AMZ-SEXUAL-EXPLICIT": "obscene",
}
TOXIC_LABELS = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
_TAGS = re.compile(r"<[^>]+>")


def datasets_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    env = os.environ.get("REVIEWTOOLS_SHARED")
    if env:
        return Path(env) / "datasets"
    return Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"


#: The held-out review corpora (name -> how to read it). Amazon exports go through ``read_reviews``; the hotel
#: reviews (Ott, TripAdvisor) are checked as Google reviews (a local business), Salminen's as Amazon reviews.
AMAZON_EXPORTS = {
    "finefood": ("amazon_fine_food_1k", "Reviews_first1000.csv"),
    "datafiniti": ("amazon_datafiniti_5k", "Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv"),
    "fashion": ("amazon_mcauley2018_5core", "AMAZON_FASHION_5.jsonl"),
    "beauty": ("amazon_mcauley2018_5core", "All_Beauty_5.jsonl"),
}
#: The generated corpus (benchmarks/generate.py, deterministic for N and seed): real sentences recombined.
GENERATED_N, GENERATED_SEED = 100_000, 8
#: Held-out labels (scripts/draw_rules_sample.py drew them before the precision pass; ids/offsets/labels only).
LABELS = Path(__file__).resolve().parent / "eval_rules_labels.csv"
#: Seed of the dev/test split of the held-out labels.
SPLIT_SEED = 20261126


def split_of(corpus: str, review_id: str) -> str:
    """``dev`` or ``test`` from a seeded CRC of the corpus and review id (a review is never in both halves)."""
    return "test" if zlib.crc32(f"{SPLIT_SEED}:{corpus}:{review_id}".encode()) % 2 else "dev"


def load_corpus(d: Path, name: str) -> pd.DataFrame | None:
    """One held-out corpus as a canonical-enough review frame, or None (with a message) when it is absent."""
    from reviewtools.ingest import read_reviews

    if name in AMAZON_EXPORTS:
        path = d.joinpath(*AMAZON_EXPORTS[name])
        if not path.exists():
            print(f"(skipped {name}: {path} not found)")
            return None
        return read_reviews(path).reviews
    if name == "salminen":
        path = d / "fake_reviews_salminen" / "fake_reviews_dev.csv"
        if not path.exists():
            print(f"(skipped {name}: {path} not found)")
            return None
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        f = _frame([f"S{i}" for i in df.index], df["text"])
        f["marketplace"] = "amazon.com"
        return f
    if name == "ott":
        path = d / "ott_deceptive_opinion_spam" / "op_spam_v1.4.csv"
        if not path.exists():
            print(f"(skipped {name}: {path} not found)")
            return None
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return _frame(df["id"], df["text"], platform="google")
    if name == "tripadvisor":
        path = d / "tripadvisor_hotel_reviews_sample" / "tripadvisor_hotel_reviews_first109.csv"
        if not path.exists():
            print(f"(skipped {name}: {path} not found)")
            return None
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return _frame([f"T{i}" for i in df.index], df["Review"], platform="google")
    if name == "gen100k":
        from reviewtools.ingest import read_reviews

        repo = Path(__file__).resolve().parents[1]
        path = repo / "benchmarks" / "out" / f"reviews_{GENERATED_N}_seed{GENERATED_SEED}.csv"
        if not path.exists():
            sys.path.insert(0, str(repo / "benchmarks"))
            from generate import generate  # noqa: PLC0415

            print(f"(generating {path.name} with benchmarks/generate.py)")
            generate(GENERATED_N, path, seed=GENERATED_SEED, datasets=d)
        return read_reviews(path).reviews
    raise ValueError(f"unknown corpus {name!r}")


CORPORA = (*AMAZON_EXPORTS, "salminen", "ott", "tripadvisor", "gen100k")


def _frame(ids, texts, authors=None, platform="amazon") -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"review_id": [str(i) for i in ids], "platform": [platform] * n, "marketplace": [None] * n,
                         "rating": [5] * n, "text": list(texts), "author": list(authors) if authors is not None else None})


def _pr(tp: int, fp: int, fn: int) -> tuple[str, str]:
    p = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
    r = f"{tp / (tp + fn):.3f}" if tp + fn else "-"
    return p, r


def spam_table(name: str, labels: pd.Series, hits: pd.DataFrame) -> None:
    """labels: review_id -> True for spam."""
    h = hits[(hits.outcome == "hit") & hits.category.isin(SPAM_CATEGORIES)]
    positives = set(labels[labels].index)
    print(f"\n### {name}: {len(labels)} items, {len(positives)} spam\n")
    print("| category | hits | TP | FP | precision | recall | removal-basis precision | removal-basis recall |")
    print("|---|---|---|---|---|---|---|---|")
    for cat in (*SPAM_CATEGORIES, "ALL"):
        sel = h if cat == "ALL" else h[h.category == cat]
        pred = set(sel.review_id)
        tp, fp = len(pred & positives), len(pred - positives)
        p, r = _pr(tp, fp, len(positives) - tp)
        rb = set(sel[sel.removal_basis.fillna(False)].review_id)
        rtp, rfp = len(rb & positives), len(rb - positives)
        rp, rr = _pr(rtp, rfp, len(positives) - rtp)
        print(f"| {cat} | {len(pred)} | {tp} | {fp} | {p} | {r} | {rp} | {rr} |")
    fp_rules = h[~h.review_id.isin(positives)].groupby("rule_id").size().sort_values(ascending=False)
    if len(fp_rules):
        print("\nFalse positives by rule: " + ", ".join(f"{k} {v}" for k, v in fp_rules.items()))


def eval_sms(d: Path) -> None:
    path = d / "sms_spam_collection" / "SMSSpamCollection.tsv"
    if not path.exists():
        print(f"\n(skipped SMS spam: {path} not found)")
        return
    df = pd.read_csv(path, sep="\t", header=None, names=["label", "text"], quoting=csv.QUOTE_NONE, dtype=str)
    df["text"] = df["text"].fillna("").map(html.unescape)
    frame = _frame(df.index, df.text)
    hits = check_reviews(frame, cross_review=False)
    spam_table("SMS Spam Collection (UCI, CC BY 4.0)", pd.Series((df.label == "spam").values, index=frame.review_id),
               hits)


def eval_youtube(d: Path) -> None:
    path = d / "youtube_spam_collection" / "Youtube-Spam-Dataset.csv"
    if not path.exists():
        print(f"\n(skipped YouTube spam: {path} not found)")
        return
    df = pd.read_csv(path, dtype=str)
    text = df["CONTENT"].fillna("").map(lambda s: html.unescape(_TAGS.sub(" ", s)))
    frame = _frame(df["COMMENT_ID"], text, df["AUTHOR"])
    hits = check_reviews(frame)
    spam_table("YouTube Spam Collection (UCI, CC BY 4.0)", pd.Series((df.CLASS == "1").values, index=frame.review_id),
               hits)
    dup = hits[(hits.outcome == "hit") & (hits.category == "plagiarism_impersonation")]
    spam_ids = set(frame.review_id[df.CLASS == "1"])
    print(f"\nDuplicates under other authors: {dup.review_id.nunique()} comments flagged, "
          f"{dup.review_id.isin(spam_ids).sum()} of them spam-labelled")


def eval_jigsaw(d: Path) -> None:
    path = d / "jigsaw_toxic_sample" / "train_first300.csv"
    if not path.exists():
        print(f"\n(skipped Jigsaw: {path} not found)")
        return
    df = pd.read_csv(path, dtype={"id": str})
    frame = _frame(df["id"], df["comment_text"].fillna(""))
    hits = check_reviews(frame, cross_review=False)
    h = hits[hits.outcome == "hit"]
    labels = df.set_index("id")
    any_toxic = set(labels.index[labels[list(TOXIC_LABELS)].sum(axis=1) > 0])
    print(f"\n### Jigsaw toxic comments, first 300 rows ({len(any_toxic)} with any label): indicative only\n")
    print("| rule | label | hits | precision (vs label) | precision (vs any toxic) | recall (label) |")
    print("|---|---|---|---|---|---|")
    for rule_id, label in JIGSAW_RULES.items():
        pred = set(h[h.rule_id == rule_id].review_id)
        pos = set(labels.index[labels[label] == 1])
        tp = len(pred & pos)
        p, r = _pr(tp, len(pred) - tp, len(pos) - tp)
        pa, _ = _pr(len(pred & any_toxic), len(pred - any_toxic), 0)
        print(f"| {rule_id} | {label} ({len(pos)}) | {len(pred)} | {p} | {pa} | {r} |")
    rb = set(h[h.removal_basis.fillna(False) & h.category.isin(["profanity_harassment", "hate_speech",
                                                                 "sexual_content"])].review_id)
    p, r = _pr(len(rb & any_toxic), len(rb - any_toxic), len(any_toxic - rb))
    print(f"| removal-basis, these categories | any toxic ({len(any_toxic)}) | {len(rb)} | - | {p} | {r} |")


def eval_amazon(d: Path, sample: int, seed: int, show: bool) -> None:
    from reviewtools.ingest import read_reviews

    files = [
        d / "amazon_fine_food_1k" / "Reviews_first1000.csv",
        d / "amazon_datafiniti_5k" / "Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv",
        d / "amazon_mcauley2018_5core" / "AMAZON_FASHION_5.jsonl",
        d / "amazon_mcauley2018_5core" / "All_Beauty_5.jsonl",
    ]
    files = [f for f in files if f.exists()]
    if not files:
        print("\n(skipped Amazon exports: none found)")
        return
    print("\n### Amazon exports (no labels): hits per category\n")
    print("| export | reviews | category | hits | strong | removal-basis |")
    print("|---|---|---|---|---|---|")
    samples = []
    for f in files:
        frame = read_reviews(f).reviews
        hits = check_reviews(frame)
        h = hits[hits.outcome == "hit"]
        for cat, g in h.groupby("category"):
            print(f"| {f.name} | {len(frame)} | {cat} | {len(g)} | {(g.strength == 'strong').sum()} | "
                  f"{int(g.removal_basis.sum())} |")
        rb = h[h.removal_basis.fillna(False) & (h.strength == "strong")].copy()
        rb["export"] = f.name
        samples.append(rb)
        nr = hits[hits.outcome == "not_run"].groupby("rule_id").size()
        print(f"| {f.name} | not run | " + "; ".join(f"{k} {v}" for k, v in nr.items()) + " | | | |")
    allrb = pd.concat(samples, ignore_index=True)
    print(f"\nStrong removal-basis hits over all exports: {len(allrb)} "
          f"({', '.join(f'{k} {v}' for k, v in allrb.groupby('category').size().items())})")
    if show and len(allrb):
        pick = allrb.sample(min(sample, len(allrb)), random_state=seed)
        print(f"\nSample of {len(pick)} strong removal-basis hits (seed {seed}) to read:\n")
        for i, r in enumerate(pick.itertuples(), 1):
            print(f"{i:>3}. {r.export} {r.review_id} {r.rule_id}: {r.evidence[:160]!r}  [{r.note}]")


def eval_heldout(d: Path, split: str, full: bool) -> None:
    """Precision of removal-basis hits on the hand-labelled held-out set (``eval_rules_labels.csv``).

    A (corpus, review, category) with a removal-basis hit now is a true positive when labelled 1 and a false
    positive when labelled 0; a hit on an unlabelled pair is counted apart (read it before trusting a figure).
    ``kept`` is the share of labelled-genuine pairs still hit (recall relative to the rules the labels were
    drawn with); the vocabulary sample gives the misses among seller/delivery talk.
    """
    from reviewtools.rules import check_each_review, find_duplicates

    if not LABELS.exists():
        print(f"\n(skipped held-out table: {LABELS} not found)")
        return
    lab = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    if split != "all":
        lab = lab[lab.split == split]
    lab = lab.assign(label=lab.label.astype(int))
    got = []
    for name in CORPORA:
        ids = set(lab.review_id[lab.corpus == name])
        if not ids:
            continue
        frame = load_corpus(d, name)
        if frame is None:
            continue
        sub = frame if (full or name != "gen100k") else frame[frame.review_id.isin(ids)]
        per = check_each_review(sub)
        dup = find_duplicates(frame)  # set-level: always over the whole corpus
        hits = pd.concat([per, dup[dup.review_id.isin(set(sub.review_id))]], ignore_index=True)
        h = hits[(hits.outcome == "hit") & hits.removal_basis.fillna(False)]
        agg = (h.groupby(["review_id", "category"])
               .agg(strong=("strength", lambda s: bool((s == "strong").any())), rules=("rule_id", "first"))
               .reset_index().assign(corpus=name))
        got.append(agg)
    if not got:
        print("\n(skipped held-out table: no corpus found)")
        return
    now = pd.concat(got, ignore_index=True)
    if split != "all":  # hits on the other half's reviews are neither counted nor "unlabelled"
        now = now[[split_of(c, r) == split for c, r in zip(now.corpus, now.review_id)]]
    m = now.merge(lab[["corpus", "review_id", "category", "label", "kind"]], how="outer",
                  on=["corpus", "review_id", "category"], indicator=True)
    print(f"\n### Held-out labelled set ({split} half, {len(lab)} labelled pairs): removal-basis precision\n")
    print("| category | hits | TP | FP | unlabelled | precision | strong hits | strong precision | kept (of genuine) |")
    print("|---|---|---|---|---|---|---|---|---|")
    hit = m[m._merge != "right_only"]
    for cat in (*sorted(set(m.category)), "ALL"):
        g = hit if cat == "ALL" else hit[hit.category == cat]
        lg = g[g._merge == "both"]
        tp, fp, unl = int((lg.label == 1).sum()), int((lg.label == 0).sum()), int((g._merge == "left_only").sum())
        st = lg[lg.strong.astype(bool)]
        stp, sfp = int((st.label == 1).sum()), int((st.label == 0).sum())
        genuine = lab if cat == "ALL" else lab[lab.category == cat]
        n_gen = int((genuine.label == 1).sum())
        p, _ = _pr(tp, fp, 0)
        sp, _ = _pr(stp, sfp, 0)
        kept = f"{tp}/{n_gen}" if n_gen else "-"
        print(f"| {cat} | {len(g)} | {tp} | {fp} | {unl} | {p} | {len(st)} | {sp} | {kept} |")
    fps = hit[(hit._merge == "both") & (hit.label == 0)]
    if len(fps):
        print("\nFalse positives left, by rule: "
              + ", ".join(f"{k} {v}" for k, v in fps.groupby("rules").size().sort_values(ascending=False).items()))
    voc = lab[lab.kind == "vocab"]
    if len(voc):
        caught = m[(m.kind == "vocab") & (m._merge == "both")]
        print(f"\nSeller/delivery-vocabulary sample: {len(voc)} reviews, {int(voc.label.sum())} labelled genuine "
              f"seller feedback; now hit: {len(caught)} ({int((caught.label == 1).sum())} genuine)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", help="folder holding the shared datasets")
    ap.add_argument("--sample", type=int, default=40, help="removal-basis hits to sample from the Amazon exports")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--show-sample", action="store_true", help="print the sampled hits for reading")
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test",
                    help="half of the held-out labels to report (tune on dev; report test)")
    ap.add_argument("--heldout-only", action="store_true", help="only the held-out table")
    ap.add_argument("--full", action="store_true",
                    help="check every review of the generated corpus too (slow; counts unlabelled hits there)")
    args = ap.parse_args(argv)
    d = datasets_dir(args.datasets)
    if not d.exists():
        print(f"datasets folder {d} not found; nothing to evaluate (set REVIEWTOOLS_SHARED)")
        return 0
    print("## Guideline checks: evaluation")
    eval_heldout(d, args.split, args.full)
    if args.heldout_only:
        return 0
    eval_sms(d)
    eval_youtube(d)
    eval_jigsaw(d)
    eval_amazon(d, args.sample, args.seed, args.show_sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
