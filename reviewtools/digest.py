"""A digest of what is new in a review store: meant for cron and a mail client.

Sections: new reviews by product; new negative reviews with their action, status and draft; rating changes
(each product's average now against the start of the window, the alerts of :func:`reviewtools.ratings.alerts`,
and reviews whose rating was edited); reviews seen missing from a full export (possibly removed).

"New" means first seen by the store inside the window (the day the export was ingested), not the review's own
date, so a weekly cron job reports each review once.

Review text is untrusted: the HTML rendering escapes every value and uses inline CSS only (mail clients drop
``<style>`` blocks and scripts); the Markdown rendering escapes Markdown and HTML control characters.

>>> import pandas as pd, tempfile, pathlib
>>> from reviewtools.schema import coerce
>>> from reviewtools.store import ReviewStore
>>> store = ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")
>>> _ = store.ingest(coerce(pd.DataFrame({"review_id": ["R1"], "platform": ["amazon"], "product_id": ["B1"],
...     "rating": [1], "text": ["<script>alert(1)</script>"], "created_at": ["2024-05-01"]})))
>>> d = build_digest(store, since="7d")
>>> d.counts["new_reviews"], d.counts["new_negative"]
(1, 1)
>>> "<script>" in render_html(d)
False
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from .errors import DigestError
from .ratings import LOW_STARS, alerts
from .store import ReviewStore


#: A review is negative when rated at most this (the 1-2★ "low stars" of reviewtools.ratings, issue 4's
#: "low rating") or when its stored sentiment label is negative.
NEGATIVE_MAX_RATING: Final[int] = max(LOW_STARS)
#: Label that sentiment.score_sentiment gives a negative text (VADER compound ≤ −0.05).
NEGATIVE_LABEL: Final[str] = "negative"
#: At most this many reviews are listed per section; the rest are counted ("and N more").
MAX_ITEMS: Final[int] = 50
#: Review text and drafts are cut to this many characters in the digest (the dashboard shows them whole).
MAX_TEXT_CHARS: Final[int] = 600
#: Windows up to this many days use weekly alert periods, longer ones monthly.
WEEKLY_ALERTS_MAX_DAYS: Final[int] = 31
#: A product's average change is shown when at least this big (in stars) or when its review count changed.
MIN_AVERAGE_CHANGE: Final[float] = 0.01

_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS: Final[dict[str, str]] = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | pd.Timestamp | pd.Timedelta, now: pd.Timestamp | None = None) -> pd.Timestamp:
    """The start of the digest window: ``"7d"``, ``"24h"``, ``"2w"``, an ISO date, or a timestamp/timedelta.

    >>> parse_since("7d", pd.Timestamp("2024-05-08", tz="UTC"))
    Timestamp('2024-05-01 00:00:00+0000', tz='UTC')
    >>> parse_since("2024-04-01")
    Timestamp('2024-04-01 00:00:00+0000', tz='UTC')
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if isinstance(value, pd.Timedelta):
        return now - value
    if isinstance(value, pd.Timestamp):
        return value.tz_localize("UTC") if value.tzinfo is None else value.tz_convert("UTC")
    m = _SINCE.match(str(value))
    if m:
        return now - pd.Timedelta(**{_UNITS[m.group(2).lower()]: int(m.group(1))})
    problem = (f"--since {value!r} is not understood; expected a span such as 7d, 24h or 2w, or a date such as "
               "2024-05-01")
    try:
        ts = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError) as exc:
        raise DigestError(problem) from exc
    if ts is pd.NaT:
        raise DigestError(problem)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


@dataclass(frozen=True)
class Digest:
    """The digest's sections as frames, plus counts and notes (what was approximated or unavailable)."""

    since: pd.Timestamp
    until: pd.Timestamp
    store: str
    counts: dict[str, int]
    new_by_product: pd.DataFrame
    new_negative: pd.DataFrame
    averages: pd.DataFrame
    alerts: pd.DataFrame
    rating_changes: pd.DataFrame
    removed: pd.DataFrame
    notes: tuple[str, ...] = field(default=())


