"""Time the guideline checks on N real-text reviews (no timed assertions in tests; measure here).

    .venv/bin/python benchmarks/bench_rules.py --reviews 100000 [--input reviews.csv]

Without ``--input`` it builds the corpus with ``benchmarks/generate.py`` (real review text from
``../shared/datasets``) into ``.work/``. Reports wall and CPU seconds for the per-review checks
(``check_each_review``) and the set-level duplicate check (``find_duplicates``) separately, and the hit counts.

``--warm-language`` fills the language memo first (untimed), as sentiment does before the checks in a triage
partition. ``--per-detector`` instead times ``check_each_review`` with its column-wide prefilters and, with
``--reference``, the plain per-review loop (``prefilter=False``) too, each with CPU seconds per detector
(prefilter + detector; the ``prefilter`` column is the prefilter's part, the first prefilter that asks for a shared
view or native scan paying for it) and the rows each detector ran on, and checks that both give the same frame:

    .venv/bin/python benchmarks/bench_rules.py --input benchmarks/out/reviews_100000_seed8.csv --per-detector --reference

``--phone-soundness`` checks the phone prefilter's digit bound against ``PhoneNumberMatcher`` on every field with
enough digits (the 1M corpus: 39,343 fields, 34,012 ruled out, none with a number). ``--ab OLD_TREE`` times ``check_each_review`` of an older checkout (``git archive <commit> | tar -x -C OLD_TREE``)
against this one, interleaved in one process, after checking both give the same frame (minimum and median of the
rounds: on a loaded machine the two can disagree in sign, see .work/notes9/checks.md).

``--scan-ab OLD_TREE`` times the native scans alone (``_checkcore.literal_rows`` and ``ws_literal_rows`` of both
trees on the arguments a ``check_each_review`` of the corpus gives them, masks compared first). ``--ws-ab`` times this tree
with and without the phrases' literal sets read across whitespace (``rules._WS_CONJUNCTION``), interleaved.

Twelfth pass (issue 8, tenth session, commits 0dcbbcf, 948e16a; .work/notes10/checks.md): ``literal_rows`` first
marks, with no branch, the positions of each 64 whose hashed first 3 or 4 bytes are some literal's (two small byte
tables; masks and word starts by SSE2 movemask) and probes only there (~4 % and ~6 % of the positions), running
only the probe the position passed; ``ws_literal_rows`` copies 16 bytes at a time when they are printable ASCII
without a space run. ``-DCHECKCORE_NO_SIMD`` builds the byte-at-a-time path (tests/test_rules_literal_simd.py
compares both builds with the definitions). ``--scan-ab /tmp/checks_old`` (10fffde), 100k, 5 rounds, load 7.4:
literal_rows 334 -> 225 ms (-33%), ws_literal_rows 238 -> 209 ms (-12%), ~1.4 CPU us/review less.

Tenth pass (issue 8, eighth session, commit 13dfaf4; .work/notes8/chk.md): before a phrase's RE2 refine, one
native pass (``_checkcore.ws_literal_rows``) reads each row with its whitespace runs made one space and keeps the
rows holding a string of each of the two most selective clauses of some alternative, the clauses read from the
pattern with its ``\s`` repeats as one space (``rules._ws_alternatives``: "i am the", "cheaper at"). RE2 rows
at 100k: price comparison 26.5k -> 4.8k, "i am ..." 35.6k -> 0.8k, the others alike. ``--ws-ab``, 5 rounds,
load 6.1-6.4: 100k 13.0 -> 11.9-12.0 CPU us/review (-8%; the pass itself 124 ms on 66k of 99.5k rows); 20k
13.3 -> 12.8 (-3%). ``--ab /tmp/chk8_old`` (f022067, other helpers' commits included on the new side), load
5.9-6.2: 100k 12.8 -> 12.6 (-2%), 20k 13.3 -> 12.8 (-4%).

Ninth pass (issue 8, seventh session, round 2, commits 9e13c94..802bb2f; .work/notes7/chk2.md), against a ``git
archive`` of ae2fcc2 in /tmp/chk8_old (its .so files copied in): the literal scan reads the bounded (anchor
word) literals only at the word starts of each 64 positions (a bit mask, visited by its set bits), compares a
literal's first 3-4 bytes as one integer before the rest, and the rest inline. ``--scan-ab``, 5 rounds, load
6.4-6.6: 100k 202 -> 172 ms (-15%, 0.30 CPU us/review), 20k 40 -> 34 ms; whole ``--ab`` within its noise at
load 6-7 (100k: -3%, -8%; --cold +3%; 20k -0%).

Eighth pass (issue 8, seventh session, commits 74d9075..7fbcaa8), A/B against 76ef0a2 (``git archive 76ef0a2 | tar
-x -C /tmp/chk_old``, the built .so files copied in), CPU seconds, min of the rounds: figures in
.work/notes7/chk.md. What changed (each exact): a new optional native module ``reviewtools/_checkcore.c`` with a
literal scan (``literal_rows``: the prefilters' literal sets and the anchor-word refines in one C pass over
``joined_low``, instead of Hyperscan's per-row Python callbacks and per-pattern RE2 refines), the language
prefilter's English counts from the bytes (``head_word_counts``) and a five-copy word-run test (``word_runs``);
tighter exact prefilters for gibberish (a byte-level share bound: 1,604 -> 0 detector rows on 100k), street
addresses (the whole pattern as RE2: 1,028 -> 16), seller feedback (anchored sentences, not anchor words:
-40%), links (upper-case/ambiguous TLDs; by kind: 9,616 -> 2,602 calls), phone (a shown number or a cue) and
word runs (1,144 -> 298); one-platform blocks as slices; review ids from the Arrow column.

Seventh pass (issue 8, sixth session, commits cdcda34..894bc6c), A/B against 5e61bd9 (``git archive 5e61bd9 | tar
-x -C /tmp/chk_old``, the built .so files copied in), CPU seconds, min of the rounds, load 2.2-3.3:

    --input benchmarks/out/reviews_20000_seed8.csv --reviews 20000 --ab /tmp/chk_old --rounds 5
        20.5 -> 17.1 CPU us/review (-17%)
    --input benchmarks/out/reviews_100000_seed8.csv --reviews 100000 --ab /tmp/chk_old --rounds 3
        20.3 -> 16.6 (-18%); with --cold 21.4 -> 17.4 (-19%)

What changed (each exact; .work/notes6/chk.md): ``class_counts`` counts 32 bytes at a time by an exact AVX2
set-membership test (tables of -1/0/1, run starts and stretches) and takes a row list, which the phone prefilter's
run reach uses instead of numpy blocks; the lower-cased views are made from the fields' bytes (``ascii_lower``,
``str.lower`` only on rows with a non-ASCII character) instead of a list of lowered strings converted to Arrow;
the title/text views are the frame's own pyarrow string columns (sliced or taken per platform).

Sixth pass (issue 8, fifth session, commits 5ee7f91..64b6a38), A/B against 5904ed0 (``git archive 5904ed0 | tar
-x -C /tmp/chk6_old``, the VADER core copied in), CPU seconds, min of the rounds, quiet machine (load 0.7-0.9):

    --input benchmarks/out/reviews_20000_seed8.csv --reviews 20000 --ab /tmp/chk6_old --rounds 5
        28.7 -> 18.9 CPU us/review (-34%)
    --input benchmarks/out/reviews_100000_seed8.csv --reviews 100000 --ab /tmp/chk6_old --rounds 3
        29.4 -> 17.8 (-39%); with --cold (language memo cleared before each run) 31.4 -> 19.4 (-38%)

What changed (each exact; benchmarks/README.md "Per-review checks: sixth pass"): native byte passes for the
prefilters' byte counts, character runs, word-run token triples and symbol runs; cheap row masks before the
e-mail and wide-space RE2 searches; the language prefilter runs the detector's English test exactly on ASCII
texts and drops rows whose identified language is allowed; the hit frame built in Arrow; the link regexes tried
only where a match can start.

Fifth pass (issue 8, 2026-11-26, commits 0548f81..e35a628), A/B against a20a14e (``git archive a20a14e | tar -x
-C /tmp/checks4_old``, the VADER core copied in), CPU seconds, min of the rounds, language memo warm:

    --input benchmarks/out/reviews_20000_seed8.csv --reviews 20000 --ab /tmp/checks4_old --rounds 5
        47.9 -> 31.6 CPU us/review (-34%), load 2.8 (at e35a628; 51.4 -> 34.6 at load 10.8)
    --input benchmarks/out/reviews_100000_seed8.csv --reviews 100000 --ab /tmp/checks4_old --rounds 3
        53.0 -> 32.3 CPU us/review (-39%), load 2.7 (66.4 -> 41.4 at load 10.0)
    ... 20k as above with --no-hyperscan (every pattern on RE2): 60.5 -> 44.8 (-26%), load 11.9

What changed (each exact, the frames compared first): the literal prefilters' required-literal sets in one
Hyperscan pass per block (optional ``hyperscan`` package; RE2 pass by pass without it); hit-frame assembly with
constant findings as whole columns; the seller-feedback share bound column-wide (detector rows 1,019 -> 310 on
20k); the logistics superset searched in two pieces (RE2 left its DFA on the whole: 46 -> 20 ms); the joined and
head views built by Arrow; word-run candidates by token length and end bytes, then compared (63 -> 28 ms); TLD
sets made once and host suffixes looked up in a set. Tried, no gain: Hyperscan for the anchored-word and
literal-sequence patterns (0.15 s over every row against RE2 on the literal rows) and for the 8 patterns of the
unlowered view (0.056 s against 0.052 s); cutting every long pattern (price comparison 15 -> 40 ms, insult
9 -> 17); ``np.add.reduceat`` or ``cumsum(dtype=)`` for byte counts (15-16 ms against 12) and token sums.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from reviewtools.ingest import read_reviews
from reviewtools.duplicates import find_duplicates
from reviewtools.rules import check_each_review, load_rules

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--input", help="a canonical CSV (default: generate one)")
    ap.add_argument("--per-detector", action="store_true", help="CPU seconds per detector, prefilters included")
    ap.add_argument("--reference", action="store_true", help="with --per-detector: also the per-review loop")
    ap.add_argument("--ab", metavar="OLD_TREE", help="interleaved A/B: check_each_review of the reviewtools/ in OLD_TREE "
                    "against this one, same frame, language memo warm, outputs compared first")
    ap.add_argument("--rounds", type=int, default=3, help="with --ab: rounds (minimum CPU seconds of each side)")
    ap.add_argument("--cold", action="store_true", help="with --ab: clear each side's language memo before each timed "
                    "run (the identifier classifies again, as in a partition the checks see first)")
    ap.add_argument("--scan-ab", metavar="OLD_TREE",
                    help="the native literal scan alone: _checkcore.literal_rows of OLD_TREE's reviewtools/ against "
                         "this tree's, on the views and plans check_each_review scans (blocks of 1,000+ rows), "
                         "interleaved, masks compared first")
    ap.add_argument("--ws-ab", action="store_true",
                    help="this tree's check_each_review with and without the phrases' literal sets read across "
                         "whitespace (rules._WS_CONJUNCTION), interleaved, frames compared first")
    ap.add_argument("--phone-soundness", action="store_true",
                    help="every title/text with 7+ ASCII digits that rules.may_hold_phone_number rules out: "
                         "PhoneNumberMatcher (VALID, the marketplace's region) must find nothing in it")
    ap.add_argument("--warm-language", action="store_true",
                    help="with --per-detector: classify the texts' languages first, untimed, as sentiment does before "
                         "the checks in a triage partition (the language memo is otherwise cleared)")
    ap.add_argument("--language", action="store_true",
                    help="the language identifier alone: the corpus's identifier texts through rules._classify_many "
                         "with the memo cleared, native and numpy paths, checked against py3langid's rank first")
    ap.add_argument("--no-hyperscan", action="store_true",
                    help="search every prefilter pattern with RE2 (the path without the optional hyperscan package)")
    args = ap.parse_args(argv)
    if args.no_hyperscan:
        from reviewtools import rules as R

        R._HS_DISABLED = True
    path = Path(args.input) if args.input else ROOT / ".work" / f"bench_rules_{args.reviews}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        rc = subprocess.call([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--reviews",
                              str(args.reviews), "--out", str(path)])
        if rc:
            print("could not generate the corpus (is ../shared/datasets there?)")
            return 0
    frame = read_reviews(path).reviews.head(args.reviews)
    load_rules()
    check_each_review(frame.head(50))  # load models and compile patterns outside the timing
    check_each_review(frame.head(50), prefilter=False)
    if args.phone_soundness:
        return phone_soundness(frame)
    if args.language:
        return language(frame, args.rounds)
    if args.ab:
        return ab(frame, Path(args.ab), args.rounds, cold=args.cold)
    if args.scan_ab:
        return scan_ab(frame, Path(args.scan_ab), args.rounds)
    if args.ws_ab:
        return ws_ab(frame, args.rounds)
    if args.per_detector:
        return per_detector(frame, args.reference, args.warm_language)
    for name, fn in (("per-review checks", check_each_review), ("duplicates (whole frame)", find_duplicates)):
        w, c = time.perf_counter(), time.process_time()
        out = fn(frame)
        w, c = time.perf_counter() - w, time.process_time() - c
        hits = out[out.outcome == "hit"]
        print(f"{name:<26} {len(frame):>8,} reviews  wall {w:6.1f} s  cpu {c:6.1f} s  "
              f"({c / len(frame) * 1e6:5.0f} us/review cpu)  {len(hits):,} hits, {(out.outcome == 'not_run').sum():,} not run")
    return 0


def language(frame, rounds: int) -> int:
    """CPU of ``rules._classify_many`` on the texts the identifier gets (40+ characters, not plainly English by
    the function-word test), memo cleared each round, on the native path (``_vadercore.lang_visits`` and
    ``lut_rows``, when built) and the numpy path; every result is first compared with py3langid's own ``rank``
    per text (exit status 1 on a difference). The model and its tables are loaded before the timing."""
    import os

    from reviewtools import rules as R

    heads = []
    for t in frame["text"].tolist():
        s = (t if isinstance(t, str) else "").strip()
        if len(s) >= R.LANGUAGE_MIN_CHARS and not R._plainly_english(s[: R.LANGUAGE_MAX_CHARS].lower()):
            heads.append(s[: R.LANGUAGE_MAX_CHARS])
    distinct = list(dict.fromkeys(heads))
    ident = R._language_identifier()
    expected = [R._from_ranked(ident.rank(h)) for h in distinct]
    native_core = R._weights_core
    paths = {"native": native_core, "numpy": lambda table: None}
    best = {name: float("inf") for name in paths}
    try:
        for _ in range(rounds):
            for name, core in paths.items():
                R._weights_core = core
                R._CLASSIFIED.clear()
                c = time.process_time()
                R._classify_many(heads)
                best[name] = min(best[name], time.process_time() - c)
                if [R._CLASSIFIED[h] for h in distinct] != expected:
                    print(f"{name} path: results differ from py3langid's rank")
                    return 1
    finally:
        R._weights_core = native_core
        R._CLASSIFIED.clear()
    print(f"{len(frame):,} reviews, {len(heads):,} identifier texts ({len(distinct):,} distinct), results equal to "
          f"py3langid's rank; load average {os.getloadavg()[0]:.2f}")
    for name, c in best.items():
        print(f"  {name:<7} {c:7.3f} CPU s (min of {rounds})  {c / len(distinct) * 1e6:6.1f} us/text  "
              f"{c / len(frame) * 1e6:5.2f} us/review")
    return 0


def phone_soundness(frame) -> int:
    """The phone prefilter's bound against phonenumbers itself, field by field; exit status 1 on a miss."""
    import phonenumbers

    from reviewtools import rules as R

    regions = [R.marketplace_region(m if isinstance(m, str) else None) for m in frame["marketplace"]]
    fields = ruled = bad = 0
    for col in ("title", "text"):
        for s, region in zip(frame[col].tolist(), regions):
            s = R._str_or_empty(s)
            if len(s) - len(s.translate(R._DIGIT_DELETE)) < R.PHONE_MIN_DIGITS:
                continue
            fields += 1
            if R.may_hold_phone_number(s, region):
                continue
            ruled += 1
            if list(phonenumbers.PhoneNumberMatcher(s, region, leniency=phonenumbers.Leniency.VALID)):
                bad += 1
                print(f"MISSED ({region}): {s[:200]!r}")
    print(f"{len(frame):,} reviews: {fields:,} fields with >= {R.PHONE_MIN_DIGITS} digits, {ruled:,} ruled out by the "
          f"bound, {bad} of them with a number PhoneNumberMatcher finds")
    return 1 if bad else 0


