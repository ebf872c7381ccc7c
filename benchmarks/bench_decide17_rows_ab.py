"""In-process A/B of the decision loop alone, timed as a decision worker runs it (Python's cyclic collector paused,
``pipeline._no_collection``), old and new alternating call by call: every ``_decide_rows`` call that the
``_decide_task``s of a saved slice make (set up as bench_decide_ab.py does: the cut ``recommend`` makes for ``--processes 2``, the long frames ``_encode``d, the
block index made first), recorded once per module from its own tasks and replayed, with an old ``pipeline.py`` loaded as
a second module and this tree's, interleaved; the rows asserted equal first. Prints CPU seconds
(``time.process_time``) per round, min and median, and in how many rounds the tree's was lower.

    # a 150k slice: the 1M corpus's header and first 150,000 records (230,368 lines), bench_stages.py save of it
    head -n 230368 benchmarks/out/reviews_1000000_seed8.csv > /tmp/reviews_150k.csv
    .venv/bin/python benchmarks/bench_stages.py save --corpus /tmp/reviews_150k.csv --ref /tmp/ref150s
    git -C /work/main show e18024c:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide17_rows_ab.py --ref /tmp/ref150s \\
        --old /tmp/pipeline_old.py --reps 15

``--read``: instead of the whole loop, the loop's row read alone over the same calls' rows (old: ``_row_values``'
tuples and ``_normal_values``; new: ``_column_lists``, ``_normal_from`` and each value by its place), with what the
loop reads of every row (id, platform, rating, label, score, reply) and, as its removal requests and drafted replies
do (a third of those rows each on the 150k slice), the row's record for every third row and its drafting fields for
the next; results asserted equal (by repr) first.

The seventeenth session's version of ``bench_decide_rows_ab.py`` (which times with the collector on, as no worker
does: its rounds swing with the collections the rows set off).

``--ref``: a folder of ``bench_stages.py save`` (``tagged.pkl``, ``matches.pkl``, ``hits.pkl``). The old module
imports this tree's other modules (respond, rules, ...): only ``pipeline.py`` differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import pickle
import sys
import time
from pathlib import Path

import numpy as np

import reviewtools.pipeline as NEW
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--old", required=True, help="another pipeline.py")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--read", action="store_true", help="time the loop's row read alone (see above)")
    ap.add_argument("--processes", type=int, default=2, help="the cut recommend makes for this many processes")
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    NEW._warm_worker()
    NEW.recommend(tagged.iloc[:50], hits.iloc[:0], matches.iloc[:0], processes=1)
    out = coerce(tagged)
    setups = {}
    for name, mod in (("old", old), ("new", NEW)):
        recs = out[[c for c in mod.DECISION_COLUMNS if c in out.columns]]
        existing = frozenset(mod._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
        state = mod._decision_state(mod.ReplySettings(), mod._encode(hits), mod._encode(matches),
                                    "sentiment_label" in out.columns, (), existing)
        n = len(recs)
        size = min(-(-n // (args.processes * mod.CHUNKS_PER_PROCESS)), mod.DECISION_MAX_BLOCK)
        bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
        state = dataclasses.replace(state, blocks=mod._block_index(recs, state, bounds))
        mod._FORKED["decisions"] = (recs, state, mod._priority_inputs(out, None))
        mod._FORKED["shared"] = None  # the columns stay in the packed blocks (no files)
        setups[name] = (mod, bounds)

    calls: dict[str, list] = {}
    for name, (mod, bounds) in setups.items():
        real = mod._decide_rows
        rec: list = []

        def spy(*a, _real=real, _rec=rec):
            _rec.append(a)
            return _real(*a)

        mod._decide_rows = spy
        try:
            for b in bounds:
                mod._decide_task(b)
        finally:
            mod._decide_rows = real
        calls[name] = rec

    reads = {"old": _old_read(old), "new": _new_read(NEW)}

    def call(name: str, a: tuple) -> tuple[float, list]:
        mod = setups[name][0]
        f = reads[name] if args.read else mod._decide_rows
        t = time.process_time()
        with mod._no_collection():
            got = f(*a)
        return time.process_time() - t, got

    a = [call("old", x)[1] for x in calls["old"]]
    b = [call("new", x)[1] for x in calls["new"]]
    n_rows = sum(map(len, a))
    if args.read:  # NaN and NaT values are equal by repr only
        a, b = [repr(x) for x in a], [repr(x) for x in b]
    assert len(a) == len(b) and all(x == y for x, y in zip(a, b)), "rows differ"
    print(f"{len(a)} calls, {n_rows:,} rows, {len(out):,} reviews: equal" + (" (the row read alone)" if args.read else ""))
    del a, b
    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        # old and new alternate call by call (the order flipping each call and round), so load swings hit both
        total = {"old": 0.0, "new": 0.0}
        for i, (x_old, x_new) in enumerate(zip(calls["old"], calls["new"])):
            for name, x in ((("old", x_old), ("new", x_new)) if (i + r) % 2 == 0 else (("new", x_new), ("old", x_old))):
                t, got = call(name, x)
                del got
                total[name] += t
        gc.collect()
        for name in total:
            res[name].append(total[name])
    for name, v in res.items():
        print(f"{name}: min {min(v):.3f} median {np.median(v):.3f} CPU s  " + " ".join(f"{x:.3f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps, "rounds; load average",
          " ".join(Path("/proc/loadavg").read_text().split()[:3]))


_READ = ("review_id", "platform", "rating", "sentiment_label", "sentiment_score", "text_language", "reply_text",
         "replied_at")


def _old_read(mod):  # type: ignore[no-untyped-def]
    """The row read of ``mod``'s loop before the seventeenth session (a tuple of every value per row)."""
    import operator

    def read(recs, *_):  # type: ignore[no-untyped-def]
        names = list(recs.columns)
        i_rid, i_plat, i_rating, i_label, i_score, _, i_reply, _ = (names.index(c) if c in names else len(names)
                                                                     for c in _READ)
        pick_who = operator.itemgetter(*(names.index(c) if c in names else len(names) for c in mod._DRAFT_FIELDS))
        n_rows = len(recs)
        ratings, labels, scores = (mod._normal_values(recs.iloc[:, i], conv) if i < len(names) else [None] * n_rows
                                   for i, conv in ((i_rating, int), (i_label, str), (i_score, float)))
        out = []
        for j, (values, rating, label, score) in enumerate(zip(mod._row_values(recs, ("created_at",)), ratings,
                                                               labels, scores)):
            rid, platform, reply = str(values[i_rid]), str(values[i_plat] or "other"), values[i_reply]
            m = j % 3
            extra = dict(zip(names, values)) if m == 0 else pick_who(values) if m == 1 else None
            out.append((rid, platform, rating, label, score, reply, extra))
        return out

    return read


