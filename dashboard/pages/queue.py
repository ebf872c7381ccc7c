"""Action queue: removal requests and reply drafts in priority order, each with its evidence, an editable
draft that is re-linted as it is edited, a status control when a store is open, and downloads."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard.context import current
from dashboard.edits import click_runs, edits_for, queue_download, record_edit
from dashboard.widgets import evidence_table, review_body
from reviewtools import views
from reviewtools.errors import ReviewToolsError
from reviewtools.pipeline import ACTIONS
from reviewtools.respond import lint_draft
from reviewtools.store import ReviewStore

#: How many queue items are drawn at once (each has its own widgets).
PAGE_SIZES = (10, 25, 50, 100)


def _key(kind: str, platform: str, review_id: str) -> str:
    """A widget key per review that is safe whatever characters the id holds."""
    digest = hashlib.blake2b(f"{platform}\x1f{review_id}".encode(), digest_size=8).hexdigest()
    return f"{kind}_{digest}"


def _set_status(path: str, review_id: str, platform: str, key: str, after) -> None:
    new = st.session_state[key]
    try:
        with ReviewStore(path) as store:
            old = store.set_status(review_id, new, platform=platform)
        st.session_state["_queue_message"] = ("success", f"{review_id}: {old} → {new}")
    except ReviewToolsError as exc:
        st.session_state["_queue_message"] = ("error", f"{review_id}: {exc}")
    after()


def _save_draft(path: str, review_id: str, platform: str, key: str, after) -> None:
    try:
        with ReviewStore(path) as store:
            store.edit_draft(review_id, st.session_state[key], platform=platform)
        st.session_state["_queue_message"] = ("success", f"{review_id}: edited draft saved to the store")
    except ReviewToolsError as exc:
        st.session_state["_queue_message"] = ("error", f"{review_id}: {exc}")
    after()


ctx = current()
st.header("Action queue")
index, positions = ctx.index, ctx.positions
# pipeline.action_queue of the selection, as row positions: the load's priority order restricted to the selection's
# reviews that need action (once per filter selection, not per redraw); rows are taken only for the items shown
full = ctx.derive("q_queue", lambda _: index.queue_positions(positions), large=True, columns=["action"])
present = ctx.derive("q_present", lambda _: [a for a in ACTIONS if a in index.present("action", full)],
                     columns=["action"])
kinds = st.multiselect("Actions", present, default=present, key="q_actions")
statuses = None
if ctx.store is not None and ctx.open_statuses is not None and "status" in ctx.all_reviews.columns:
    if st.toggle("Open actions only", value=True, key="q_open_only"):
        statuses = [*ctx.open_statuses, "(unknown)"]


def _narrow(_, kinds_: tuple[str, ...], statuses_: list[str] | None):
    """The queue narrowed to the actions and statuses chosen (views.filter_reviews of the queue's rows)."""
    return index.queue_positions(positions, actions=list(kinds_), statuses=statuses_)


queue_pos = ctx.derive("q_narrow", _narrow, tuple(sorted(kinds)), statuses, large=True, columns=["action"])
n_queue = len(queue_pos)
st.caption(f"{n_queue:,} reviews need action, highest priority first · drafts are never sent automatically")
message = st.session_state.pop("_queue_message", None)
if message and message[0] == "success":
    st.success(message[1])
elif message:
    st.error(message[1])
if n_queue == 0:
    st.info("Nothing in the queue for this selection.")
    st.stop()

# the user's edits, kept by the text areas' on_change callback; the downloads read them when clicked
edits = edits_for(ctx.source)
ids = index.take(queue_pos[: views.TABLE_ROW_LIMIT], ["review_id"])["review_id"].astype("string").tolist()

st.subheader("Download")
chosen = st.multiselect(f"Only these reviews (empty: the whole queue; the first {views.TABLE_ROW_LIMIT:,} listed)",
                        ids, key="q_selected", placeholder="All")
n_rows = len(views.select_reviews(index.take(queue_pos, ["review_id"]), chosen)) if chosen else n_queue
dl1, dl2 = st.columns(2)
# the files are written when a button is clicked (callables), not on every redraw
# each click reruns the script; the callable waits for that run (it applies the text sent with the click)
clicks = click_runs()
for col, fmt, label, mime in ((dl1, "csv", "CSV", "text/csv"), (dl2, "json", "JSON", "application/json")):
    if col.download_button(f"Download {label} ({n_rows:,} rows)",
                           queue_download(lambda: index.take(queue_pos, renumber=True), list(chosen), edits, fmt,
                                          clicks, f"q_{fmt}"),
                           file_name=f"action_queue.{fmt}", mime=mime, key=f"q_{fmt}",
                           help="UTF-8 with BOM; cells a spreadsheet would run as formulas start with an apostrophe."
                           if fmt == "csv" else None):
        clicks.ran(f"q_{fmt}")
# always one element here, caption or not: an element that comes and goes would shift every queue item below it to
# another position, and the browser shows the old item's widgets in the new item's place until the run ends
note = st.empty()
if edits:
    note.caption(f"{len(edits):,} edited draft(s) go into the downloads, re-linted.")

size = st.select_slider("Items shown", PAGE_SIZES, value=PAGE_SIZES[0], key="q_page_size")
pages = max(1, -(-n_queue // size))
page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key="q_page")
part_pos = queue_pos[(page - 1) * size: page * size]
part = index.take(part_pos)  # every column of the items shown only
all_hits, all_matches = ctx.hits, ctx.topic_matches
# the evidence of the items shown, by review position (not a key join over every stored hit)
page_hits, page_matches = index.evidence_rows(all_hits, part_pos), index.evidence_rows(all_matches, part_pos)

for rank, (_, row) in enumerate(part.iterrows(), start=(page - 1) * size + 1):
    rid, plat = str(row["review_id"]), str(row.get("platform") or "other")
    with st.container(border=True, key=_key("item", plat, rid)):
        stars = "unrated" if pd.isna(row["rating"]) else f"{int(row['rating'])}★"
        st.markdown(f"**#{rank} · {views.escape_markdown(row['action'])} · priority {row['priority']:.1f}** · "
                    f"{stars} · {views.escape_markdown(plat)} · product {views.escape_markdown(row['product_id'])}"
                    + (f" · status {views.escape_markdown(row['status'])}" if pd.notna(row.get("status")) else ""))
        ev = views.review_evidence(rid, page_hits, page_matches, platform=plat)
        review_body(row, ev)
        st.text(f"Why: {row['action_reason']}")
        if isinstance(row.get("clause"), str) and row["clause"]:
            st.text(f"Clause: {row['clause']}")
        with st.expander("Evidence spans and priority"):
            evidence_table(ev, key=_key("ev", plat, rid))
            st.text(f"Priority: {row['priority_reason']}")
        draft = row.get("draft")
        if isinstance(draft, str) and draft:
            dkey = _key("draft", plat, rid)
            where = row.get("draft_where")
            # value: the user's edit when this box was not drawn on the last run (another queue page, another page)
            text = st.text_area(f"Draft ({where})" if isinstance(where, str) and where else "Draft",
                                value=edits.get(rid, draft), key=dkey, height=180, on_change=record_edit,
                                args=(edits, rid, dkey, draft))
            author = row.get("author") if isinstance(row.get("author"), str) else None
            problems = [p for p in lint_draft(text, plat, author=author) if p.severity != "not_run"]
            if problems:
                blocking = sum(p.severity == "block" for p in problems)
                if blocking:
                    st.error(f"Linter: {len(problems)} problem(s), {blocking} blocking: do not post as is")
                else:
                    st.warning(f"Linter: {len(problems)} problem(s) to read again")
                st.dataframe(views.lint_frame(problems), hide_index=True, width="stretch",
                             key=_key("lint", plat, rid))
            else:
                st.success("Linter: no problem found")
            st.code(text, language=None, wrap_lines=True)
            if ctx.store is not None and text != draft:
                st.button("Save the edited draft to the store", key=_key("save", plat, rid), on_click=_save_draft,
                          args=(str(ctx.store.path), rid, plat, dkey, ctx.after_store_write))
        if ctx.store is not None and ctx.workflow is not None:
            status = row.get("status")
            if pd.isna(status):
                st.caption("Not in the store's workflow yet: run `reviewtools ingest --db` with triage to track it.")
            else:
                skey = _key("status", plat, rid)
                options = [str(status), *ctx.workflow.transitions.get(str(status), ())]
                st.selectbox("Status", options, index=0, key=skey, on_change=_set_status,
                             args=(str(ctx.store.path), rid, plat, skey, ctx.after_store_write),
                             help="Saved in the store at once, with the history of changes.")