def scan_ab(frame, old_tree: Path, rounds: int) -> int:
    """``_checkcore.literal_rows`` and ``ws_literal_rows`` of ``old_tree`` against this tree's on the real inputs:
    every call a ``check_each_review`` of ``frame`` makes on 1,000 rows or more, its arguments captured first; per
    call the minimum CPU ms of ``rounds`` interleaved calls of each (exit status 1 when the masks differ)."""
    import importlib.util
    import os

    import numpy as np

    from reviewtools import rules as R

    core, captured = R._literal_core(), []

    class Capture:
        def __getattr__(self, name):
            fn = getattr(core, name)
            if name not in ("literal_rows", "ws_literal_rows"):
                return fn

            def call(*args):
                if len(args[1]) > 1000:  # offsets: the rows of the view
                    captured.append((name, [np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                                            for a in args]))
                return fn(*args)
            return call

    literal_core = R._literal_core
    R._literal_core = Capture
    try:
        check_each_review(frame)
    finally:
        R._literal_core = literal_core
    so = next((old_tree / "reviewtools").glob("_checkcore*.so"))
    spec = importlib.util.spec_from_file_location("_checkcore", so)
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)
    cores = {"old": old, "new": core}
    totals = {}
    for fn, args in captured:
        best, masks = {}, {}
        for _ in range(rounds):
            for name, c in cores.items():
                out = np.array(args[-1], copy=True)  # both OR into out: start from the captured values
                t = time.process_time()
                getattr(c, fn)(*args[:-1], out)
                best[name] = min(best.get(name, 1e9), time.process_time() - t)
                masks[name] = out
        if not np.array_equal(masks["old"], masks["new"]):
            print(f"{fn}: masks differ")
            return 1
        total = totals.setdefault(fn, {"old": 0.0, "new": 0.0})
        for name in total:
            total[name] += best[name]
        rows = len(args[2]) if fn == "ws_literal_rows" else len(args[1]) - 1
        print(f"{fn:<16} {rows:>7,} rows {args[0].nbytes / 1e6:6.1f} MB: "
              f"old {best['old'] * 1e3:6.1f} ms, new {best['new'] * 1e3:6.1f} ms")
    for fn, total in totals.items():
        print(f"{fn}: masks equal; sum of minima: old {total['old'] * 1e3:.0f} ms, new {total['new'] * 1e3:.0f} ms "
              f"({total['new'] / total['old'] - 1:+.0%}); {(total['old'] - total['new']) / len(frame) * 1e6:.2f} "
              f"CPU us/review less; load {os.getloadavg()[0]:.1f}")
    return 0


