"""reviewtools: keep product reviews under control.

Ingest review exports into one canonical frame, score sentiment, tag complaint topics, check platform
guidelines, recommend an action with a compliant draft, and do the rating maths. The Streamlit app, the CLI
and notebooks all call this API.

The public names below are imported on first use (PEP 562 module ``__getattr__``): ``import reviewtools`` loads
none of the stages (no pandas, scikit-learn, plotly, phonenumbers or VADER lexicon), so a command that only
ingests does not pay for the others. ``from reviewtools import X``, ``reviewtools.X``, ``dir(reviewtools)`` and
``__all__`` work as with eager imports; submodules (``reviewtools.store``) are reachable as attributes too.

>>> import reviewtools
>>> reviewtools.read_reviews.__module__
'reviewtools.ingest'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each public name's module (relative to this package). ``tests/test_cli_imports.py`` checks that every name in
#: ``__all__`` is here and resolves, and that importing the package loads none of the heavy dependencies.
_MODULES: dict[str, tuple[str, ...]] = {
    "errors": (
        "IngestError", "RatingsError", "ReviewToolsError", "SchemaError", "StoreBusyError", "StoreError",
        "UnknownFormatError", "DigestError", "InvalidTransitionError", "ReviewNotFoundError",
    ),
    "schema": (
        "COLUMNS", "DTYPES", "PLATFORMS", "coerce", "empty_frame", "validate",
    ),
    "formats": (
        "Format", "get_format", "list_formats",
    ),
    "ingest": (
        "FileReport", "IngestResult", "read_reviews", "write_frame",
    ),
    "ratings": (
        "RatingsReport", "SummaryFrames", "alerts", "drag", "drag_summary", "rating_summary", "ratings_report",
        "review_drag", "summary_frames", "targets", "topic_trend", "trend", "what_if", "window_averages",
    ),
    "vader": (
        "FastVader", "compound_parallel", "get_analyzer", "native_available", "scores_parallel",
    ),
    "sentiment": (
        "NEGATIVE_THRESHOLD", "POSITIVE_THRESHOLD", "SENTIMENT_COLUMNS", "score_sentences", "score_sentiment",
        "split_sentences", "summarize_sentiment",
    ),
    "topics": (
        "ThemeDiscovery", "TopicsError", "context_rules", "find_topics", "load_topic_rules", "tag_topics",
        "topic_counts", "topic_ids", "topic_share_by_period",
    ),
    "store": (
        "IngestReport", "ReviewStore", "TriageReport", "default_db_path", "load_workflow", "write_queue",
    ),
    "incremental": (
        "FileIngest",
    ),
    "digest": (
        "Digest", "build_digest", "render_html", "render_markdown", "write_digest",
    ),
    "respond": (
        "LintProblem", "RemovalRequest", "ReplySettings", "TemplateError", "draft_reply", "lint_draft",
        "removal_request", "removal_request_batch",
    ),
    "pipeline": (
        "TriageError", "TriageResult", "action_queue", "export_queue", "recommend", "run_triage", "triage",
    ),
    "views": (
        "OverviewMetrics", "ViewError", "filter_options", "filter_reviews", "highlight_html", "highlight_spans",
        "overview_metrics", "product_table", "review_evidence",
    ),
    "duplicates": (
        "find_duplicates",
    ),
    "snapshot": (
        "StoreSnapshot", "load_snapshot", "refresh_snapshot",
    ),
    "rules": (
        "CATEGORIES", "HIT_COLUMNS", "Rule", "RuleError", "check_each_review", "check_reviews", "load_rules",
        "rules_by_id", "summarise_checks",
    ),
}
_LAZY: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}
#: Submodules reachable as attributes of the package without importing them first (``reviewtools.ratings``).
_SUBMODULES: frozenset[str] = frozenset({
    "charts", "cli", "digest", "duplicates", "errors", "formats", "incremental", "ingest", "pipeline", "ratings",
    "respond", "rules", "schema", "sentiment", "snapshot", "store", "topics", "vader", "views",
})


def __getattr__(name: str) -> Any:
    """Import the module that defines the public ``name`` (or the submodule ``name``) on first use."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)  # the import binds it in globals() too
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs: the same names, eagerly
    from .errors import (
        IngestError, RatingsError, ReviewToolsError, SchemaError, StoreBusyError, StoreError, UnknownFormatError,
        DigestError, InvalidTransitionError, ReviewNotFoundError
    )
    from .schema import COLUMNS, DTYPES, PLATFORMS, coerce, empty_frame, validate
    from .formats import Format, get_format, list_formats
    from .ingest import FileReport, IngestResult, read_reviews, write_frame
    from .ratings import (
        RatingsReport, SummaryFrames, alerts, drag, drag_summary, rating_summary, ratings_report, review_drag,
        summary_frames, targets, topic_trend, trend, what_if, window_averages
    )
    from .vader import FastVader, compound_parallel, get_analyzer, native_available, scores_parallel
    from .sentiment import (
        NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD, SENTIMENT_COLUMNS, score_sentences, score_sentiment,
        split_sentences, summarize_sentiment
    )
    from .topics import (
        ThemeDiscovery, TopicsError, context_rules, find_topics, load_topic_rules, tag_topics, topic_counts,
        topic_ids, topic_share_by_period
    )
    from .store import IngestReport, ReviewStore, TriageReport, default_db_path, load_workflow, write_queue
    from .incremental import FileIngest
    from .digest import Digest, build_digest, render_html, render_markdown, write_digest
    from .respond import (
        LintProblem, RemovalRequest, ReplySettings, TemplateError, draft_reply, lint_draft, removal_request,
        removal_request_batch
    )
    from .pipeline import TriageError, TriageResult, action_queue, export_queue, recommend, run_triage, triage
    from .views import (
        OverviewMetrics, ViewError, filter_options, filter_reviews, highlight_html, highlight_spans,
        overview_metrics, product_table, review_evidence
    )
    from .duplicates import find_duplicates
    from .snapshot import StoreSnapshot, load_snapshot, refresh_snapshot
    from .rules import (
        CATEGORIES, HIT_COLUMNS, Rule, RuleError, check_each_review, check_reviews, load_rules, rules_by_id,
        summarise_checks
    )