def build_digest(store: ReviewStore, since: str | pd.Timestamp | pd.Timedelta = "7d",
                 *, now: pd.Timestamp | None = None) -> Digest:
    """Collect what changed in ``store`` between ``since`` and ``now`` (default: the current time).

    >>> import tempfile, pathlib
    >>> build_digest(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")).counts["new_reviews"]
    0
    """
    until = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now).tz_convert("UTC")
    start = parse_since(since, until)
    if start >= until:
        raise DigestError(f"the digest window starts ({start}) after it ends ({until})")
    notes: list[str] = []
    frame = store.to_frame(derived=True)
    in_window = (frame["first_seen_at"] >= start) & (frame["first_seen_at"] <= until)
    new = frame[in_window]

    by_product = (
        new.assign(low=new["rating"] <= NEGATIVE_MAX_RATING, product_id=new["product_id"].fillna("(none)"))
        .groupby(["platform", "product_id"], dropna=False, sort=True)
        .agg(product_title=("product_title", "first"), new_reviews=("review_id", "size"),
             average_rating=("rating", "mean"), low_star=("low", "sum"))
        .reset_index()
        .sort_values(["new_reviews", "platform", "product_id"], ascending=[False, True, True], kind="stable")
        .reset_index(drop=True)
    )

    negative = new["rating"] <= NEGATIVE_MAX_RATING
    if "sentiment_label" in new.columns:
        negative = negative | (new["sentiment_label"].astype("string") == NEGATIVE_LABEL).fillna(False)
    else:
        notes.append("No stored sentiment: negative means rated 1-2★ only (run triage on the store to add it).")
    neg = new[negative].copy()
    for c in ("action", "draft", "action_reason", "priority"):
        if c not in neg.columns:
            neg[c] = pd.NA
    if len(new) and new.get("action") is None:
        notes.append("No stored triage results: actions and drafts are empty (run triage on the store).")
    neg["draft"] = neg["edited_draft"].where(neg["edited_draft"].notna(), neg["draft"])
    neg = neg.sort_values(["priority", "created_at"], ascending=[False, False], na_position="last", kind="stable")
    new_negative = neg[["platform", "review_id", "product_id", "product_title", "rating", "created_at", "author",
                        "title", "text", "action", "action_reason", "status", "assignee", "draft"]].reset_index(
        drop=True)

    before = store.ratings_as_of(start)
    current = frame[frame["possibly_removed_at"].isna()]
    averages = _average_changes(before, current)

    freq = "W" if (until - start) <= pd.Timedelta(days=WEEKLY_ALERTS_MAX_DAYS) else "M"
    found = alerts(current, by="product_id", freq=freq)
    if len(found):
        period_end = found["period_start"] + (pd.Timedelta(days=7) if freq == "W" else pd.DateOffset(months=1))
        found = found[period_end > start].reset_index(drop=True)
    notes.append(
        f"Alerts are reviewtools.ratings.alerts over {'weekly' if freq == 'W' else 'monthly'} periods by review "
        "date, for periods that end inside the window; averages are computed from the stored reviews."
    )

    changes = store.rating_changes(since=start)
    changes = changes[changes["changed_at"] <= until].reset_index(drop=True)

    removed_mask = frame["possibly_removed_at"].notna() & (frame["possibly_removed_at"] >= start) & (
        frame["possibly_removed_at"] <= until)
    removed = frame.loc[removed_mask, ["platform", "review_id", "product_id", "product_title", "rating",
                                       "created_at", "title", "text", "possibly_removed_at"]].reset_index(drop=True)

    open_actions = store.open_actions()
    counts = {
        "new_reviews": len(new),
        "new_negative": len(new_negative),
        "products_with_new_reviews": len(by_product),
        "rating_changes": len(changes),
        "alerts": len(found),
        "possibly_removed": len(removed),
        "open_actions": len(open_actions),
    }
    return Digest(since=start, until=until, store=str(store.path), counts=counts, new_by_product=by_product,
                  new_negative=new_negative, averages=averages, alerts=found, rating_changes=changes,
                  removed=removed, notes=tuple(notes))


