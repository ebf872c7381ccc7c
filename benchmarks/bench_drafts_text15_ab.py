"""A reply row's respond calls with warm memo entries (issue 8, fifteenth session): per captured row,
``_draft_context`` with its block's memo and ``_DraftContext.text`` of each variant the decision loop asked for
(0 .. the variant it stopped at; the last variant for a row whose every variant was on the page), this tree's
respond.py against another's (``--old FILE``, loaded as a second module), interleaved, CPU seconds
(``time.process_time``) per round, min and median per tree; the drafts asserted equal between the modules. The
memo entries and composed texts are made in a first pass per module (a worker's later rows), so a round times the
per-row work only (not the entries' misses, the page or the normal forms).

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_drafts_text15_ab.py --old $OLD/reviewtools/respond.py \\
        --cap /tmp/drafts13_work/rows150.pkl --rounds 15

``--cap``: ``bench_reply_rows_ab.py capture``'s pickle (per block, every ``pipeline._unique_variant`` call and its
answer).
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import sys
import time


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--cap", default="/tmp/drafts13_work/rows150.pkl")
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args(argv)
    import reviewtools.respond as NEW

    OLD = _load(a.old, "reviewtools.respond_old")
    print("code:", NEW.__file__, "old:", OLD.__file__)
    cap = pickle.load(open(a.cap, "rb"))
    # (record, kind, topic, problem, variants asked for) per block
    blocks = [[(rec, kind, topic, problem, tuple(range(min(out[1], 5) + 1)) if out[1] < 6 else (5,))
               for rec, kind, topic, problem, out in rows] for rows in cap["blocks"]]
    n = sum(len(b) for b in blocks)
    texts = sum(len(r[4]) for b in blocks for r in b)
    mods = {"old": OLD, "new": NEW}
    state = {}
    for k, R in mods.items():
        settings = R.ReplySettings()
        memos = [R._DraftMemo(settings) for _ in blocks]
        state[k] = (R._draft_context, settings, memos)

    def run(k: str) -> tuple[float, list[str]]:
        dc, settings, memos = state[k]
        out: list[str] = []
        add = out.append
        gc.collect()
        c = time.process_time()
        for rows, memo in zip(blocks, memos):
            for rec, kind, topic, problem, variants in rows:
                ctx = dc(rec, kind, topic, problem, settings, memo)
                for v in variants:
                    add(ctx.text(v))
        return time.process_time() - c, out

    want = run("old")[1]
    assert run("new")[1] == want
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
            t, got = run(k)
            assert got == want, k
            res[k].append(t)
    lower = sum(nw < od for od, nw in zip(res["old"], res["new"]))
    for k, v in res.items():
        s = sorted(v)
        print(f"{k}: min {1e6 * s[0] / n:.3f} median {1e6 * s[len(s) // 2] / n:.3f} CPU us/row ({n:,} rows, "
              f"{texts:,} texts)")
    print(f"new lower in {lower}/{a.rounds} rounds; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
