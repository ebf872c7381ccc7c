"""Evaluate reviewtools.sentiment against human sentiment ratings and star ratings; print markdown tables.

Usage (from the repo root)::

    .venv/bin/python scripts/eval_sentiment.py            # all tables
    .venv/bin/python scripts/eval_sentiment.py --quick    # skip the 10,605 movie snippets

Data is read from ``../shared/datasets`` beside the repo (or ``$REVIEWTOOLS_SHARED/datasets``); each table is
skipped with a message when its folder is absent.

1. **VADER ground truth** (Hutto & Gilbert 2014, ``vader_groundtruth``, MIT): four corpora of snippets, each
   rated by about 20 people on -4..+4. Pearson r against the human mean, and 3-class F1. Human classes follow
   the paper: the mean is normalised to [-1, 1] (divided by 4) and cut with the same thresholds as VADER,
   positive >= 0.05, negative <= -0.05, neutral between (i.e. mean >= +0.2 / <= -0.2). Predicted classes are
   ``label_for`` (the same ±0.05). F1 is given macro-averaged and support-weighted (the paper does not say which
   average it used; SOURCE.md's 3.3.2 re-check, Amazon weighted F1 0.608, matches our weighted figure). The
   Amazon snippets are also regrouped into their 309 whole reviews (snippets in id order joined with a space,
   human score = mean of the snippet means), which is where the sentence view matters.
2. **UCI sentiment labelled sentences** (Kotzias et al. 2015, CC BY 4.0): binary labels; accuracy counts a
   sentence right when its label is ``positive`` for a 1 or ``negative`` for a 0 (``neutral`` is wrong), and
   the share left neutral is shown.
3. **Star ratings on whole reviews** (Amazon Fine Food 1k, Datafiniti Amazon 5k, McAuley 2018 beauty and fashion
   de-duplicated, TripAdvisor 109): Pearson and Spearman correlation of the score with the stars, 3-class macro
   F1 with stars 1–2 negative, 3 neutral, 4–5 positive, and the rating–text mismatch rate.

Besides ``vader_compound`` and the headline ``sentiment_score`` (which equals ``sentence_compound``, the plain
mean of the sentence compounds) the tables show the alternatives that were considered for the headline score (a
word-weighted sentence mean, and the mean of the raw and sentence compounds), so the choice can be re-checked.
The last column of the star table also counts what the mismatch rule would flag on the raw compound instead.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from reviewtools.sentiment import (
    HIGH_RATING_MIN,
    LOW_RATING_MAX,
    MISMATCH_NEGATIVE_SCORE,
    MISMATCH_POSITIVE_SCORE,
    label_for,
    score_sentences,
    score_sentiment,
)

REPO = Path(__file__).resolve().parents[1]

#: Human ratings are on -4..+4; the paper normalised them to -1..+1 before applying the ±0.05 cut.
HUMAN_SCALE = 4.0
CORPORA = ("amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets", "tweets")
#: VADER paper, Table 4 (Pearson r, F1) for VADER on each corpus (from vader_groundtruth/SOURCE.md).
PAPER = {
    "amazonReviewSnippets": (0.565, 0.63),
    "movieReviewSnippets": (0.451, 0.61),
    "nytEditorialSnippets": (0.492, 0.55),
    "tweets": (0.881, 0.96),
}
#: The issue's floor: on the Amazon snippets r must not fall below the paper's VADER figure.
AMAZON_R_FLOOR = 0.565
SCORES = ("vader_compound", "sentiment_score", "alt_word_weighted", "alt_mean_of_both")


def datasets_dir() -> Path:
    env = os.environ.get("REVIEWTOOLS_SHARED")
    base = Path(env) if env else REPO / ".." / "shared"
    return (base / "datasets").resolve()


def _with_alternatives(frame: pd.DataFrame) -> pd.DataFrame:
    """score_sentiment plus the alternatives considered for the headline score."""
    scored = score_sentiment(frame)
    sents = score_sentences(frame)
    w = sents["words"].clip(lower=1)
    weighted = (sents["compound"] * w).groupby(level=0).sum() / w.groupby(level=0).sum()
    scored["alt_word_weighted"] = weighted.reindex(scored.index).fillna(0.0)
    scored["alt_mean_of_both"] = (scored["vader_compound"] + scored["sentence_compound"]) / 2
    return scored


def _classes(values: pd.Series) -> list[str]:
    return [label_for(float(v)) for v in values]


def _f1s(truth: list[str], pred: list[str]) -> tuple[float, float]:
    labels = ["negative", "neutral", "positive"]
    return (
        float(f1_score(truth, pred, labels=labels, average="macro", zero_division=0)),
        float(f1_score(truth, pred, labels=labels, average="weighted", zero_division=0)),
    )


def read_groundtruth(path: Path) -> pd.DataFrame:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for raw in fh.read().split("\n"):
            line = raw.rstrip("\r")
            if not line.strip():
                continue
            rid, mean, text = line.split("\t", 2)
            rows.append((rid, float(mean), text))
    return pd.DataFrame(rows, columns=["review_id", "human", "text"])


def _gt_row(name: str, frame: pd.DataFrame) -> list[str]:
    scored = _with_alternatives(frame[["review_id", "text"]])
    truth = _classes(frame["human"] / HUMAN_SCALE)
    cells = [name, f"{len(frame):,}"]
    for col in SCORES:
        r = float(np.corrcoef(frame["human"], scored[col])[0, 1])
        macro, weighted = _f1s(truth, _classes(scored[col]))
        cells.append(f"{r:.3f} / {macro:.3f} / {weighted:.3f}")
    return cells


def table_groundtruth(root: Path, quick: bool) -> tuple[str, dict[str, float]]:
    folder = root / "vader_groundtruth"
    if not folder.is_dir():
        return f"_vader_groundtruth not found at {folder}: skipped._\n", {}
    head = ["corpus", "n"] + [f"{c}: r / F1 macro / F1 weighted" for c in SCORES] + ["paper VADER r / F1"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    checks: dict[str, float] = {}
    for corpus in CORPORA:
        if quick and corpus == "movieReviewSnippets":
            continue
        gt = read_groundtruth(folder / f"{corpus}_GroundTruth.txt")
        cells = _gt_row(corpus, gt)
        cells.append("{:.3f} / {:.2f}".format(*PAPER[corpus]))
        lines.append("| " + " | ".join(cells) + " |")
        if corpus == "amazonReviewSnippets":
            checks = {c: float(np.corrcoef(gt["human"], s)[0, 1]) for c, s in _with_alternatives(gt).items()
                      if c in SCORES}
            # regroup the snippets into their whole reviews
            gt = gt.assign(review=gt["review_id"].str.split("_").str[0].astype(int),
                           sentence=gt["review_id"].str.split("_").str[1].astype(int))
            gt = gt.sort_values(["review", "sentence"])
            whole = gt.groupby("review").agg(text=("text", " ".join), human=("human", "mean")).reset_index()
            whole["review_id"] = whole["review"].astype(str)
            cells = _gt_row(f"amazon, {len(whole)} whole reviews", whole) + ["–"]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n", checks


def table_uci(root: Path) -> str:
    folder = root / "uci_sentiment_labelled_sentences"
    if not folder.is_dir():
        return f"_uci_sentiment_labelled_sentences not found at {folder}: skipped._\n"
    head = ["file", "n"] + [f"{c}: accuracy (neutral share)" for c in SCORES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in ("amazon_cells_labelled", "yelp_labelled", "imdb_labelled"):
        rows = []
        with (folder / f"{name}.txt").open(encoding="utf-8", newline="") as fh:
            for line in fh.read().split("\n"):  # split on \n only: imdb has U+0085 inside sentences
                if line.strip():
                    text, lab = line.rsplit("\t", 1)
                    rows.append((text.strip(), int(lab)))
        df = pd.DataFrame(rows, columns=["text", "label"])
        scored = _with_alternatives(df)
        truth = np.where(df["label"] == 1, "positive", "negative")
        cells = [name, f"{len(df):,}"]
        for col in SCORES:
            pred = np.array(_classes(scored[col]))
            cells.append(f"{(pred == truth).mean():.3f} ({(pred == 'neutral').mean():.3f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _strip_html(s: object) -> str:
    if not isinstance(s, str):
        return ""
    return html.unescape(re.sub(r"<br\s*/?>", "\n", s, flags=re.I))


def star_sets(root: Path) -> dict[str, pd.DataFrame]:
    """Whole reviews with stars, as frames with ``rating, title, text`` (read directly; scripts only)."""
    out: dict[str, pd.DataFrame] = {}
    p = root / "amazon_fine_food_1k" / "Reviews_first1000.csv"
    if p.is_file():
        df = pd.read_csv(p, encoding="utf-8-sig")
        out["amazon_fine_food_1k"] = pd.DataFrame(
            {"rating": df["Score"], "title": df["Summary"].map(_strip_html), "text": df["Text"].map(_strip_html)}
        )
    p = root / "amazon_datafiniti_5k" / "Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv"
    if p.is_file():
        df = pd.read_csv(p, encoding="utf-8-sig")
        out["amazon_datafiniti_5k"] = pd.DataFrame(
            {"rating": df["reviews.rating"], "title": df["reviews.title"].fillna(""),
             "text": df["reviews.text"].fillna("")}
        ).drop_duplicates()
    folder = root / "amazon_mcauley2018_5core"
    if folder.is_dir():
        recs = []
        for f in sorted(folder.glob("*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    recs.append({"rating": d.get("overall"), "title": d.get("summary") or "",
                                 "text": d.get("reviewText") or "", "who": d.get("reviewerID")})
        df = pd.DataFrame(recs).dropna(subset=["rating"]).drop_duplicates()
        out["amazon_mcauley2018_5core"] = df.drop(columns="who")
    p = root / "tripadvisor_hotel_reviews_sample" / "tripadvisor_hotel_reviews_first109.csv"
    if p.is_file():
        df = pd.read_csv(p)
        out["tripadvisor_109"] = pd.DataFrame({"rating": df["Rating"], "title": "", "text": df["Review"]})
    for k, df in out.items():
        out[k] = df.assign(rating=pd.to_numeric(df["rating"]).round().astype("Int64")).reset_index(drop=True)
    return out


def table_stars(root: Path) -> str:
    sets = star_sets(root)
    if not sets:
        return f"_no star-rated review sets found under {root}: skipped._\n"
    head = ["set", "n", "median words"] + [f"{c}: Pearson / Spearman / F1 macro" for c in SCORES]
    head += ["mismatches (4–5★ neg / 1–2★ pos)", "same rule on raw compound"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, df in sets.items():
        scored = _with_alternatives(df)
        stars = df["rating"].astype(float)
        truth = np.where(stars <= 2, "negative", np.where(stars >= 4, "positive", "neutral"))
        words = (df["title"].str.split().str.len() + df["text"].str.split().str.len()).median()
        cells = [name, f"{len(df):,}", f"{words:.0f}"]
        for col in SCORES:
            pear = float(np.corrcoef(stars, scored[col])[0, 1])
            spear = float(stars.corr(scored[col], method="spearman"))
            macro, _ = _f1s(list(truth), _classes(scored[col]))
            cells.append(f"{pear:.3f} / {spear:.3f} / {macro:.3f}")
        mm = scored["rating_text_mismatch"].fillna(False).astype(bool)
        hi = int((mm & (stars >= 4)).sum())
        lo = int((mm & (stars <= 2)).sum())
        unknown = int(scored["rating_text_mismatch"].isna().sum())
        cells.append(f"{hi} of {int((stars >= 4).sum())} / {lo} of {int((stars <= 2).sum())} ({unknown} not checked)")
        raw = scored["vader_compound"]
        raw_hi = int(((stars >= HIGH_RATING_MIN) & (raw <= MISMATCH_NEGATIVE_SCORE)).sum())
        raw_lo = int(((stars <= LOW_RATING_MAX) & (raw >= MISMATCH_POSITIVE_SCORE)).sum())
        cells.append(f"{raw_hi} / {raw_lo}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10,605 movie snippets")
    args = parser.parse_args(argv)
    root = datasets_dir()
    if not root.is_dir():
        print(f"datasets folder not found at {root} (set REVIEWTOOLS_SHARED): nothing to evaluate, skipped.")
        return 0
    t0 = time.perf_counter()
    gt, checks = table_groundtruth(root, args.quick)
    print("## VADER ground truth (Pearson r with the human mean; 3-class F1, human mean/4 cut at ±0.05)\n")
    print("`sentiment_score` = `sentence_compound` (mean of sentence compounds), the headline.\n")
    print(gt)
    print("## UCI sentiment labelled sentences (binary accuracy; neutral counts as wrong)\n")
    print(table_uci(root))
    print("## Whole reviews with star ratings (stars 1–2 negative, 3 neutral, 4–5 positive)\n")
    print(table_stars(root))
    print(f"_{time.perf_counter() - t0:.1f} s_")
    if checks:
        status = 0
        for col in ("vader_compound", "sentiment_score"):
            ok = checks[col] >= AMAZON_R_FLOOR
            print(f"Amazon snippets r({col}) = {checks[col]:.3f} {'>=' if ok else '<'} {AMAZON_R_FLOOR} (paper): "
                  f"{'ok' if ok else 'FAIL'}")
            status |= 0 if ok else 1
        return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
