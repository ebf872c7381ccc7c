"""The benchmark corpus generator (benchmarks/generate.py): deterministic, realistic, readable by ingest.

Runs on a tiny datasets folder built from the bundled MIT VADER snippets, so it needs no ../shared."""

from __future__ import annotations

import csv
import importlib.util
import random
import shutil
import sys
from pathlib import Path

import pytest

from reviewtools import read_reviews

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("rt_bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate  # dataclasses look their module up while the file runs
_spec.loader.exec_module(generate)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("datasets")
    (root / "vader_groundtruth").mkdir()
    for name in ("amazonReviewSnippets_GroundTruth.txt", "tweets_GroundTruth.txt"):
        shutil.copy(ROOT / "tests" / "fixtures" / "vader" / name, root / "vader_groundtruth" / name)
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_same_seed_same_bytes_other_seed_other_bytes(datasets, tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    generate.generate(1500, a, seed=3, datasets=datasets)
    generate.generate(1500, b, seed=3, datasets=datasets)
    generate.generate(1500, c, seed=4, datasets=datasets)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_corpus_looks_like_an_export(datasets, tmp_path):
    out = tmp_path / "corpus.csv"
    n = 6000
    summary = generate.generate(n, out, seed=8, datasets=datasets)
    rows = _rows(out)
    assert len(rows) == n == summary["rows"]
    assert tuple(rows[0]) == generate.HEADER
    shares = [sum(r["rating"] == str(k) for r in rows) / n for k in range(1, 6)]
    for got, want in zip(shares, generate.RATING_SHARES):
        assert abs(got - want) < 0.03
    lengths = sorted(len(r["text"]) for r in rows)
    assert 150 <= lengths[n // 2] <= 400  # median like real exports (~250 chars)
    assert lengths[-1] > 2000  # a long tail
    multiline = sum("\n" in r["text"] for r in rows) / n
    assert 0.03 < multiline < 0.4
    assert all(r["text"].strip() for r in rows)
    dup_rows = n - len({tuple(r.values()) for r in rows})
    assert dup_rows == summary["exact_duplicate_rows"] > 0
    assert len({r["review_id"] for r in rows}) == n - dup_rows  # ids unique except exact copies
    products = {}
    for r in rows:
        products[r["product_id"]] = products.get(r["product_id"], 0) + 1
    counts = sorted(products.values(), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2]  # skewed popularity
    years = {r["created_at"][:4] for r in rows}
    assert len(years) >= 8


def test_ingest_recognises_the_corpus(datasets, tmp_path):
    out = tmp_path / "corpus.csv"
    summary = generate.generate(800, out, seed=1, datasets=datasets)
    res = read_reviews(out)
    assert res.format == "canonical"
    assert res.rejected == 0
    assert res.ingested == 800 - summary["exact_duplicate_rows"]
    assert set(res.reviews["platform"]) == {"amazon"}


def test_texts_are_whole_sentences_of_real_text(datasets):
    pools = generate.load_pools(datasets)
    doc = generate.make_doc("First one. Second one!  Third?<br /><br />Fourth")
    assert [doc.text[s:e] for s, e in zip(doc.starts, doc.ends)] == ["First one.", "Second one!", "Third?", "Fourth"]
    assert generate.make_doc("  <br />  ") is None
    vocabulary = {w.lower() for d in pools.docs[5] for w in d.text.split()}
    for seed in range(20):
        target = 20 + 40 * seed
        text = generate.make_text(random.Random(seed), pools.docs[5], target)
        assert len(text) >= target  # whole sentences until the target length is reached
        assert {w.lower() for w in text.split()} <= vocabulary  # nothing invented