def ab(frame, old_tree: Path, rounds: int, cold: bool = False) -> int:
    """Old against new ``check_each_review``, interleaved in this process (minimum CPU seconds of ``rounds``).

    The old tree's ``reviewtools`` is imported as package ``rtold``; both language memos are filled first (as
    sentiment fills them in a triage partition), or, ``cold``, cleared before each timed run; the two outputs
    must be frame-equal before anything is timed.
    """
    import os
    import shutil
    import tempfile

    import pandas as pd

    from reviewtools import rules as new

    tmp = Path(tempfile.mkdtemp(prefix="bench_rules_ab_"))
    shutil.copytree(old_tree / "reviewtools", tmp / "rtold")
    sys.path.insert(0, str(tmp))
    import rtold.rules as old  # noqa: E402

    texts = frame["text"].tolist()
    for mod in (old, new):
        mod.check_each_review(frame.head(200))
        mod.detect_languages(texts)
    pd.testing.assert_frame_equal(old.check_each_review(frame), new.check_each_review(frame))
    secs: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(rounds):
        for name, mod in (("old", old), ("new", new)):
            if cold:
                mod._CLASSIFIED.clear()
            c = time.process_time()
            mod.check_each_review(frame)
            secs[name].append(time.process_time() - c)
    n = len(frame)
    o, w = min(secs["old"]), min(secs["new"])
    print(f"{n:,} reviews, identical frames; check_each_review old {o:.2f} s, new {w:.2f} s (min of {rounds}): "
          f"{o / n * 1e6:.1f} -> {w / n * 1e6:.1f} CPU us/review ({w / o - 1:+.0%}); language memo "
          f"{'cold' if cold else 'warm'}; load {os.getloadavg()[0]:.1f}")
    om, wm = sorted(secs["old"])[rounds // 2], sorted(secs["new"])[rounds // 2]
    print(f"  medians: {om / n * 1e6:.1f} -> {wm / n * 1e6:.1f} CPU us/review ({wm / om - 1:+.0%})")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def ws_ab(frame, rounds: int) -> int:
    """``check_each_review`` with ``rules._WS_CONJUNCTION`` off and on, interleaved (minimum CPU seconds of
    ``rounds``), language memo warm, the two frames compared first; also the native pass's own CPU and rows."""
    import os

    import pandas as pd

    from reviewtools import rules as R

    R.detect_languages(frame["text"].tolist())
    saved = R._WS_CONJUNCTION
    secs: dict[bool, list[float]] = {False: [], True: []}
    try:
        R._WS_CONJUNCTION = False
        off = check_each_review(frame)
        R._WS_CONJUNCTION = True
        pd.testing.assert_frame_equal(off, check_each_review(frame))
        for _ in range(rounds):
            for flag in (False, True):
                R._WS_CONJUNCTION = flag
                c = time.process_time()
                check_each_review(frame)
                secs[flag].append(time.process_time() - c)
        core, passes, literal_core = R._literal_core(), [], R._literal_core

        class Timed:  # the native pass alone: CPU and rows read
            def __getattr__(self, name):
                return getattr(core, name)

            def ws_literal_rows(self, data, offsets, rows, *rest):
                c = time.process_time()
                core.ws_literal_rows(data, offsets, rows, *rest)
                passes.append((time.process_time() - c, len(rows), len(offsets) - 1))

        R._literal_core = lambda: Timed()
        try:
            check_each_review(frame)
        finally:
            R._literal_core = literal_core
    finally:
        R._WS_CONJUNCTION = saved
    n = len(frame)
    o, w = min(secs[False]), min(secs[True])
    print(f"{n:,} reviews, identical frames; check_each_review without {o:.2f} s, with {w:.2f} s (min of {rounds}): "
          f"{o / n * 1e6:.1f} -> {w / n * 1e6:.1f} CPU us/review ({w / o - 1:+.0%}); native pass "
          f"{sum(p[0] for p in passes) * 1e3:.0f} ms on {sum(p[1] for p in passes):,} of "
          f"{sum(p[2] for p in passes):,} rows; load {os.getloadavg()[0]:.1f}")
    return 0


def per_detector(frame, reference: bool, warm_language: bool = False) -> int:
    """CPU seconds per detector (its prefilter + its runs) for the prefiltered path, and for the per-review loop."""
    import collections
    import os

    import pandas as pd

    from reviewtools import rules as R

    def timed(prefilter: bool) -> tuple[float, dict, dict, pd.DataFrame]:
        cpu: collections.Counter = collections.Counter()
        pre: collections.Counter = collections.Counter()  # the prefilter's part of cpu
        ran: collections.Counter = collections.Counter()
        saved = dict(R.DETECTORS), dict(R.PREFILTERS)
        clock = time.process_time

        def wrap_detector(name, fn):
            def run(rv, params):
                c = clock()
                out = list(fn(rv, params))
                cpu[name] += clock() - c
                ran[name] += 1
                return out
            return run

        def wrap_prefilter(name, fn):
            def run(batch, rule, comp):
                c = clock()
                out = fn(batch, rule, comp)
                cpu[name] += clock() - c
                pre[name] += clock() - c
                return out
            return run

        R.DETECTORS.update({k: wrap_detector(k, f) for k, f in saved[0].items()})
        R.PREFILTERS.update({k: wrap_prefilter(k, f) for k, f in saved[1].items()})
        R._CLASSIFIED.clear()  # language results are memoised per text: start cold ...
        if warm_language:  # ... or as the checks find it in a triage partition, after sentiment
            R.detect_languages(frame["text"].tolist())
        try:
            c = clock()
            out = check_each_review(frame, prefilter=prefilter)
            total = clock() - c
        finally:
            R.DETECTORS.update(saved[0])
            R.PREFILTERS.update(saved[1])
        return total, cpu, ran, out, pre

    n = len(frame)
    runs = [("prefiltered", *timed(True))]
    if reference:
        runs.append(("per-review loop", *timed(False)))
    print(f"{n:,} reviews, load average {os.getloadavg()[0]:.2f} at the end")
    for label, total, cpu, ran, *_ in runs:
        print(f"{label}: cpu {total:.2f} s ({total / n * 1e6:.0f} us/review)")
    names = sorted(set(R.DETECTORS), key=lambda k: -runs[-1][2][k])
    head = "detector".ljust(20) + "".join(f"{lab + ' cpu s':>22}{'prefilter':>10}{'rows run':>10}" for lab, *_ in runs)
    print(head)
    for k in names:
        print(k.ljust(20) + "".join(f"{cpu[k]:22.2f}{pre[k]:10.2f}{ran[k]:10,}" for _, _, cpu, ran, _, pre in runs))
    if reference:
        same = runs[0][4].equals(runs[1][4])
        pd.testing.assert_frame_equal(runs[0][4], runs[1][4])
        print("identical frames:", same, f"({len(runs[0][4]):,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