def _average_changes(before: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    def agg(f: pd.DataFrame) -> pd.DataFrame:
        f = f.assign(product_id=f["product_id"].fillna("(none)"))
        return f.groupby(["platform", "product_id"], sort=True).agg(
            product_title=("product_title", "first"), n=("rating", "size"), average=("rating", "mean"))

    b, c = agg(before), agg(current)
    out = c.rename(columns={"n": "n_now", "average": "average_now"}).join(
        b[["n", "average"]].rename(columns={"n": "n_before", "average": "average_before"}), how="outer")
    out["product_title"] = out["product_title"].fillna(
        b["product_title"].reindex(out.index)) if len(b) else out["product_title"]
    out["n_now"] = out["n_now"].fillna(0).astype("int64")
    out["n_before"] = out["n_before"].fillna(0).astype("int64")
    out["average_now"] = out["average_now"].astype("float64")
    out["average_before"] = out["average_before"].astype("float64")
    out["change"] = out["average_now"] - out["average_before"]
    keep = (out["change"].abs() >= MIN_AVERAGE_CHANGE) | (out["n_now"] != out["n_before"])
    out = out[keep.fillna(True)].reset_index()
    cols = ["platform", "product_id", "product_title", "n_before", "average_before", "n_now", "average_now", "change"]
    return out[cols].sort_values(["change", "platform", "product_id"], na_position="last", kind="stable").reset_index(
        drop=True)


# ------------------------------------------------------------------------------------------ rendering


def _cut(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _fmt(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if value != value else f"{value:.2f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


# Markdown control characters that act anywhere in a line (every untrusted value follows a prefix such as
# "> ", "- " or "| ", so line-start syntax like "#", "1." or "-" cannot trigger).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()|~])")


def _md(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """Escape untrusted text for Markdown: control characters backslashed, HTML brackets as entities."""
    s = _cut(value, limit) if isinstance(value, str) else _fmt(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())  # one line: table cells and list items must not break


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The first MAX_ITEMS rows as dicts with None for every kind of null (pd.NA has no truth value)."""
    head = frame.head(MAX_ITEMS).astype(object)
    return head.where(head.notna(), None).to_dict("records")


def _md_table(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "---|" * len(columns)]
    for rec in _records(frame):
        lines.append("| " + " | ".join(_md(rec[c], 120)
                                       for c, _ in columns) + " |")
    if len(frame) > MAX_ITEMS:
        lines.append(f"\n…and {len(frame) - MAX_ITEMS} more.")
    return lines


def _title(d: Digest) -> str:
    return f"Review digest {d.since:%Y-%m-%d %H:%M} – {d.until:%Y-%m-%d %H:%M} UTC"


_PRODUCT_COLS = [("platform", "Platform"), ("product_id", "Product"), ("product_title", "Title"),
                 ("new_reviews", "New"), ("average_rating", "Avg ★"), ("low_star", "1–2★")]
_AVG_COLS = [("platform", "Platform"), ("product_id", "Product"), ("n_before", "Reviews before"),
             ("average_before", "Avg before"), ("n_now", "Reviews now"), ("average_now", "Avg now"),
             ("change", "Change")]
_ALERT_COLS = [("product_id", "Product"), ("period", "Period"), ("rule", "Rule"), ("reason", "Why")]
_CHANGE_COLS = [("platform", "Platform"), ("review_id", "Review"), ("product_id", "Product"),
                ("old_rating", "Was ★"), ("new_rating", "Now ★"), ("changed_at", "Seen")]
_REMOVED_COLS = [("platform", "Platform"), ("review_id", "Review"), ("product_id", "Product"), ("rating", "★"),
                 ("created_at", "Written"), ("possibly_removed_at", "Seen missing")]


def render_markdown(d: Digest) -> str:
    """The digest as Markdown (plain-text friendly for mail).

    >>> import tempfile, pathlib
    >>> render_markdown(build_digest(ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "r.db"))).startswith("# Review")
    True
    """
    c = d.counts
    out = [f"# {_title(d)}", "",
           f"{c['new_reviews']} new reviews, {c['new_negative']} negative; {c['rating_changes']} rating edits; "
           f"{c['alerts']} alerts; {c['possibly_removed']} possibly removed; {c['open_actions']} open actions.", ""]
    out += ["## New reviews by product", ""]
    out += _md_table(d.new_by_product, _PRODUCT_COLS) if len(d.new_by_product) else ["No new reviews."]
    out += ["", "## New negative reviews", ""]
    if not len(d.new_negative):
        out.append("No new negative reviews.")
    for rec in _records(d.new_negative):
        head = f"### {_md(rec['rating'])}★ · {_md(rec['product_id'] or '')} · {_md(rec['platform'])} {_md(rec['review_id'])}"
        out += [head, ""]
        if rec["title"]:
            out.append(f"**{_md(rec['title'], 200)}**")
        out += [f"> {_md(rec['text'])}", "",
                f"- Action: {_md(rec['action'] or 'not triaged')} ({_md(rec['status'] or 'no status')})"
                + (f", assigned to {_md(rec['assignee'])}" if rec["assignee"] else "")]
        if rec["action_reason"]:
            out.append(f"- Why: {_md(rec['action_reason'], 300)}")
        if rec["draft"]:
            out.append(f"- Draft: {_md(rec['draft'])}")
        out.append("")
    if len(d.new_negative) > MAX_ITEMS:
        out.append(f"…and {len(d.new_negative) - MAX_ITEMS} more.")
    out += ["", "## Rating changes and alerts", "", "### Average per product (start of window → now)", ""]
    out += _md_table(d.averages, _AVG_COLS) if len(d.averages) else ["No change."]
    out += ["", "### Alerts", ""]
    out += _md_table(d.alerts, _ALERT_COLS) if len(d.alerts) else ["No alerts."]
    out += ["", "### Edited ratings", ""]
    out += _md_table(d.rating_changes, _CHANGE_COLS) if len(d.rating_changes) else ["No edited ratings."]
    out += ["", "## Possibly removed reviews", ""]
    out += _md_table(d.removed, _REMOVED_COLS) if len(d.removed) else ["None seen missing."]
    if d.notes:
        out += ["", "---", ""] + [f"- {_md(n, 1000)}" for n in d.notes]
    out += ["", f"Store: `{d.store}`", ""]
    return "\n".join(out)


# Inline styles only: mail clients strip <style> blocks.
_CSS: Final[dict[str, str]] = {
    "body": "font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:900px;margin:0 auto;",
    "h1": "font-size:20px;margin:16px 0 8px;",
    "h2": "font-size:17px;margin:20px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px;",
    "h3": "font-size:15px;margin:14px 0 6px;",
    "table": "border-collapse:collapse;width:100%;margin:6px 0 12px;",
    "th": "text-align:left;background:#f2f2f2;border:1px solid #ddd;padding:4px 6px;",
    "td": "border:1px solid #ddd;padding:4px 6px;vertical-align:top;",
    "card": "border:1px solid #e3c4c4;border-left:4px solid #c0392b;padding:8px 10px;margin:10px 0;",
    "quote": "margin:6px 0;color:#333;white-space:pre-wrap;",
    "draft": "margin:6px 0;padding:6px 8px;background:#f6f8fa;white-space:pre-wrap;",
    "muted": "color:#777;font-size:12px;",
}


def _h(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    s = _cut(value, limit) if isinstance(value, str) else _fmt(value)
    return html.escape(s, quote=True)


def _html_table(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> str:
    head = "".join(f'<th style="{_CSS["th"]}">{html.escape(h)}</th>' for _, h in columns)
    rows = []
    for rec in _records(frame):
        cells = "".join(f'<td style="{_CSS["td"]}">{_h(rec[c], 300)}</td>' for c, _ in columns)
        rows.append(f"<tr>{cells}</tr>")
    more = f'<p style="{_CSS["muted"]}">…and {len(frame) - MAX_ITEMS} more.</p>' if len(frame) > MAX_ITEMS else ""
    return f'<table style="{_CSS["table"]}"><tr>{head}</tr>{"".join(rows)}</table>{more}'


def render_html(d: Digest) -> str:
    """The digest as a self-contained HTML e-mail body: every value escaped, inline CSS, no scripts."""
    c = d.counts

    def section(title: str, body: str, level: int = 2) -> str:
        return f'<h{level} style="{_CSS[f"h{level}"]}">{html.escape(title)}</h{level}>{body}'

    def table_or(frame: pd.DataFrame, cols: list[tuple[str, str]], empty: str) -> str:
        return _html_table(frame, cols) if len(frame) else f"<p>{html.escape(empty)}</p>"

    cards = []
    for rec in _records(d.new_negative):
        parts = [f'<div style="{_CSS["card"]}">',
                 f"<b>{_h(rec['rating'])}★</b> · {_h(rec['product_title'] or rec['product_id'] or '')} · "
                 f"{_h(rec['platform'])} <span style=\"{_CSS['muted']}\">{_h(rec['review_id'])} · "
                 f"{_h(rec['created_at'])}</span>"]
        if rec["title"]:
            parts.append(f"<div><b>{_h(rec['title'], 200)}</b></div>")
        parts.append(f'<div style="{_CSS["quote"]}">{_h(rec["text"])}</div>')
        status = _h(rec["status"]) or "no status"
        who = f", assigned to {_h(rec['assignee'])}" if rec["assignee"] else ""
        parts.append(f"<div>Action: <b>{_h(rec['action']) or 'not triaged'}</b> ({status}{who})</div>")
        if rec["action_reason"]:
            parts.append(f'<div style="{_CSS["muted"]}">{_h(rec["action_reason"], 300)}</div>')
        if rec["draft"]:
            parts.append(f'<div style="{_CSS["draft"]}">{_h(rec["draft"])}</div>')
        parts.append("</div>")
        cards.append("".join(parts))
    if len(d.new_negative) > MAX_ITEMS:
        cards.append(f'<p style="{_CSS["muted"]}">…and {len(d.new_negative) - MAX_ITEMS} more.</p>')
    negative = "".join(cards) if cards else "<p>No new negative reviews.</p>"
    summary = (f"<p>{c['new_reviews']} new reviews, {c['new_negative']} negative; {c['rating_changes']} rating "
               f"edits; {c['alerts']} alerts; {c['possibly_removed']} possibly removed; {c['open_actions']} open "
               "actions.</p>")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in d.notes)
    body = "".join([
        f'<h1 style="{_CSS["h1"]}">{html.escape(_title(d))}</h1>', summary,
        section("New reviews by product", table_or(d.new_by_product, _PRODUCT_COLS, "No new reviews.")),
        section("New negative reviews", negative),
        section("Rating changes and alerts", ""),
        section("Average per product (start of window → now)", table_or(d.averages, _AVG_COLS, "No change."), 3),
        section("Alerts", table_or(d.alerts, _ALERT_COLS, "No alerts."), 3),
        section("Edited ratings", table_or(d.rating_changes, _CHANGE_COLS, "No edited ratings."), 3),
        section("Possibly removed reviews", table_or(d.removed, _REMOVED_COLS, "None seen missing.")),
        f'<ul style="{_CSS["muted"]}">{notes}</ul>' if notes else "",
        f'<p style="{_CSS["muted"]}">Store: {html.escape(d.store)}</p>',
    ])
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(_title(d))}</title></head>"
            f'<body style="{_CSS["body"]}">{body}</body></html>\n')


def write_digest(d: Digest, path: str | Path) -> Path:
    """Write the digest as HTML (``.html``/``.htm``) or Markdown (``.md``/``.markdown``/``.txt``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text = render_html(d)
    elif suffix in (".md", ".markdown", ".txt"):
        text = render_markdown(d)
    else:
        raise DigestError(f"{path}: the digest is written as .html or .md, not {suffix or 'no suffix'!r}")
    path.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "Digest",
    "DigestError",
    "build_digest",
    "parse_since",
    "render_markdown",
    "render_html",
    "write_digest",
    "NEGATIVE_MAX_RATING",
    "MAX_ITEMS",
]
