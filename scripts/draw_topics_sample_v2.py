"""Draw the second hand-labelled topic evaluation set (``eval_topics_labels_v2.csv``); run once, then label.

Two seeded samples of *sentences* from the Amazon exports in ../shared/datasets, both drawn with the rules as
they stood BEFORE the second precision pass (commit 2567b16), so the labels are not fitted to the new rules:

* ``match``: sentences holding a complaint match, stratified by topic (at most :data:`PER_TOPIC` per topic,
  so rare topics are represented); the label says whether the sentence really complains about that topic
  *for this product* (1) or not (0).
* ``mention``: sentences with NO complaint match that contain a topic cue word (:data:`CUE_RE`), drawn
  uniformly; the label lists the topics the sentence really complains about ('' when none), which estimates
  what the rules miss.

Each row carries ``split`` (``dev`` or ``test``, from a seeded hash of the review id, so a review is never in
both halves). Rules may be tuned on ``dev`` only; ``test`` is for the figures reported.

    .venv/bin/python scripts/draw_topics_sample_v2.py --out .work/topics_v2_to_label.csv

The output holds the sentence text for labelling and must stay out of git (most exports are not
permissively licensed); the committed labels file keeps ids, offsets and labels only.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys

import numpy as np
import pandas as pd

from eval_topics import DATASETS, SHARED  # noqa: E402  (scripts/ is on sys.path when run as a script)
from reviewtools.ingest import read_reviews
from reviewtools.topics import find_topics

SEED = 20240611
PER_TOPIC = 16
MENTION_SIZE = 160
#: Cue words (prefixes) of the topics: a sentence holding one may complain about a topic.
CUE_RE = re.compile(
    r"\b(ship|deliver|arriv|package|packag|box|broke|broken|crack|damag|leak|defect|work|wrong|missing|size|"
    r"fit|small|large|tight|loose|quality|last|cheap|flims|smell|scent|odor|fabric|material|service|seller|"
    r"customer|return|refund|cancel|address|price|expensive|money|worth|fake|genuine|counterfeit|safe|burn|"
    r"rash|sick|fire|hot|melt|stopped|quit|fell|apart|tore|rip)",
    re.IGNORECASE,
)
#: Sentence ends: . ! ? followed by space, a line break, or an HTML break.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|<br\s*/?>", re.IGNORECASE)


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (whitespace trimmed)."""
    out, pos = [], 0
    for m in [*SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        seg = text[pos:end]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append((pos + lead, pos + len(seg.rstrip())))
        pos = m.end() if m else len(text)
    return out


def split_of(review_id: str) -> str:
    """``dev`` or ``test``: a seeded hash of the review id (50/50)."""
    return "dev" if hashlib.sha256(f"{SEED}:{review_id}".encode()).digest()[0] % 2 == 0 else "test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    match_units, plain_units = [], []
    for folder, name in DATASETS:
        path = SHARED / folder / name
        if not path.is_file():
            print(f"missing {path}; skipped")
            continue
        frame = read_reviews(path).reviews
        hits = find_topics(frame)
        hits = hits[hits["complaint"]]
        by_field: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        for r in hits.itertuples():
            by_field.setdefault((r.review_id, r.field), []).append((r.start, r.end, r.topic))
        for rid, title, text in zip(frame["review_id"], frame["title"].fillna(""), frame["text"].fillna("")):
            for fld, value in (("title", title), ("text", text)):
                spans = by_field.get((rid, fld), [])
                for s, e in sentences(value):
                    inside = sorted({t for a, b, t in spans if a < e and b > s})
                    unit = (f"{folder}/{name}", rid, fld, s, e, value[s:e])
                    if inside:
                        match_units.extend((*unit, t) for t in inside)
                    elif CUE_RE.search(value[s:e]) and 15 <= e - s <= 400:
                        plain_units.append(unit)
    rng = np.random.default_rng(SEED)
    cols = ["dataset", "review_id", "field", "start", "end", "sentence"]
    matches = pd.DataFrame(match_units, columns=[*cols, "topic"]).drop_duplicates(["sentence", "topic"])
    picked = []
    for topic, group in matches.groupby("topic", sort=True):
        idx = rng.choice(len(group), size=min(PER_TOPIC, len(group)), replace=False)
        picked.append(group.iloc[np.sort(idx)].assign(population=len(group)))
    matches = pd.concat(picked, ignore_index=True).assign(set="match")
    plain = pd.DataFrame(plain_units, columns=cols).drop_duplicates("sentence").reset_index(drop=True)
    idx = np.sort(rng.choice(len(plain), size=min(MENTION_SIZE, len(plain)), replace=False))
    plain = plain.iloc[idx].assign(set="mention", topic="", population=len(plain))
    out = pd.concat([matches, plain], ignore_index=True)
    out.insert(0, "split", [split_of(r) for r in out["review_id"]])
    out["label"] = ""
    out.to_csv(args.out, index=False)
    print(f"wrote {len(matches)} match and {len(plain)} mention sentences to {args.out}")
    print(matches.groupby("topic")["population"].first().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
