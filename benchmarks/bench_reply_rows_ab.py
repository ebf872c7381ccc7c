"""The decision workers' reply rows as respond sees them (``_draft_context`` with the block's memo, the variants'
``_DraftContext.text`` and ``_normalise`` against the block's page, the space's ``update`` when every variant repeats),
this tree's respond.py against another's (``--old FILE``, loaded as a second module), interleaved. Capture first (the
workers' tasks of ``--ref``'s blocks, one process, as bench_drafts.py runs them):

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_reply_rows_ab.py capture --ref /tmp/lint_work/ref150s --out /tmp/rows.pkl
    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_reply_rows_ab.py ab --cap /tmp/rows.pkl --old /tmp/old/reviewtools/respond.py

``capture`` records, per decision block, every ``pipeline._unique_variant`` call (the row record, kind, topic,
problem) and the page the block starts from. ``ab`` replays them per module as ``pipeline._unique_variant`` and its
caller do (a new ``_DraftMemo`` per block, the draft's normal form added to the page after each row), respond's
per-process caches cleared before each round (``--warm``: kept, after a first round per module: the shared memo
entries, texts and normalised drafts of a worker's later blocks); the (draft, variant) answers asserted equal between the modules.
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
    blocks: list[list] = []
    real_uv = P._unique_variant

    def uv(rec, kind, topic, problem, settings, previous, memo=None, *rest, **kw):
        out = real_uv(rec, kind, topic, problem, settings, previous, memo, *rest, **kw)
        blocks[-1].append((dict(rec), kind, topic, problem, out))
        return out

    P._unique_variant = uv
    for b in bounds:
        blocks.append([])
        P._decide_task(b)
    P._unique_variant = real_uv
    pickle.dump({"existing": existing, "blocks": blocks}, open(a.out, "wb"))
    print(f"{len(blocks)} blocks, {sum(len(c) for c in blocks)} rows -> {a.out}")
    return 0


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _clear(R) -> None:
    for name in ("_normalise", "_reads_as_complaint"):
        getattr(R, name).cache_clear()
    for name in ("_SHARED_ENTRIES", "_NORMS_BOXES"):
        getattr(R, name, {}).clear()


def _replay(R, cap, settings, warm: bool = False) -> tuple[float, list]:
    """The rows of every block as pipeline._unique_variant and _decide_rows do (respond's part only); ``warm``:
    respond's per-process caches kept from the round before (a worker's later blocks)."""
    variants = 6
    dc, norm_of = R._draft_context, R._normalise
    out = []
    existing = cap["existing"]
    if not warm:
        _clear(R)
    gc.collect()
    c = time.process_time()
    for rows in cap["blocks"]:
        previous = set(existing)
        memo = R._DraftMemo(settings)
        for rec, kind, topic, problem, _ in rows:
            ctx = dc(rec, kind, topic, problem, settings, memo)
            space = ctx.space
            if space is not None and space.spent(previous):
                got = ctx.text(variants - 1), variants
            else:
                got = None
                for variant in range(variants):
                    draft = ctx.text(variant)
                    if norm_of(draft) not in previous:
                        got = draft, variant
                        break
                if got is None:
                    if space is not None:
                        space.update(ctx, previous, True)
                    got = draft, variants
            previous.add(norm_of(got[0]))
            out.append(got)
    return time.process_time() - c, out


def ab(a: argparse.Namespace) -> int:
    import reviewtools.respond as NEW

    print("code:", NEW.__file__)
    OLD = _load(a.old, "reviewtools.respond_old")
    print("old:", OLD.__file__)
    cap = pickle.load(open(a.cap, "rb"))
    n = sum(len(b) for b in cap["blocks"])
    want = [r[4] for b in cap["blocks"] for r in b]
    res: dict[str, list[float]] = {"old": [], "new": []}
    sets = {"old": OLD.ReplySettings(), "new": NEW.ReplySettings()}
    mods = {"old": OLD, "new": NEW}
    if a.warm:
        for k in mods:
            _replay(mods[k], cap, sets[k])
    for r in range(a.rounds):
        for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
            t, got = _replay(mods[k], cap, sets[k], a.warm)
            assert got == want, k
            res[k].append(t)
    lower = sum(nw < od for od, nw in zip(res["old"], res["new"]))
    for k, v in res.items():
        s = sorted(v)
        print(f"{k}: min {1e6 * s[0] / n:.3f} median {1e6 * s[len(s) // 2] / n:.3f} CPU us/row ({n:,} rows)")
    print(f"new lower in {lower}/{a.rounds} rounds; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--ref", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    b = sub.add_parser("ab")
    b.add_argument("--cap", type=Path, required=True)
    b.add_argument("--old", required=True)
    b.add_argument("--rounds", type=int, default=9)
    b.add_argument("--warm", action="store_true", help="keep respond's per-process caches between rounds")
    a = ap.parse_args(argv)
    return capture(a) if a.cmd == "capture" else ab(a)


if __name__ == "__main__":
    sys.exit(main())