__all__ = [
    "__version__",
    # vader (exact fast VADER)
    "FastVader",
    "get_analyzer",
    "native_available",
    "scores_parallel",
    "compound_parallel",
    # errors
    "ReviewToolsError",
    "SchemaError",
    "IngestError",
    "UnknownFormatError",
    "RatingsError",
    "StoreError",
    "StoreBusyError",
    # schema
    "COLUMNS",
    "DTYPES",
    "PLATFORMS",
    "coerce",
    "empty_frame",
    "validate",
    # ingest
    "read_reviews",
    "write_frame",
    "IngestResult",
    "FileReport",
    "Format",
    "list_formats",
    "get_format",
    # ratings (charts live in reviewtools.charts)
    "RatingsReport",
    "SummaryFrames",
    "summary_frames",
    "rating_summary",
    "drag",
    "drag_summary",
    "review_drag",
    "what_if",
    "targets",
    "window_averages",
    "trend",
    "topic_trend",
    "alerts",
    "ratings_report",
    # sentiment
    "score_sentiment",
    "score_sentences",
    "split_sentences",
    "summarize_sentiment",
    "SENTIMENT_COLUMNS",
    "POSITIVE_THRESHOLD",
    "NEGATIVE_THRESHOLD",
    # complaint topics and theme discovery
    "find_topics",
    "tag_topics",
    "topic_counts",
    "topic_share_by_period",
    "topic_ids",
    "load_topic_rules",
    "context_rules",
    "ThemeDiscovery",
    "TopicsError",
    # store and digest (monitoring)
    "ReviewStore",
    "FileIngest",
    "IngestReport",
    "TriageReport",
    "default_db_path",
    "load_workflow",
    "write_queue",
    "InvalidTransitionError",
    "ReviewNotFoundError",
    "DigestError",
    "Digest",
    "build_digest",
    "render_html",
    "render_markdown",
    "write_digest",
    # respond and triage (actions, drafts, the draft linter)
    "lint_draft",
    "LintProblem",
    "draft_reply",
    "ReplySettings",
    "removal_request",
    "removal_request_batch",
    "RemovalRequest",
    "TemplateError",
    "triage",
    "run_triage",
    "recommend",
    "action_queue",
    "export_queue",
    "TriageResult",
    "TriageError",
    # dashboard views (reviewtools.views: what the app shows, without streamlit)
    "filter_options",
    "filter_reviews",
    "highlight_spans",
    "highlight_html",
    "review_evidence",
    # snapshot (the store's columnar copy the dashboard reads)
    "StoreSnapshot",
    "load_snapshot",
    "refresh_snapshot",
    "overview_metrics",
    "OverviewMetrics",
    "product_table",
    "ViewError",
    # guideline checks (rule packs under resources/rules)
    "check_reviews",
    "check_each_review",
    "find_duplicates",
    "summarise_checks",
    "load_rules",
    "rules_by_id",
    "Rule",
    "RuleError",
    "CATEGORIES",
    "HIT_COLUMNS",
]