def _new_read(mod):  # type: ignore[no-untyped-def]
    """The row read of ``mod``'s loop from the seventeenth session (per-column lists, values by place)."""

    def read(recs, *_):  # type: ignore[no-untyped-def]
        names = list(recs.columns)
        i_rid, i_plat, i_rating, i_label, i_score, _, i_reply, _ = (names.index(c) if c in names else len(names)
                                                                     for c in _READ)
        who_at = [names.index(c) if c in names else len(names) for c in mod._DRAFT_FIELDS]
        n_rows = len(recs)
        chunk_start = chunk_end = 0
        out = []
        for j in range(n_rows):
            if j == chunk_end:
                chunk_start, chunk_end = j, min(n_rows, j + mod.RECORD_BLOCK)
                block = recs.iloc[chunk_start:chunk_end]
                cols = mod._column_lists(block, ("created_at",))
                named = list(zip(names, cols))
                rids, plats, replies = cols[i_rid], cols[i_plat], cols[i_reply]
                w_rid, w_plat, w_author, w_title = (cols[i] for i in who_at)
                ratings, labels, scores = (mod._normal_from(block.iloc[:, i], cols[i], conv) if i < len(names)
                                           else cols[i] for i, conv in ((i_rating, int), (i_label, str),
                                                                        (i_score, float)))
            k = j - chunk_start
            rating, label, score = ratings[k], labels[k], scores[k]
            rid, platform, reply = str(rids[k]), str(plats[k] or "other"), replies[k]
            m = j % 3
            extra = ({c: v[k] for c, v in named} if m == 0 else (w_rid[k], w_plat[k], w_author[k], w_title[k])
                     if m == 1 else None)
            out.append((rid, platform, rating, label, score, reply, extra))
        return out

    return read


if __name__ == "__main__":
    main()
