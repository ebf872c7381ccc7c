"""reviewtools dashboard: the page a brand manager opens every morning.

Thin by design: the sidebar picks a data source (the bundled sample, an uploaded export or a review store) and
the filters; loading, triage and theme discovery are cached here (and only here); the pages under
``dashboard/pages/`` read widgets, call ``reviewtools`` and render. Every number comes from a tested library
function (``reviewtools.views``, ``reviewtools.ratings``), every chart from ``reviewtools.charts``.
Review text is untrusted and is never rendered as markdown or HTML. Run with ``make run``.

``REVIEWTOOLS_APP_FILE`` replaces the bundled sample (benchmarks, tests); ``REVIEWTOOLS_DB`` is the default store.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # the dashboard package sits beside this file
    sys.path.insert(0, str(ROOT))

from dashboard.context import CTX_KEY, Context  # noqa: E402
from reviewtools import IngestError, ReviewToolsError, charts, read_reviews, views  # noqa: E402
from reviewtools import snapshot as store_snapshot  # noqa: E402
from reviewtools.pipeline import run_triage  # noqa: E402
from reviewtools.store import DB_ENV, ReviewStore, default_db_path, load_workflow  # noqa: E402

SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"
SOURCES = ("Bundled sample", "Upload an export", "Review store")
FILTER_KEYS = {name: f"f_{name}" for name in views.FILTER_COLUMNS}
PAGES = ("overview", "queue", "reviews", "topics", "products")


class Loaded:
    """A triaged source: reviews, evidence frames, rejects and a one-line description."""

    def __init__(self, reviews: pd.DataFrame, hits: pd.DataFrame | None, matches: pd.DataFrame | None,
                 rejects: pd.DataFrame, stages_not_run: tuple[str, ...], description: str) -> None:
        reviews = reviews.copy(deep=False)
        reviews.attrs = {}  # triage keeps the evidence frames in attrs; pandas would copy them on every filter
        self.reviews, self.hits, self.topic_matches = reviews, hits, matches
        self.token = uuid.uuid4().hex  # names this load in the caches of derived frames and figures
        self.rejects, self.stages_not_run, self.description = rejects, stages_not_run, description
        self.snapshot: store_snapshot.StoreSnapshot | None = None  # store mode: the frames and their stamps


# Triaged sources are held with cache_resource, not cache_data: cache_data unpickles a copy on every rerun, which
# for 100,000 triaged reviews costs more than the whole redraw budget. Nothing mutates them (the library never
# mutates its input, and the pages only call the library), so one shared object is safe.


@st.cache_resource(show_spinner="Reading and triaging the reviews (sentiment, topics, guideline checks)...",
                   max_entries=4)
def load_file(path: str, mtime_ns: int) -> Loaded:
    """Ingest and triage a file; keyed on path and modification time."""
    res = read_reviews(path)
    tri = run_triage(res.reviews)
    desc = (f"{Path(path).name} · format {res.format} · {res.rows_read:,} rows read, {res.ingested:,} reviews, "
            f"{res.rejected:,} rejected, {res.duplicates:,} duplicates")
    return Loaded(tri.reviews, tri.hits, tri.topic_matches, res.rejects, tri.stages_not_run, desc)


@st.cache_resource(show_spinner="Reading and triaging the upload (sentiment, topics, guideline checks)...",
                   max_entries=4)
def load_upload(digest: str, name: str, _data: bytes) -> Loaded:
    """Ingest and triage uploaded bytes; keyed on their BLAKE2 digest (``_data`` itself is not hashed again)."""
    import io

    buf = io.BytesIO(_data)
    buf.name = name
    res = read_reviews(buf)
    tri = run_triage(res.reviews)
    desc = (f"{name} · format {res.format} · {res.rows_read:,} rows read, {res.ingested:,} reviews, "
            f"{res.rejected:,} rejected, {res.duplicates:,} duplicates")
    return Loaded(tri.reviews, tri.hits, tri.topic_matches, res.rejects, tri.stages_not_run, desc)


def open_store(path: str) -> ReviewStore:
    """A store connection for this script run (closed at its end).

    Not ``st.cache_resource``: a ``sqlite3`` connection may only be used by the thread that opened it
    (``check_same_thread``), and Streamlit runs every rerun and callback in a new thread. Opening is cheap.
    """
    return ReviewStore(path)


@st.cache_resource(show_spinner="Reading the stored reviews and their triage results (from the snapshot beside the "
                                "store: seconds; a store without a current one is read from SQLite once and the "
                                "snapshot written: one to two minutes per million reviews)...", max_entries=4)
def load_store(path: str, data_key: str) -> Loaded:
    """The store's current reviews with the triage results it holds and the stored evidence, from the columnar
    snapshot beside the store (``reviewtools.snapshot``) when it is current for ``data_key``, else read from
    SQLite once and written as the snapshot: nothing is triaged here. Keyed on the store's data key, so a status
    change re-reads nothing (the workflow is patched in by ``with_workflow``) and a new ingest or scoring run
    re-reads once."""
    with open_store(path) as store:
        snap = store_snapshot.load_snapshot(store)
    frame, hits, matches, counts = snap.reviews, snap.hits, snap.topic_matches, snap.counts
    unscored = [stage for stage, col in (("sentiment", "sentiment_label"), ("topics", "topics"),
                                         ("recommend", "action"))
                if len(frame) and (col not in frame.columns or frame[col].isna().all())]
    desc = f"{Path(path).name} · store · {len(frame):,} current reviews · " + ", ".join(
        f"{k} {v:,}" for k, v in counts.items())
    loaded = Loaded(frame, hits, matches, pd.DataFrame(columns=["source_file", "source_row", "column", "value",
                    "reason"]), tuple(unscored), desc)
    loaded.snapshot = snap
    return loaded


@st.cache_data(show_spinner=False, max_entries=16)
def pending_count(path: str, data_key: str) -> int:
    """How many current reviews have no stored result for their content (cached: the query reads every review;
    a current snapshot's manifest answers without it)."""
    with open_store(path) as store:
        return store_snapshot.pending_count(store)


def score_store(store: ReviewStore) -> None:
    """Triage the store's pending reviews (new or changed since the last scoring) with a progress bar."""
    bar = st.progress(0.0, text="Triaging the reviews the store has no results for yet...")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Triaging new and changed reviews: {done:,} of {total:,}")

    try:
        store.score_pending(progress=progress)
    finally:
        bar.empty()
        pending_count.clear()


@st.cache_data(show_spinner="Discovering themes (TF-IDF + NMF)...", max_entries=8)
def discover_themes(frame: pd.DataFrame, n_themes: int) -> pd.DataFrame:
    """Fit ThemeDiscovery on (a deterministic sample of) the filtered reviews; returns ``themes_``."""
    from reviewtools.topics import ThemeDiscovery  # fits import scikit-learn lazily (about a second)

    sample = views.theme_sample(frame, views.THEME_MAX_REVIEWS)
    return ThemeDiscovery(n_themes=n_themes).fit(sample).themes_


@st.cache_data(show_spinner=False, max_entries=8)
def filter_choices(source_id: str, token: str, _frame: pd.DataFrame) -> tuple[dict[str, list[str]], object]:
    """The filter choices and date bounds of a load (``token``; computing them on 100,000 reviews takes half a
    second). The ``status`` choices are left to :func:`status_choices`: a status change must not redo these."""
    return views.filter_options(_frame.drop(columns=["status"], errors="ignore")), views.date_bounds(_frame)


@st.cache_data(show_spinner=False, max_entries=8)
def status_choices(token: str, version: str, _frame: pd.DataFrame) -> list[str] | None:
    """The ``status`` filter's choices, per load and store workflow stamp (one column: cheap)."""
    if "status" not in _frame.columns:
        return None
    return views.filter_options(_frame[["status"]]).get("status")


@st.cache_resource(show_spinner=False, max_entries=4)
def frame_index(token: str, version: str, _frame: pd.DataFrame) -> views.FrameIndex:
    """The look-ups kept per loaded frame (filter codes, sort orders, evidence positions; each built on first
    use), per load and store workflow stamp. Read-only, shared."""
    return views.FrameIndex(_frame)


@st.cache_resource(show_spinner=False, max_entries=16)
def selected_rows(key: str, _index: views.FrameIndex, _chosen: dict[str, object]):
    """The positions of the rows views.filter_reviews keeps (``None``: all), once per filter selection (``key``):
    a redraw that keeps the filters (a page switch, a page widget) does not filter again. Read-only, shared."""
    return _index.select(**_chosen)


@st.cache_resource(show_spinner=False, max_entries=8)
def taken_rows(key: str, columns: tuple[str, ...] | None, _index: views.FrameIndex, _positions) -> pd.DataFrame:
    """The filtered reviews of ``columns`` (``None``: all), taken once per selection and column set: the pages'
    figures read a dozen columns, not the text and drafts of every matching review. Read-only, shared."""
    return _index.take(_positions, columns)


@st.cache_resource(show_spinner=False, max_entries=4)
def with_workflow(token: str, path: str, version: str, _loaded: Loaded) -> pd.DataFrame:
    """The loaded reviews with the store's workflow (status, assignee, the team's edited draft) attached; read
    again only when the store's change stamp (``version``) moves, e.g. after a status change, and then only the
    actions changed since the snapshot was taken (``reviewtools.snapshot.dashboard_frame``)."""
    with open_store(path) as store:
        if _loaded.snapshot is not None:
            return store_snapshot.dashboard_frame(_loaded.snapshot, store)
        wf = store.workflow_frame()
    return views.attach_workflow(_loaded.reviews, wf[["platform", "review_id", "status", "assignee", "edited_draft"]])


@st.cache_data(show_spinner=False, max_entries=512)
def _memo_small(key: str, name: str, params: str, _fn, _frame, _args: tuple, _kwargs: dict):
    return _fn(_frame(), *_args, **_kwargs)


@st.cache_resource(show_spinner=False, max_entries=12)
def _memo_large(key: str, name: str, params: str, _fn, _frame, _args: tuple, _kwargs: dict):
    return _fn(_frame(), *_args, **_kwargs)


def memo(key: str, name: str, params: str, fn, frame, args: tuple, kwargs: dict, large: bool):
    """What :meth:`Context.derive` calls: small results (metrics, summaries, figures) in ``st.cache_data`` (a
    copy per read, so a page cannot change the cached one), frame-sized ones (the queue) in
    ``st.cache_resource`` (held once; pages only read them). ``frame`` is called for the rows only on a miss."""
    cache = _memo_large if large else _memo_small
    return cache(key, name, params, fn, frame, args, kwargs)


def _filter_key(token: str, version: str, chosen: dict[str, object]) -> str:
    """Identifies a filtered frame: the load, the store's workflow stamp and the filter values (order-free)."""
    norm = sorted((k, tuple(sorted(map(str, v))) if k != "date_range" else tuple(map(str, v)))
                  for k, v in chosen.items())
    return f"{token}|{version}|{norm!r}"


def _reset_filters() -> None:
    for k in FILTER_KEYS.values():
        st.session_state.pop(k, None)
    st.session_state.pop("f_dates", None)


def sidebar_source() -> tuple[Loaded | None, ReviewStore | None, str]:
    """Draw the data-source widgets; return the triaged source (None until there is one) and the store."""
    sb = st.sidebar
    choice = sb.radio("Data source", SOURCES, key="source", on_change=_reset_filters)
    if choice == SOURCES[0]:
        path = Path(os.environ.get("REVIEWTOOLS_APP_FILE", str(SAMPLE)))
        if not path.is_file():
            st.error(f"REVIEWTOOLS_APP_FILE names {path}, which is not a file; expected a review export.")
            return None, None, f"file:{path}"
        mtime = path.stat().st_mtime_ns
        return load_file(str(path), mtime), None, f"file:{path}:{mtime}"
    if choice == SOURCES[1]:
        up = sb.file_uploader("Review export (CSV, TSV, JSON, JSON Lines, Excel...)", key="upload",
                              on_change=_reset_filters)
        if up is None:
            st.info("Upload a review export in the sidebar: any format `reviewtools formats` lists.")
            return None, None, "upload:none"
        data = up.getvalue()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        return load_upload(digest, up.name, data), None, f"upload:{digest}"
    default = os.environ.get(DB_ENV) or str(default_db_path())
    path = Path(sb.text_input("Store path (SQLite, as `reviewtools ingest --db`)", value=default, key="db_path"))
    if not path.is_file():
        st.info(f"No review store at {path}. Create one with `reviewtools ingest EXPORT --db {path}`.")
        return None, None, f"store:{path}"
    store = open_store(str(path))
    if pending_count(str(path), store_snapshot.data_key(store)):
        score_store(store)
    return load_store(str(path), store_snapshot.data_key(store)), store, f"store:{path}"


def sidebar_filters(frame: pd.DataFrame, source_id: str, token: str, version: str) -> dict[str, object]:
    """Draw the filters from the values present in ``frame``; return the arguments of views.filter_reviews."""
    sb = st.sidebar
    sb.subheader("Filters")
    opts, bounds = filter_choices(source_id, token, frame)
    statuses = status_choices(token, version, frame)
    if statuses is not None:
        opts = {**opts, "status": statuses}
    labels = {"product": "Product", "platform": "Platform", "rating": "Rating (stars)", "sentiment": "Sentiment",
              "topic": "Complaint topic", "action": "Recommended action", "status": "Status"}
    chosen: dict[str, object] = {}
    for name, label in labels.items():
        if name in opts:
            chosen[name] = sb.multiselect(label, opts[name], key=FILTER_KEYS[name], placeholder="All")
    if bounds is not None:
        picked = sb.date_input("Review dates", value=bounds, min_value=bounds[0], max_value=bounds[1],
                               key="f_dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2 and tuple(picked) != bounds:
            chosen["date_range"] = (picked[0], picked[1])
    return chosen


def main() -> None:
    st.set_page_config(page_title="reviewtools", layout="wide")
    charts.use_template()  # every figure is built with the charts' template, not given it again (same figures)
    loaded, store, source_id = sidebar_source()
    try:
        _show(loaded, store, source_id)
    finally:
        if store is not None:
            store.close()


def _show(loaded: Loaded | None, store: ReviewStore | None, source_id: str) -> None:
    if loaded is None:
        st.session_state.pop(CTX_KEY, None)
        st.stop()
    reviews = loaded.reviews
    workflow, version = None, ""
    if store is not None:
        workflow, version = load_workflow(), repr(sorted(store.change_stamp().items()))
        reviews = with_workflow(loaded.token, str(store.path), version, loaded)
    chosen = sidebar_filters(reviews, source_id, loaded.token, version)
    key = _filter_key(loaded.token, version, chosen)
    # what a result that does not read the workflow (status, assignee, edited draft) depends on: the load and the
    # filters, and the workflow only through a status filter (it picks the rows). A status change or a saved
    # draft then recomputes only what reads the workflow (Context.derive(..., workflow=True)).
    data_key = key if chosen.get("status") else _filter_key(loaded.token, "", chosen)
    index = frame_index(loaded.token, version, reviews)
    try:
        positions = selected_rows(key, index, chosen)
    except ReviewToolsError as exc:
        st.error(str(exc))
        st.stop()
    n_match = len(reviews) if positions is None else len(positions)
    st.sidebar.caption(f"{n_match:,} of {len(reviews):,} reviews match")
    st.caption(loaded.description)
    if loaded.stages_not_run:
        st.warning(f"Stages that could not run: {', '.join(loaded.stages_not_run)}")
    if len(loaded.rejects):
        with st.expander(f"{len(loaded.rejects):,} rejected rows (not in the figures)"):
            st.dataframe(loaded.rejects, hide_index=True, width="stretch", key="rejects_table")
            st.download_button("Download the rejects (CSV)", loaded.rejects.to_csv(index=False).encode("utf-8-sig"),
                               file_name="rejects.csv", mime="text/csv", key="rejects_csv")

    def after_store_write() -> None:
        """Nothing to clear: a status change or a saved draft moves the store's workflow stamp (``version``), which
        keys the workflow and what reads it; results that do not read it stay cached under ``data_key``."""

    st.session_state[CTX_KEY] = Context(
        source=source_id, all_reviews=reviews, index=index, positions=positions, hits=loaded.hits,
        topic_matches=loaded.topic_matches, rejects=loaded.rejects, stages_not_run=loaded.stages_not_run,
        store=store, workflow=workflow, discover_themes=discover_themes, after_store_write=after_store_write,
        key=key, data_key=data_key, memo=memo, take=taken_rows,
    )
    titles = {"overview": "Overview", "queue": "Action queue", "reviews": "Reviews", "topics": "Topics",
              "products": "Products"}
    nav = st.navigation([st.Page(f"dashboard/pages/{p}.py", title=titles[p], default=(p == "overview"))
                         for p in PAGES])
    nav.run()


# Streamlit runs this file as __main__. Worker processes of a parallel triage (multiprocessing's spawn and
# forkserver start methods) import the main module again under the name __mp_main__: they must not run the app.
if __name__ == "__main__":
    try:
        main()
    except IngestError as exc:  # a file that cannot be read at all: say which and why, no traceback
        st.error(f"Cannot read this export: {exc}")
