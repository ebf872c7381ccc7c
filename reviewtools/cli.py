"""The ``reviewtools`` command line: a thin layer over the library.

Each sub-command has an ``_add_<name>(subparsers)`` that declares its arguments and a ``_cmd_<name>(args)``
that calls the library and prints. Library errors become a one-line message and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import ReviewToolsError

#: Exit status for unreadable input or impossible arguments.
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtools",
        description="Keep product reviews under control: ingest exports, judge them, triage and respond.",
    )
    parser.add_argument("--version", action="version", version=f"reviewtools {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _REGISTRY:
        add(sub)
    return parser


# --------------------------------------------------------------------------------------------- commands
# Each block below registers one sub-command. Keep the work in the library; these only parse and print.

_REGISTRY: list[Callable[[argparse._SubParsersAction], None]] = []


def _register(add: Callable[[argparse._SubParsersAction], None]) -> Callable[[argparse._SubParsersAction], None]:
    _REGISTRY.append(add)
    return add


# ------------------------------------------------------------------------------------------- ratings


@_register
def _add_ratings(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ratings",
        help="how low ratings drag the average: drag table, what-if and targets",
        description=(
            "Rating maths on review exports: what each star level costs the average, the average if reviews "
            "with strong removal-basis guideline hits came down, and the 5-star reviews needed to reach a "
            "target. Averages are computed from the reviews in the files; pass the listing's displayed rating "
            "and rating count to base the target maths on them."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--product", metavar="ID", help="only this product_id")
    p.add_argument("--per-product", action="store_true", help="one row per product instead of overall figures")
    p.add_argument("--target", type=float, default=None, metavar="T",
                   help="target average, 1 ≤ T < 5 (default: reviewtools.ratings.DEFAULT_TARGET)")
    p.add_argument("--displayed-rating", type=float, metavar="X", help="the rating shown on the listing")
    p.add_argument("--rating-count", type=int, metavar="N", help="the rating count shown on the listing")
    p.add_argument("--top", type=int, default=10, metavar="K", help="how many costliest reviews to list")
    p.set_defaults(func=_cmd_ratings)


def _cmd_ratings(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import ratings
    from .ingest import read_reviews

    if (args.displayed_rating is None) != (args.rating_count is None):
        raise ReviewToolsError("--displayed-rating and --rating-count go together; give both or neither")
    target = ratings.DEFAULT_TARGET if args.target is None else args.target
    res = read_reviews(list(args.files))
    frame = res.reviews
    if len(res.rejects):
        print(f"note: {len(res.rejects)} row(s) could not be read and are not counted below", file=sys.stderr)
    if args.product is not None:
        frame = frame[frame["product_id"] == args.product]
        if frame.empty:
            raise ReviewToolsError(f"no reviews of product {args.product!r} in {', '.join(args.files)}")
    by = "product_id" if args.per_product else None
    displayed = None
    if args.displayed_rating is not None:
        products = frame["product_id"].dropna().unique()
        if len(products) != 1:
            raise ReviewToolsError("the displayed rating belongs to one product; choose it with --product")
        label = str(products[0]) if by else ratings.ALL_GROUP
        displayed = {label: (args.displayed_rating, args.rating_count)}
    hits, what_if_note = None, ""
    try:
        from .rules import check_reviews
    except ImportError as exc:  # only "the rules module is not there yet", never a broken dependency
        if exc.name not in ("reviewtools.rules", None):
            raise
        what_if_note = "what-if: skipped, the guideline checks (reviewtools.rules.check_reviews) are not available yet"
    else:
        hits = check_reviews(frame)
    rep = ratings.ratings_report(frame, by=by, target=target, hits=hits, displayed=displayed, top=args.top)

    def show(title: str, table: pd.DataFrame) -> None:
        print(f"\n== {title}")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-") if len(table) else "(none)")

    print(f"Ratings {ratings.COMPUTED_BASIS}: {len(frame)} reviews; a simple mean, which the platform's displayed "
          f"rating need not match (it also counts star-only ratings and weighs recent reviews).")
    key = by or ratings.SCOPE_COLUMN
    show("Summary", rep.summary[[key, "n_reviews", "average", "bayesian_average", "share_1", "share_5",
                                 "displayed_rating", "displayed_count", "displayed_gap"]])
    if by is None:
        show(f"Drag per star level (stars lost against 5.0 and against the target {target:g})",
             rep.drag[["star", "count", "share", "drag_vs_5", "share_of_gap", "drag_vs_target"]])
    show("Drag summary", rep.drag_summary[[key, "average", "gap_to_5", "average_without_1star", "low_star_reviews",
                                           "low_star_share_of_gap", "gap_to_target"]])
    show(f"Costliest reviews (top {args.top})",
         rep.costliest[[c for c in (key, "review_id", "rating", "created_at", "contribution") if c in rep.costliest]])
    if rep.what_if is None:
        print(f"\n== What-if\n{what_if_note or rep.note}")
    else:
        show("What-if: strong removal-basis hits came down (the platform decides; nothing is guaranteed)",
             rep.what_if[[key, "basis", "n_before", "average_before", "n_removed", "average_after", "change",
                          "n_checks_not_run"]])
    show(f"Target {target:g}", rep.targets[[key, "basis", "n", "average", "met", "five_stars_needed",
                                           "five_stars_per_one_star", "reviews_per_month", "months_all_5star",
                                           "months_current_mix"]])
    if len(rep.targets):
        print(rep.targets["assumption"].iloc[0])
    return 0


@_register
def _add_ingest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="read review exports into the canonical frame and report counts per file",
        description="Read review exports (Amazon, Google, Trustpilot, app stores, or any CSV/TSV/JSON/JSONL/Excel "
        "with a recognisable header), print per file the format, rows read, ingested, rejected, duplicates, "
        "date range and product count, and write the frame and the rejects where asked.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--format", help="force a format by name (see `reviewtools formats`)")
    p.add_argument("--map", action="append", default=[], metavar="SOURCE=CANONICAL",
                   help="map a source column to a canonical column, e.g. --map 'Stars=rating' (repeatable)")
    p.add_argument("--platform", help="platform of every row (amazon, google, trustpilot, yelp, app_store, ...)")
    p.add_argument("--out", help="write the canonical frame to this .csv or .parquet file")
    p.add_argument("--rejects", help="write the rejected rows (file, row, column, value, reason) to this .csv")
    _add_db_option(p, optional_value=True)
    p.add_argument("--full-export", action="store_true",
                   help="with --db: each file holds every review of its products over its date range, so stored "
                   "reviews it lacks are marked possibly removed")
    p.add_argument("--no-triage", action="store_true", help="with --db: do not score new or changed reviews")
    p.add_argument("--snapshot", action=argparse.BooleanOptionalAction, default=None,
                   help="with --db: rewrite the dashboard's columnar snapshot beside the store afterwards "
                   "(default: only when the store already has one, i.e. the dashboard reads it)")
    p.set_defaults(func=_cmd_ingest)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .errors import IngestError
    from .ingest import read_reviews, write_frame

    column_map = {}
    for item in args.map:
        src, sep, dst = item.rpartition("=")
        if not sep or not src or not dst:
            raise IngestError(f"--map {item!r}: expected SOURCE=CANONICAL, e.g. --map 'Stars=rating'")
        column_map[src] = dst
    if getattr(args, "db", None) is not None:
        return _ingest_into_store(args, column_map or None)
    res = read_reviews(args.files, format=args.format, column_map=column_map or None, platform=args.platform)
    header = f"{'file':<40} {'format':<18} {'read':>8} {'ingested':>8} {'rejected':>8} {'dupes':>7}  dates{' ' * 17}products"
    print(header)
    for r in res.files:
        dates = f"{r.date_min:%Y-%m-%d}..{r.date_max:%Y-%m-%d}" if r.date_min is not None else "-"
        name = r.file if len(r.file) <= 40 else "..." + r.file[-37:]
        print(f"{name:<40} {r.format:<18} {r.rows_read:>8} {r.ingested:>8} {r.rejected:>8} {r.duplicates:>7}  "
              f"{dates:<22}{r.products:>8}")
    if len(res.files) > 1:
        print(f"{'total':<40} {'':<18} {res.rows_read:>8} {res.ingested:>8} {res.rejected:>8} {res.duplicates:>7}")
    _print_ingest_notes(res)
    if args.out:
        print(f"wrote {len(res.reviews)} reviews to {write_frame(res.reviews, args.out)}")
    if args.rejects:
        print(f"wrote {len(res.rejects)} rejects to {write_frame(res.rejects, args.rejects)}")
    elif res.rejected:
        print(f"{res.rejected} rows rejected; pass --rejects rejects.csv to see why")
    return 0


#: Reject reasons listed per file after the ingest table (the rest are in --rejects).
TOP_REJECT_REASONS = 3


def _print_ingest_notes(res) -> None:  # res: reviewtools.ingest.IngestResult
    """Say what the counts alone hide: ratings rescaled onto 1-5, conflicting duplicates, and the commonest
    reasons rows were rejected."""
    for r in res.files:
        if r.rating_scale is not None and tuple(r.rating_scale) != (1.0, 5.0):
            lo, hi = r.rating_scale
            print(f"note: {r.file}: ratings read on a {lo:g}-{hi:g} scale and mapped onto 1-5 stars")
        for note in getattr(r, "notes", ()):
            print(f"note: {r.file}: {note}")
    if not len(res.rejects):
        return
    reasons = res.rejects.assign(reason=res.rejects["reason"].str.split(" \\(").str[0])
    for file, group in reasons.groupby("source_file", sort=False):
        top = group["reason"].value_counts().head(TOP_REJECT_REASONS)
        print(f"rejected in {file}: " + "; ".join(f"{n} {why}" for why, n in top.items()))


@_register
def _add_formats(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("formats", help="list the review export formats ingest recognises",
                       description="List every known export format with its platform and signature columns.")
    p.set_defaults(func=_cmd_formats)


def _cmd_formats(args: argparse.Namespace) -> int:
    from .formats import list_formats

    for fmt in list_formats():
        print(f"{fmt.name:<18} {fmt.platform or '(from file)':<12} {fmt.title}")
    return 0


# ----------------------------------------------------------------------------------------------- sentiment


@_register
def _add_sentiment(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sentiment",
        help="score review sentiment with VADER and flag rating-text mismatches",
        description="Read review exports, score every review with VADER (whole review and sentence by sentence), "
        "print the label counts, the mean sentiment score and the rating-text mismatches, and write the scored "
        "frame where asked.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--format", help="force a format by name (see `reviewtools formats`)")
    p.add_argument("--out", help="write the scored frame to this .csv or .parquet file")
    p.set_defaults(func=_cmd_sentiment)


def _cmd_sentiment(args: argparse.Namespace) -> int:
    from .ingest import read_reviews, write_frame
    from .sentiment import HIGH_RATING_MIN, LOW_RATING_MAX, score_sentiment, summarize_sentiment

    res = read_reviews(args.files, format=args.format)
    if res.rejected:
        print(f"note: {res.rejected} row(s) rejected while reading; `reviewtools ingest --rejects FILE` says why",
              file=sys.stderr)
    scored = score_sentiment(res.reviews)
    s = summarize_sentiment(scored)
    print(f"{s['reviews']} reviews scored")
    for label, n in s["labels"].items():  # type: ignore[union-attr]
        share = n / s["reviews"] if s["reviews"] else 0.0  # type: ignore[operator]
        print(f"  {label:<9} {n:>8}  {share:6.1%}")
    if s.get("not_scored"):
        n = s["not_scored"]
        print(f"  {'unknown':<9} {n:>8}  {n / s['reviews']:6.1%}  (text not English: VADER cannot score it)")  # type: ignore[operator]
    print(f"mean sentiment_score: {s['mean_score']:+.3f}")
    print(f"rating-text mismatches: {s['mismatches']} ({HIGH_RATING_MIN}-5★ with clearly negative text or "
          f"1-{LOW_RATING_MAX}★ with clearly positive text); {s['mismatch_unknown']} not checked (no text, no rating, "
          "or text not English)")
    if args.out:
        print(f"wrote {len(scored)} scored reviews to {write_frame(scored, args.out)}")
    return 0


# ----------------------------------------------------------------------------------------------- topics


@_register
def _add_topics(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "topics",
        help="tag complaint topics (shipping, damage, size, refunds, ...) with their evidence",
        description="Read review exports, tag every review with the complaint topics it raises (phrase rules with "
        "negation; praise is counted apart), print the reviews per topic, optionally discover the main themes "
        "with TF-IDF + NMF, and write every topic match (review, topic, span, evidence, polarity) where asked.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--format", help="force a format by name (see `reviewtools formats`)")
    p.add_argument("--discover", type=int, metavar="N", help="also find N themes with TF-IDF + NMF")
    p.add_argument("--examples", type=int, default=0, metavar="K",
                   help="print up to K example complaint spans per topic")
    p.add_argument("--out", help="write every topic match to this .csv or .parquet file")
    p.set_defaults(func=_cmd_topics)


def _cmd_topics(args: argparse.Namespace) -> int:
    from .ingest import read_reviews, write_frame
    from .topics import ThemeDiscovery, find_topics, tag_topics, topic_counts

    res = read_reviews(args.files, format=args.format)
    if res.rejected:
        print(f"note: {res.rejected} row(s) rejected while reading; `reviewtools ingest --rejects FILE` says why",
              file=sys.stderr)
    frame = res.reviews
    tagged = tag_topics(frame)
    checked = int(tagged["topics_checked"].sum())
    print(f"{len(frame)} reviews, {checked} with text; {int((tagged['topics'] != '').sum())} with a complaint topic")
    print(f"{'topic':<20} {'complaints':>10} {'share':>7} {'praised':>8}")
    counts = topic_counts(tagged)
    for row in counts.itertuples():
        share = f"{row.share:>7.1%}" if checked else f"{'-':>7}"  # no review with text: no share
        print(f"{row.topic:<20} {row.complaints:>10} {share} {row.praised:>8}")
    hits = find_topics(frame) if args.examples or args.out else None
    if args.examples and hits is not None:
        complaints = hits[hits["complaint"]]
        for topic, group in complaints.groupby("topic", sort=True):
            print(f"\n{topic}:")
            for h in group.head(args.examples).itertuples():
                print(f"  [{h.review_id}] {h.evidence!r} ({h.reason})")
    if args.out and hits is not None:  # before discovery, which can refuse a small set
        print(f"wrote {len(hits)} topic matches to {write_frame(hits, args.out)}")
    if args.discover:
        model = ThemeDiscovery(n_themes=args.discover).fit(frame)
        print(f"\n{args.discover} themes (TF-IDF + NMF):")
        for t in model.themes_.itertuples():
            name = "unassigned" if t.theme < 0 else f"theme {t.theme}"
            print(f"{name:<10} {t.size:>6} reviews ({t.share:.0%}): {t.top_terms}")
    return 0


# ---------------------------------------------------------------------------------------- store (monitor)
# `ingest --db`, `queue`, `status`, `digest`: the local review store (reviewtools.store, reviewtools.digest).


def _add_db_option(p: argparse.ArgumentParser, *, optional_value: bool = False) -> None:
    help_ = ("the review store (SQLite file); default $REVIEWTOOLS_DB or reviews.db in the user's data folder "
             "(~/.local/share/reviewtools on Linux)")
    if optional_value:
        p.add_argument("--db", nargs="?", const="", default=None, metavar="PATH",
                       help="also upsert into the review store; " + help_)
    else:
        p.add_argument("--db", default="", metavar="PATH", help=help_)


def _open_store(args: argparse.Namespace):  # -> ReviewStore
    from .store import ReviewStore

    return ReviewStore(args.db or None)


def _progress(args: argparse.Namespace, label: str) -> Callable[[str, int, int], None] | None:
    """A progress printer on stderr, only when stderr is a terminal or -v was given."""
    tty = sys.stderr.isatty()
    if not (tty or getattr(args, "verbose", False)):
        return None

    def show(stage: str, done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        line = f"{label}: {stage} {done:,}/{total:,} ({pct}%)"
        if tty:
            print("\r" + line, end="\n" if done >= total else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    return show


def _ingest_into_store(args: argparse.Namespace, column_map: dict[str, str] | None) -> int:
    import pandas as pd

    from .ingest import write_frame

    store = _open_store(args)
    frames, rejects = [], []
    with store:
        print(f"store: {store.path}")
        print(f"{'file':<40} {'format':<18} {'read':>7} {'new':>7} {'changed':>7} {'unchanged':>9} "
              f"{'rejected':>8} {'dupes':>6} {'poss.removed':>12}")
        for file in args.files:
            # only new or changed records are parsed (reviewtools.incremental); --out needs every row parsed
            got = store.ingest_file(file, format=args.format, column_map=column_map, platform=args.platform,
                                    full_export=args.full_export, progress=_progress(args, str(file)),
                                    incremental=not args.out)
            res, rep = got.result, got.report
            name = str(file) if len(str(file)) <= 40 else "..." + str(file)[-37:]
            dupes = sum(f.duplicates for f in res.files)
            print(f"{name:<40} {res.format:<18} {sum(f.rows_read for f in res.files):>7} {rep.new:>7} "
                  f"{rep.changed:>7} {rep.unchanged:>9} {rep.rejected:>8} {dupes:>6} {rep.possibly_removed:>12}")
            if rep.restored:
                print(f"  {rep.restored} review(s) marked possibly removed earlier are back")
            _print_ingest_notes(res)
            frames.append(res.reviews)
            rejects.append(res.rejects)
        if not args.no_triage:
            try:
                import reviewtools.pipeline  # noqa: F401  (the triage stage may not be installed yet)
            except ImportError:
                print("triage: reviewtools.pipeline is not available; actions were not computed")
            else:
                t = store.score_pending(progress=_progress(args, "triage"))
                print(f"triage: scored {t.scored} new or changed reviews ({t.already_scored} already scored); "
                      f"{t.actions_created} new actions, {t.actions_updated} updated")
        _refresh_snapshot(store, args.snapshot)
    if args.out:
        print(f"wrote {sum(map(len, frames))} reviews to {write_frame(pd.concat(frames, ignore_index=True), args.out)}")
    if args.rejects:
        rej = pd.concat(rejects, ignore_index=True)
        print(f"wrote {len(rej)} rejects to {write_frame(rej, args.rejects)}")
    return 0


def _refresh_snapshot(store, wanted: bool | None) -> None:  # store: reviewtools.store.ReviewStore
    """Rewrite the dashboard's columnar snapshot (reviewtools.snapshot) after an ingest: when asked, or by default
    when the store already has one (a store nobody opens in the dashboard does not pay for it)."""
    from .snapshot import read_manifest, refresh_snapshot

    if wanted is False or (wanted is None and read_manifest(store.path) is None):
        return
    where = refresh_snapshot(store)
    print(f"snapshot: {where}" if where is not None else "snapshot: not written (see the log); the dashboard "
          "reads the store instead")


@_register
def _add_queue(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queue",
        help="list the open actions in the review store, highest priority first",
        description="List the recommended actions whose status is open (new, drafted, sent, reported), or those "
        "with the given --status, with the review, the action, its status, assignee and draft.",
    )
    _add_db_option(p)
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="only actions with this status (repeatable; default: the open ones)")
    p.add_argument("--product", metavar="ID", help="only this product_id")
    p.add_argument("--platform", help="only this platform")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="show at most N (default 50; 0 for all)")
    p.add_argument("--out", help="write the whole queue to this .csv or .json file")
    p.set_defaults(func=_cmd_queue)


def _cmd_queue(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        queue = store.open_actions(status=args.status, product=args.product, platform=args.platform)
    if args.out:
        from .store import write_queue

        print(f"wrote {len(queue)} actions to {write_queue(queue, args.out)}")
    if not len(queue):
        print("no open actions" if not args.status else f"no actions with status {', '.join(args.status)}")
        return 0
    shown = queue if not args.limit else queue.head(args.limit)
    print(f"{'review_id':<16} {'platform':<10} {'product':<12} {'★':>2} {'action':<16} {'status':<9} "
          f"{'assignee':<10} {'priority':>8}  text")
    for rec in shown.astype(object).where(shown.notna(), None).to_dict("records"):
        text = " ".join(str(rec["text"] or "").split())
        text = text if len(text) <= 60 else text[:59] + "…"
        prio = "" if rec["priority"] is None else f"{rec['priority']:.1f}"
        print(f"{rec['review_id']:<16} {rec['platform']:<10} {rec['product_id'] or '':<12} {rec['rating']:>2} "
              f"{rec['action']:<16} {rec['status']:<9} {rec['assignee'] or '':<10} {prio:>8}  {text}")
    if len(shown) < len(queue):
        print(f"... {len(queue) - len(shown)} more (--limit 0 shows all)")
    return 0


@_register
def _add_status(sub: argparse._SubParsersAction) -> None:
    from .store import load_workflow

    wf = load_workflow()
    p = sub.add_parser(
        "status",
        help="move one review's action to a new status (new, drafted, sent, reported, replied, removed, declined)",
        description="Move the action of REVIEW_ID to STATUS, recording who, when and an optional note. Allowed: "
        + "; ".join(f"{s} -> {', '.join(t) or '(final)'}" for s, t in wf.transitions.items()),
    )
    p.add_argument("review_id", metavar="REVIEW_ID")
    p.add_argument("status", metavar="STATUS", choices=list(wf.statuses))
    _add_db_option(p)
    p.add_argument("--platform", help="the review's platform, when the same id exists on several")
    p.add_argument("--assignee", metavar="NAME", help="also assign the action to NAME")
    p.add_argument("--note", metavar="TEXT", help="a note to keep with the change")
    p.add_argument("--who", metavar="NAME", help="who made the change (default: your login name)")
    p.set_defaults(func=_cmd_status)


def _cmd_status(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        old = store.set_status(args.review_id, args.status, platform=args.platform, assignee=args.assignee,
                               note=args.note, who=args.who)
    print(f"{args.review_id}: {old} -> {args.status}")
    return 0


@_register
def _add_digest(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "digest",
        help="write a digest of what is new in the review store (for cron and a mail client)",
        description="New reviews by product, new negative reviews with their action and draft, rating changes "
        "and alerts, and reviews seen missing, over the window given by --since. Written as HTML (escaped, "
        "inline CSS) or Markdown by the --out suffix; printed as Markdown without --out.",
    )
    _add_db_option(p)
    p.add_argument("--since", default="7d", help="window start: 7d, 24h, 2w or a date (default 7d)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (.html or .md)")
    p.set_defaults(func=_cmd_digest)


def _cmd_digest(args: argparse.Namespace) -> int:
    from .digest import build_digest, render_markdown, write_digest

    with _open_store(args) as store:
        d = build_digest(store, since=args.since)
    if args.out:
        path = write_digest(d, args.out)
        c = d.counts
        print(f"wrote {path}: {c['new_reviews']} new reviews, {c['new_negative']} negative, "
              f"{c['possibly_removed']} possibly removed, {c['alerts']} alerts")
    else:
        print(render_markdown(d))
    return 0


# ----------------------------------------------------------------------------------------------- check


@_register
def _add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check every review against its platform's guidelines (clause, evidence span, removal basis)",
        description="Read review exports and check every review, whatever its rating, against the platform's "
        "content guidelines (private information, links, profanity, hate speech, compensated reviews, seller "
        "feedback, language, spam, duplicates across the whole set, ...). Prints hits per category and strength "
        "and the checks that could not run, by reason; writes one row per hit (rule, clause, source, exact "
        "evidence span) where asked.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--format", help="force a format by name (see `reviewtools formats`)")
    p.add_argument("--competitor", action="append", default=[], metavar="NAME",
                   help="a competitor brand to flag when named (repeatable)")
    p.add_argument("--out", help="write the hits (and not-run rows) to this .csv or .parquet file")
    p.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from .ingest import read_reviews, write_frame
    from .rules import check_reviews, summarise_checks

    res = read_reviews(args.files, format=args.format)
    if res.rejected:
        print(f"note: {res.rejected} row(s) rejected while reading; `reviewtools ingest --rejects FILE` says why",
              file=sys.stderr)
    hits = check_reviews(res.reviews, competitors=args.competitor)
    by_cat, by_reason = summarise_checks(hits)
    flagged = hits.loc[hits["outcome"] == "hit", "review_id"].nunique()
    print(f"{len(res.reviews)} reviews checked, {flagged} with at least one hit")
    print(f"{'category':<26} {'strength':<8} {'hits':>6} {'removal':>8} {'reviews':>8}")
    for r in by_cat.itertuples():
        print(f"{r.category:<26} {r.strength:<8} {r.hits:>6} {r.removal_basis:>8} {r.reviews:>8}")
    if len(by_reason):
        print("\nnot run (reviews):")
        for r in by_reason.itertuples():
            print(f"  {r.rule_id:<28} {r.reviews:>7}  {r.reason}")
    if args.out:
        print(f"wrote {len(hits)} rows to {write_frame(hits, args.out)}")
    return 0


# ----------------------------------------------------------------------------------------------- triage


@_register
def _add_triage(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "triage",
        help="recommend an action per review with a compliant draft, and write the action queue",
        description=(
            "Read review exports, run sentiment, complaint topics and guideline checks, and recommend an action "
            "per review (removal_request, manual_review, public_reply, thank, none) with its reason, a priority "
            "that explains itself, and a draft that passes the reply linter. Writes the reviews that need action "
            "(all reviews with --all), highest priority first. CSV is UTF-8 with BOM and safe to open in Excel."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="review export(s) to read")
    p.add_argument("--format", help="force a format by name (see `reviewtools formats`)")
    p.add_argument("--out", required=True, metavar="PATH", help="write the queue to this .csv or .json file")
    p.add_argument("--all", action="store_true", help="include reviews whose action is 'none'")
    p.add_argument("--brand", default="", help="brand name for the signature")
    p.add_argument("--tone", choices=("warm", "formal"), default="warm", help="tone of greetings and closings")
    p.add_argument("--no-names", action="store_true", help="never greet reviewers by their display name")
    p.add_argument("--no-thanks", action="store_true", help="positive reviews get 'none' instead of 'thank'")
    p.add_argument("--amazon-public-reply", action="store_true",
                   help="draft public comments on Amazon reviews (default: a Buyer-Seller Messaging note, "
                        "because Amazon's public review comments are unverified)")
    p.set_defaults(func=_cmd_triage)


def _cmd_triage(args: argparse.Namespace) -> int:
    from .ingest import read_reviews
    from .pipeline import action_queue, export_queue, run_triage
    from .respond import ReplySettings

    settings = ReplySettings(brand=args.brand, tone=args.tone, use_display_name=not args.no_names,
                             thank_positive=not args.no_thanks, amazon_public_reply=args.amazon_public_reply)
    res = read_reviews(list(args.files), format=args.format)
    if res.rejected:
        print(f"note: {res.rejected} row(s) rejected while reading; `reviewtools ingest --rejects FILE` says why",
              file=sys.stderr)
    result = run_triage(res.reviews, settings)
    queue = action_queue(result.reviews, include_all=args.all)
    path = export_queue(queue, args.out)
    counts = result.reviews["action"].value_counts()
    print(f"{len(result.reviews)} reviews triaged")
    for action in ("removal_request", "manual_review", "public_reply", "thank", "none"):
        print(f"  {action:<16} {int(counts.get(action, 0)):>8}")
    flagged = int((result.reviews["draft_lint"].fillna("").str.contains("block ")).sum())
    if flagged:
        print(f"warning: {flagged} draft(s) have blocking lint problems; see the draft_lint column", file=sys.stderr)
    if result.stages_not_run:
        print(f"note: stages not run: {', '.join(result.stages_not_run)}", file=sys.stderr)
    print(f"wrote {len(queue)} rows to {path}")
    return 0


# ----------------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(func(args) or 0)
    except ReviewToolsError as exc:
        print(f"reviewtools: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"reviewtools: error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `reviewtools ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
