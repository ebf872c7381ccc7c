"""Generate a deterministic N-review benchmark corpus from the real review texts in ../shared/datasets.

    .venv/bin/python benchmarks/generate.py --reviews 1000000 --out benchmarks/out/reviews_1m.csv [--seed 8]

The output is a CSV export with reviewtools' canonical column names (``review_id, platform, marketplace,
product_id, rating, title, text, author, created_at, verified, vine, helpful_votes``), so
``reviewtools.read_reviews`` recognises it as the ``canonical`` format. Same seed and N give the same bytes.

How it is built (the recipe of ``/work/shared/reference/performance-baselines.md``, "Full reviews"):

- **Text:** real human text only (fine food, Datafiniti and McAuley Amazon reviews, TripAdvisor, Ott hotel
  reviews, Salminen reviews, VADER's ground-truth snippets, UCI sentences), split into sentences but kept in
  their original order. Each review draws a target length from a lognormal (``LENGTH_MEDIAN``,
  ``LENGTH_SIGMA``, clipped to ``LENGTH_MIN..LENGTH_MAX``) and takes consecutive sentences of one source
  text, from its start or from a random sentence, continuing with another source text when one runs out.
  Sources are joined with a space or a paragraph break; some single-source reviews also get a paragraph
  break between two sentences, so about 16% of texts have a line break inside the quoted field. The first
  letter is capitalised half the time when it is lower case (several sources are lower-cased).
- **Rating and text agree:** texts are drawn from the sources with that star rating (or sentiment label:
  VADER snippets by their human mean, UCI and Ott by their polarity); unlabelled sources serve every rating.
  Ratings are split ``RATING_SHARES`` (9/5/8/18/60% for 1..5 stars).
- **Duplicates:** short texts repeat naturally (the same opening sentence), and ``EXACT_DUPLICATE_SHARE`` of
  the rows are exact copies of an earlier row (an export that lists a review twice).
- **Products, dates, people:** product ids follow a Zipf-like law over ``N / REVIEWS_PER_PRODUCT`` products;
  dates run ``DATE_START``..``DATE_END`` with more recent years busier; verified, Vine and helpful-vote
  rates are named constants below.

Memory stays modest: the source pool (about 25 MB of text) plus one chunk of rows at a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: Canonical header written (reviewtools/schema.py names; the ingest ``canonical`` format signature).
HEADER = (
    "review_id", "platform", "marketplace", "product_id", "rating", "title", "text", "author", "created_at",
    "verified", "vine", "helpful_votes",
)
#: Star shares for 1..5 (performance-baselines.md, "Ratings 1-5 are split 9/5/8/18/60%").
RATING_SHARES = (0.09, 0.05, 0.08, 0.18, 0.60)
#: Target-length lognormal: median 190 chars, sigma 1.05, clipped 10..5000 (performance-baselines.md); taking
#: whole sentences overshoots the target, which gives a text median of about 250 chars.
LENGTH_MEDIAN, LENGTH_SIGMA, LENGTH_MIN, LENGTH_MAX = 190.0, 1.05, 10, 5000
#: Chance that a review starts at its source's first sentence (else at a random sentence).
START_AT_BEGINNING = 0.6
#: Chance that two joined sources are separated by a blank line instead of a space.
PARAGRAPH_BETWEEN_SOURCES = 0.06
#: Chance that a review of two or more sentences gets a blank line between two of them.
PARAGRAPH_INSIDE = 0.015
#: Share of lower-case first letters that are capitalised (performance-baselines.md).
CAPITALISE_SHARE = 0.5
#: Share of rows that exactly repeat an earlier row.
EXACT_DUPLICATE_SHARE = 0.005
#: Share of reviews without a title.
NO_TITLE_SHARE = 0.05
#: Products: one per this many reviews (at least MIN_PRODUCTS), popularity ~ 1 / rank ** PRODUCT_ZIPF.
REVIEWS_PER_PRODUCT, MIN_PRODUCTS, PRODUCT_ZIPF = 200, 20, 0.9
#: Review dates (performance-baselines.md: 2015 to 2024); the year weight grows by DATE_GROWTH a year.
DATE_START, DATE_END, DATE_GROWTH = "2015-01-01", "2024-12-31", 1.25
VERIFIED_SHARE, VINE_SHARE = 0.88, 0.01
#: Helpful votes: zero for most reviews, else geometric with this mean.
HELPFUL_SHARE, HELPFUL_MEAN = 0.3, 4.0
#: Rows generated and written per chunk.
CHUNK = 50_000

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_BR = re.compile(r"\s*<br\s*/?>\s*(?:<br\s*/?>\s*)*", re.I)
csv.field_size_limit(sys.maxsize)


def default_datasets() -> Path:
    """``$REVIEWTOOLS_SHARED/datasets`` when set, else ``../shared/datasets`` beside the repository."""
    env = os.environ.get("REVIEWTOOLS_SHARED")
    return Path(env) / "datasets" if env else (REPO / ".." / "shared" / "datasets").resolve()


# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Doc:
    """One real source text, its sentence boundaries, and its title when the source has one."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    title: str


