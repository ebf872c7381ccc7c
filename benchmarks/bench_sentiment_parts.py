"""CPU per review of the parts of the sentiment stage outside VADER: the per-review reference against the block path.

    .venv/bin/python benchmarks/bench_sentiment_parts.py --corpus benchmarks/out/reviews_20000_seed8.csv --rounds 3

Interleaved in one process, minimum CPU seconds (``time.process_time``) of ``--rounds`` rounds, load average printed:

* sentence splitting: ``split_sentences`` per text (the reference) against ``split_sentences_many`` of all texts;
* language guess: ``rules.detect_language`` per text against ``sentiment._languages`` of all texts (the
  identifier's memo is warm for both after the first round, as for the rules check in a pipeline run);
* ASCII sentence splitting: the numpy splitter against the native one (``_vadercore.split_ascii``), when built;
* sentence compounds: a string per sentence, ``pd.factorize`` and ``compound_many`` of the distinct ones (the
  third pass) against ``FastVader.compound_spans`` (spans read in place, equal ones scored once);
* the whole stage: ``score_sentiment``, analyzer rebuilt before each call.

Each pair's results are compared first (exit status 1 if they differ).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)

    from reviewtools import sentiment, vader
    from reviewtools.ingest import read_reviews
    from reviewtools.rules import detect_language

    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    titles, texts = sentiment._columns(frame)
    print(f"{n:,} reviews from {args.corpus}; load average {_loadavg()}", flush=True)

    def spans_block() -> tuple[object, object, object]:
        return sentiment.split_sentences_many(texts)

    def spans_lists(spans: tuple) -> list[list[tuple[int, int]]]:  # type: ignore[type-arg]
        owner, start, end = spans
        out: list[list[tuple[int, int]]] = [[] for _ in texts]
        for i, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True):
            out[i].append((a, b))
        return out

    def languages_ref() -> list[tuple[object, bool]]:
        out = []
        for t in texts:
            g = detect_language(t)
            out.append((g.language or (g.likely if g.not_english else None), g.not_english))
        return out

    def whole() -> object:
        vader.get_analyzer.cache_clear()
        return sentiment.score_sentiment(frame)

    import numpy as np
    import pandas as pd

    ascii_texts = [t for t in texts if t.isascii()]
    sents = sentiment._Sentences.of(titles, texts)
    analyzer = vader.get_analyzer()

    def compounds_ref() -> list[float]:
        strings = [sents.pool[o][a:b] for o, a, b in zip(sents.owner.tolist(), sents.start.tolist(),
                                                          sents.end.tolist(), strict=True)]
        codes, distinct = pd.factorize(np.array(strings, dtype=object))
        return np.array(analyzer.compound_many(distinct.tolist()))[codes].tolist()

    pairs = {  # (reference, block path, the block path's result as the reference's)
        "sentence splitting": (lambda: [sentiment.split_sentences(t) for t in texts], spans_block, spans_lists),
        "language guess": (languages_ref, lambda: sentiment._languages(texts), _language_pairs),
        "sentence compounds": (compounds_ref, sents.compounds, lambda got: got.tolist()),
    }
    if sentiment._native_splitter() is not None:
        pairs["ASCII splitting"] = (lambda: _as_lists(sentiment._split_block_numpy(ascii_texts, True)),
                                    lambda: sentiment._split_block(ascii_texts, True), _as_lists)
    bad = 0
    for name, (ref, block, as_ref) in pairs.items():
        if ref() != as_ref(block()):
            print(f"DIFFERENT {name}")
            bad += 1
        secs: dict[str, list[float]] = {"ref": [], "block": []}
        for _ in range(args.rounds):
            for key, fn in (("ref", ref), ("block", block)):
                t = time.process_time()
                fn()
                secs[key].append(time.process_time() - t)
        r, b = min(secs["ref"]), min(secs["block"])
        print(f"{name:>20}: per review {1e6 * r / n:6.1f} -> block {1e6 * b / n:6.1f} CPU us/review "
              f"({b / r - 1:+.0%}); load {_loadavg()}", flush=True)
    best = min(_timed(whole) for _ in range(args.rounds))
    print(f"{'score_sentiment':>20}: {1e6 * best / n:6.1f} CPU us/review (whole stage); load {_loadavg()}")
    return 1 if bad else 0


def _language_pairs(got) -> list[tuple[object, bool]]:  # type: ignore[no-untyped-def]
    return list(zip(got.language, got.foreign.tolist(), strict=True))


def _as_lists(spans) -> list[list[int]]:  # type: ignore[no-untyped-def]
    return [a.tolist() for a in spans]


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.process_time()
    fn()
    return time.process_time() - t


if __name__ == "__main__":
    sys.exit(main())
