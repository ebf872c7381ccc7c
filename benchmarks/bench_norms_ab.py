"""The decision workers' phrasing-space updates (``respond._PhrasingSpace.update``: the drafts of an exhausted memo
entry, normalised), this tree's respond.py against another's (``--old FILE``, loaded as a second module),
interleaved. Capture first (the workers' tasks of ``--ref``'s blocks, one process, as bench_drafts.py runs them):

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_norms_ab.py capture --ref /tmp/lint_work/ref150s --out /tmp/norms.pkl
    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_norms_ab.py ab --cap /tmp/norms.pkl --old /tmp/old/reviewtools/respond.py

``capture`` records, per decision block, each ``_unique_variant`` call that updated a space (the row record, kind,
topic, problem, keep) and the block's page when it ended, then the same for the parent's serial pass
(``_assemble``, one memo, ``keep=False``) as a last block. ``ab`` replays them per module: a new ``_DraftMemo`` per
block (as a worker does), the context of each recorded call and its space's ``update`` against the block's page,
the per-process shared entries cleared before each round (``--part workers|parent|all``); the (spent, missing
drafts) answers asserted equal.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path


def capture(a: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_drafts as B
    import reviewtools.pipeline as P
    import reviewtools.respond as R
    from reviewtools.schema import coerce

    print("code:", R.__file__)
    t, h, m = (B._rechunked(pickle.load(open(a.ref / f"{n}.pkl", "rb")), 4) for n in ("tagged", "hits", "matches"))
    P._warm_worker()
    P.recommend(t.iloc[:50], h.iloc[:0], m.iloc[:0], processes=1)
    o = coerce(t)
    recs = o[[c for c in P.DECISION_COLUMNS if c in o.columns]]
    existing = frozenset(P._normalise(x) for x in o["reply_text"].dropna().astype(str) if x.strip())
    state = P._decision_state(P.ReplySettings(), P._encode(h), P._encode(m), True, (), existing)
    pri = P._priority_inputs(o, None)
    n, size = len(recs), P.DECISION_MAX_BLOCK
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    P._FORKED["decisions"] = (recs, state, pri)
    B._clear_respond(R)
    blocks: list[tuple[list, set]] = []
    real_uv, real_up = P._unique_variant, R._PhrasingSpace.update
    cur: dict = {}

    def up(self, ctx, page, keep=True):
        cur["updated"], cur["keep"] = page, keep
        return real_up(self, ctx, page, keep)

    def uv(rec, kind, topic, problem, settings, previous, memo=None, *rest, **kw):
        cur.pop("updated", None)
        out = real_uv(rec, kind, topic, problem, settings, previous, memo, *rest, **kw)
        if "updated" in cur:
            blocks[-1][0].append((dict(rec), kind, topic, problem, cur["keep"]))
            blocks[-1][1].update(cur["updated"])
        return out

    P._unique_variant, R._PhrasingSpace.update = uv, up
    packed = []
    for b in bounds:
        blocks.append(([], set()))
        packed.append(P._decide_task(b))
    for cache in (R._lint_cached, R._reads_as_complaint, R._normalise, R._segment_found):
        cache.cache_clear()
    for name in ("_SHARED_ENTRIES", "_NORMS_BOXES"):
        getattr(R, name, {}).clear()
    blocks.append(([], set()))  # the parent's serial pass: one memo whose spaces keep nothing
    P._assemble(iter(packed), recs, state.settings, state.existing)
    P._unique_variant, R._PhrasingSpace.update = real_uv, real_up
    pickle.dump(blocks, open(a.out, "wb"))
    print(f"{len(blocks)} blocks, {sum(len(c) for c, _ in blocks)} updates -> {a.out}")
    return 0


def _replay(R, blocks):
    S = R.ReplySettings()
    for name in ("_SHARED_ENTRIES", "_NORMS_BOXES"):
        getattr(R, name, {}).clear()
    R._normalise.cache_clear()
    R._reads_as_complaint.cache_clear()
    out = []
    for calls, page in blocks:
        memo = R._DraftMemo(S)
        for rec, kind, topic, problem, keep in calls:
            ctx = R._draft_context(rec, kind, topic, problem, S, memo)
            spent = ctx.space.update(ctx, page, keep)
            out.append((spent, sorted(ctx.space.missing)))
    return out


def ab(a: argparse.Namespace) -> int:
    import reviewtools.respond as NEW

    spec = importlib.util.spec_from_file_location("reviewtools.respond_old", a.old)
    OLD = importlib.util.module_from_spec(spec)
    sys.modules["reviewtools.respond_old"] = OLD
    spec.loader.exec_module(OLD)
    print("code:", NEW.__file__, "old:", OLD.__file__)
    blocks = pickle.load(open(a.cap, "rb"))
    blocks = {"all": blocks, "workers": blocks[:-1], "parent": blocks[-1:]}[a.part]
    n = sum(len(c) for c, _ in blocks)
    res: dict[str, list[float]] = {"old": [], "new": []}
    outs = {}
    for r in range(a.rounds):
        for name, R in (("old", OLD), ("new", NEW)) if r % 2 == 0 else (("new", NEW), ("old", OLD)):
            gc.collect()
            c = time.process_time()
            outs[name] = _replay(R, blocks)
            res[name].append(time.process_time() - c)
    same = outs["old"] == outs["new"]
    for name in ("old", "new"):
        ts = sorted(res[name])
        print(f"{name}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s ({a.part}: {len(blocks)} blocks, {n} updates)")
    wins = sum(x > y for x, y in zip(res["old"], res["new"]))
    print(f"new lower in {wins}/{a.rounds} rounds; load {os.getloadavg()[0]:.2f};",
          "answers identical" if same else "ANSWERS DIFFER")
    return 0 if same else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--ref", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    b = sub.add_parser("ab")
    b.add_argument("--cap", type=Path, required=True)
    b.add_argument("--old", type=Path, required=True)
    b.add_argument("--rounds", type=int, default=9)
    b.add_argument("--part", choices=("workers", "parent", "all"), default="all")
    a = ap.parse_args(argv)
    return capture(a) if a.cmd == "capture" else ab(a)


if __name__ == "__main__":
    raise SystemExit(main())