def make_doc(text: str, title: str = "") -> Doc | None:
    """Split ``text`` into sentences (offsets into the untouched text); ``None`` when it is empty."""
    text = _BR.sub("\n", text).strip()
    if not text:
        return None
    starts, ends = [0], []
    for m in _SENTENCE_END.finditer(text):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(text))
    if starts[-1] >= len(text):
        starts.pop()
        ends.pop()
    return Doc(text, tuple(starts), tuple(ends), title.strip())


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def _tsv(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8-sig").split("\n"):  # \n only: texts hold U+0085
        if line.strip():
            yield line.rstrip("\r").split("\t")


def _stars(value: str) -> set[int]:
    try:
        r = round(float(value))
    except ValueError:
        return set()
    return {r} if 1 <= r <= 5 else set()


def _from_mean(m: str) -> set[int]:
    """VADER ground truth: a mean of human ratings on -4..4, mapped to the star it reads like."""
    v = float(m)
    return {1} if v <= -2 else {2} if v <= -0.75 else {3} if v < 0.75 else {4} if v < 2 else {5}


NEGATIVE, POSITIVE, ANY = {1, 2}, {4, 5}, {1, 2, 3, 4, 5}


def _load_fine_food(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for r in _csv_rows(d / "amazon_fine_food_1k" / "Reviews_first1000.csv"):
        yield r["Text"], r["Summary"], _stars(r["Score"])


def _load_datafiniti(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for r in _csv_rows(d / "amazon_datafiniti_5k" / "Datafiniti_Amazon_Consumer_Reviews_of_Amazon_Products.csv"):
        yield r["reviews.text"], r["reviews.title"], _stars(r["reviews.rating"])


def _load_mcauley(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for path in sorted((d / "amazon_mcauley2018_5core").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                o = json.loads(line)
                yield o.get("reviewText", ""), o.get("summary", ""), _stars(str(o.get("overall", "")))


def _load_tripadvisor(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for r in _csv_rows(d / "tripadvisor_hotel_reviews_sample" / "tripadvisor_hotel_reviews_first109.csv"):
        yield r["Review"], "", _stars(r["Rating"])


def _load_ott(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for r in _csv_rows(d / "ott_deceptive_opinion_spam" / "op_spam_v1.4.csv"):
        yield r["text"], "", NEGATIVE if r["polarity"] == "negative" else POSITIVE


def _load_salminen(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for path in sorted((d / "fake_reviews_salminen").glob("*.csv")):
        for r in _csv_rows(path):
            yield r["text"], "", ANY


def _load_vader(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for path in sorted((d / "vader_groundtruth").glob("*_GroundTruth.txt")):
        for parts in _tsv(path):
            if len(parts) >= 3:
                yield parts[2], "", _from_mean(parts[1])


def _load_uci(d: Path) -> Iterator[tuple[str, str, set[int]]]:
    for path in sorted((d / "uci_sentiment_labelled_sentences").glob("*_labelled.txt")):
        for parts in _tsv(path):
            if len(parts) >= 2:
                yield parts[0].strip(), "", POSITIVE if parts[-1].strip() == "1" else NEGATIVE


#: The review-text sources (spam, SMS and toxic comments are not reviews and are left out).
SOURCES: dict[str, Callable[[Path], Iterator[tuple[str, str, set[int]]]]] = {
    "amazon_fine_food_1k": _load_fine_food,
    "amazon_datafiniti_5k": _load_datafiniti,
    "amazon_mcauley2018_5core": _load_mcauley,
    "tripadvisor_hotel_reviews_sample": _load_tripadvisor,
    "ott_deceptive_opinion_spam": _load_ott,
    "fake_reviews_salminen": _load_salminen,
    "vader_groundtruth": _load_vader,
    "uci_sentiment_labelled_sentences": _load_uci,
}


@dataclass
class Pools:
    """Distinct source texts by star rating, and titles by star rating."""

    docs: dict[int, list[Doc]] = field(default_factory=lambda: {r: [] for r in range(1, 6)})
    titles: dict[int, list[str]] = field(default_factory=lambda: {r: [] for r in range(1, 6)})
    used: list[str] = field(default_factory=list)


def load_pools(datasets: Path) -> Pools:
    """Read every available source under ``datasets`` into per-rating pools (distinct texts only)."""
    pools, seen = Pools(), set()
    for name, loader in SOURCES.items():
        if not (datasets / name).is_dir():
            continue
        pools.used.append(name)
        for text, title, ratings in loader(datasets):
            if not text or text in seen or not ratings:
                continue
            seen.add(text)
            doc = make_doc(text, title)
            if doc is None:
                continue
            for r in sorted(ratings):
                pools.docs[r].append(doc)
                if doc.title:
                    pools.titles[r].append(doc.title)
    if not pools.used or not all(pools.docs.values()):
        raise SystemExit(f"no usable review texts under {datasets}")
    return pools


# -------------------------------------------------------------------------------------------- generation


def _scramble(i: int, salt: int, bits: int = 52) -> int:
    """A bijection on ``range(2**bits)`` (odd multiplier), so distinct ``i`` give distinct ids."""
    return ((i + salt) * 0x9E3779B97F4A7C15) & ((1 << bits) - 1)


def make_text(rng: random.Random, docs: list[Doc], target: int) -> str:
    """Consecutive sentences of real texts until ``target`` characters are reached (whole sentences)."""
    parts: list[str] = []
    length = 0
    rand = rng.random
    n_docs = len(docs)
    while True:
        doc = docs[int(rand() * n_docs)]
        starts, ends = doc.starts, doc.ends
        k = 0 if rand() < START_AT_BEGINNING else int(rand() * len(starts))
        start = starts[k]
        # first sentence end at or past the target, else the last one
        j = min(bisect_left(ends, start + (target - length), k), len(ends) - 1)
        piece = doc.text[start : ends[j]]
        if j > k and rand() < PARAGRAPH_INSIDE:
            cut = starts[k + 1 + int(rand() * (j - k))] - start
            piece = piece[:cut].rstrip() + "\n\n" + piece[cut:]
        parts.append(piece)
        length += len(piece)
        if length >= target:
            break
        parts.append("\n\n" if rand() < PARAGRAPH_BETWEEN_SOURCES else " ")
        length += len(parts[-1])
    text = "".join(parts)
    if text[0].islower() and rand() < CAPITALISE_SHARE:
        text = text[0].upper() + text[1:]
    return text


def _dates(np_rng: np.random.Generator, n: int) -> np.ndarray:
    start = np.datetime64(DATE_START, "s")
    end = np.datetime64(DATE_END, "s") + np.timedelta64(86399, "s")
    span = int((end - start) / np.timedelta64(1, "s"))
    years = span / (365.25 * 86400)
    # density growing exponentially with time: inverse CDF of exp(g * t) on [0, 1]
    g = math.log(DATE_GROWTH) * years
    u = np_rng.random(n)
    t = np.log1p(u * math.expm1(g)) / g
    secs = (t * span).astype(np.int64)
    return np.datetime_as_string(start + secs.astype("timedelta64[s]"), unit="s")


def generate(n: int, out: Path, seed: int = 8, datasets: Path | None = None) -> dict[str, float]:
    """Write an ``n``-review canonical CSV to ``out``; returns summary figures (rows, bytes, seconds)."""
    t0 = time.perf_counter()
    pools = load_pools(datasets or default_datasets())
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    n_products = max(MIN_PRODUCTS, n // REVIEWS_PER_PRODUCT)
    weights = 1.0 / np.arange(1, n_products + 1) ** PRODUCT_ZIPF
    weights /= weights.sum()
    product_ids = [f"B0{_scramble(k, seed, 32):08X}" for k in range(n_products)]
    out.parent.mkdir(parents=True, exist_ok=True)
    written = multiline = dups = 0
    text_chars = 0
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        for lo in range(0, n, CHUNK):
            m = min(CHUNK, n - lo)
            ratings = (np_rng.choice(5, size=m, p=RATING_SHARES) + 1).tolist()
            targets = np.clip(
                np.exp(np_rng.normal(math.log(LENGTH_MEDIAN), LENGTH_SIGMA, m)), LENGTH_MIN, LENGTH_MAX
            ).astype(int).tolist()
            products = np_rng.choice(n_products, size=m, p=weights).tolist()
            dates = _dates(np_rng, m).tolist()
            verified = np.where(np_rng.random(m) < VERIFIED_SHARE, "true", "false").tolist()
            vine = np.where(np_rng.random(m) < VINE_SHARE, "true", "false").tolist()
            helpful = np.where(
                np_rng.random(m) < HELPFUL_SHARE, np_rng.geometric(1.0 / HELPFUL_MEAN, m), 0
            ).astype(str).tolist()
            authors = np_rng.integers(0, max(1, int(n * 0.8)), m).tolist()
            no_title = (np_rng.random(m) < NO_TITLE_SHARE).tolist()
            dup = (np_rng.random(m) < EXACT_DUPLICATE_SHARE).tolist()
            rows: list[list[str]] = []
            for j in range(m):
                if dup[j] and rows:
                    rows.append(rows[int(rng.random() * len(rows))])
                    dups += 1
                    continue
                r = ratings[j]
                text = make_text(rng, pools.docs[r], targets[j])
                titles = pools.titles[r]
                title = "" if no_title[j] or not titles else titles[int(rng.random() * len(titles))]
                i = lo + j
                rows.append([
                    f"R{_scramble(i, seed):013X}", "amazon", "amazon.com", product_ids[products[j]],
                    str(r), title, text, f"A{_scramble(authors[j], seed + 1):013X}",
                    f"{dates[j]}Z", verified[j], vine[j], helpful[j],
                ])
            for row in rows:
                text_chars += len(row[6])
                multiline += "\n" in row[6]
            writer.writerows(rows)
            written += len(rows)
    return {
        "rows": written,
        "exact_duplicate_rows": dups,
        "multiline_share": multiline / max(1, written),
        "mean_text_chars": text_chars / max(1, written),
        "bytes": out.stat().st_size,
        "seconds": time.perf_counter() - t0,
        "sources": len(pools.used),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reviews", type=int, required=True, help="number of rows to write")
    ap.add_argument("--out", type=Path, required=True, help="CSV file to write")
    ap.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    ap.add_argument("--datasets", type=Path, default=None, help="datasets folder (default ../shared/datasets)")
    args = ap.parse_args(argv)
    if args.reviews < 1:
        ap.error("--reviews must be at least 1")
    datasets = args.datasets or default_datasets()
    if not datasets.is_dir():
        print(f"SKIP: datasets folder {datasets} not found (set REVIEWTOOLS_SHARED or pass --datasets)")
        return 0
    s = generate(args.reviews, args.out, args.seed, datasets)
    print(
        f"wrote {s['rows']:,} reviews ({s['bytes'] / 1e6:.1f} MB) to {args.out} in {s['seconds']:.1f} s; "
        f"{s['sources']} sources, mean text {s['mean_text_chars']:.0f} chars, "
        f"{s['multiline_share']:.1%} multi-line, {s['exact_duplicate_rows']:,} exact duplicate rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
