"""Review export formats as data: one JSON record per layout under ``reviewtools/resources/formats/``.

A :class:`Format` says which source columns feed which canonical column (:class:`FieldSpec`), plus the
parse hints ingest needs (delimiter and quoting, rating scale or rating words, date formats, which
booleans are "empty means false", where the records sit in a JSON document, whether rating-only
reviews are normal). :func:`detect_format` picks the record whose ``signature`` columns are all in the
file's header (the most specific one wins) and says why; when none matches, the ``generic``
header-synonym mapper is used.

>>> from reviewtools.formats import detect_format
>>> detect_format(["marketplace", "customer_id", "review_id", "product_id", "star_rating",
...                "review_body", "review_date"]).format.name
'amazon_tsv'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from .errors import UnknownFormatError
from .schema import COLUMNS, PLATFORMS

#: Name of the fallback format that maps headers by synonyms.
GENERIC: Final[str] = "generic"

#: Containers a format may come in.
CONTAINERS: Final[tuple[str, ...]] = ("csv", "json", "jsonl", "excel", "parquet")

#: Fields a format may fill: the canonical columns (minus provenance) plus ``author_id``, a stable
#: author key used only for the derived review id and for duplicate detection (never output).
MAPPABLE: Final[tuple[str, ...]] = tuple(c for c in COLUMNS if c not in ("source_file", "source_row")) + (
    "author_id",
)

_RECORD_KEYS: Final[frozenset[str]] = frozenset(
    {
        "name", "title", "source", "notes", "platform", "containers", "read", "records", "signature",
        "fields", "synonyms", "rating_scale", "rating_values", "empty_is_false", "date_formats",
        "text_required", "keep_provenance",
    }
)


def norm_header(name: object) -> str:
    """Normalise a header for exact matching: strip a BOM and spaces, lower-case, collapse whitespace.

    >>> norm_header("\\ufeff Review  Created (UTC) ")
    'review created (utc)'
    """
    return " ".join(str(name).replace("\ufeff", "").strip().lower().split())


_FOLD = re.compile(r"[^0-9a-z]+")
#: Prefixes dropped by the synonym mapper (``reviews.rating`` -> ``rating``, ``Review Content`` -> ``content``).
SYNONYM_PREFIXES: Final[tuple[str, ...]] = ("reviews_", "review_", "customer_", "attributes_")


def fold_header(name: object) -> tuple[str, ...]:
    """Keys under which the synonym mapper knows a header: folded, then without a known prefix.

    >>> fold_header("reviews.rating")
    ('reviews_rating', 'rating')
    """
    base = _FOLD.sub("_", norm_header(name)).strip("_")
    keys = [base]
    for prefix in SYNONYM_PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix):
            keys.append(base[len(prefix):])
            break
    return tuple(keys)


@dataclass(frozen=True)
class FieldSpec:
    """Where one canonical field comes from.

    ``columns`` are tried in order per row (the first non-empty value wins); ``pattern`` is a regular
    expression whose first group is kept; ``values`` maps raw values (case-insensitive) to ours;
    ``filename`` is a pattern applied to the file name instead of a column.
    """

    columns: tuple[str, ...] = ()
    pattern: str | None = None
    values: Mapping[str, str] | None = None
    filename: str | None = None

    @classmethod
    def parse(cls, spec: Any) -> FieldSpec:
        """Build from the JSON forms ``"col"``, ``["a", "b"]`` or ``{"columns": [...], ...}``."""
        if isinstance(spec, str):
            return cls(columns=(spec,))
        if isinstance(spec, list):
            return cls(columns=tuple(spec))
        if isinstance(spec, dict):
            cols = spec.get("columns", ())
            values = spec.get("values")
            return cls(
                columns=(cols,) if isinstance(cols, str) else tuple(cols),
                pattern=spec.get("pattern"),
                values=MappingProxyType({str(k).upper(): str(v) for k, v in values.items()}) if values else None,
                filename=spec.get("filename"),
            )
        raise TypeError(f"field spec must be a string, a list or an object, not {type(spec).__name__}")


@dataclass(frozen=True)
class Format:
    """One export layout: column mapping plus parse hints. Loaded from a JSON record; see module doc."""

    name: str
    title: str
    source: str
    platform: str | None
    containers: tuple[str, ...]
    signature: tuple[str, ...]
    fields: Mapping[str, FieldSpec]
    notes: str = ""
    read: Mapping[str, str] = field(default_factory=dict)
    records: tuple[str, ...] = ()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rating_scale: tuple[float, float] | None = None
    rating_values: Mapping[str, int] = field(default_factory=dict)
    empty_is_false: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    text_required: bool = True
    keep_provenance: bool = False

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> Format:
        """Validate a JSON record and build the format; raises ``ValueError`` naming the problem."""
        unknown = set(rec) - _RECORD_KEYS
        name = rec.get("name", "?")
        if unknown:
            raise ValueError(f"format {name!r}: unknown keys {sorted(unknown)}")
        fields = {k: FieldSpec.parse(v) for k, v in rec.get("fields", {}).items()}
        bad = [k for k in [*fields, *rec.get("synonyms", {})] if k not in MAPPABLE]
        if bad:
            raise ValueError(f"format {name!r}: fields {bad} are not canonical columns")
        platform = rec.get("platform")
        if platform is not None and platform not in PLATFORMS:
            raise ValueError(f"format {name!r}: platform {platform!r} not in {PLATFORMS}")
        containers = tuple(rec.get("containers", CONTAINERS))
        if set(containers) - set(CONTAINERS):
            raise ValueError(f"format {name!r}: containers must be among {CONTAINERS}")
        for spec in fields.values():
            for pat in (spec.pattern, spec.filename):
                if pat is not None and re.compile(pat).groups < 1:
                    raise ValueError(f"format {name!r}: pattern {pat!r} needs a capturing group")
        scale = rec.get("rating_scale")
        return cls(
            name=rec["name"],
            title=rec["title"],
            source=rec["source"],
            notes=rec.get("notes", ""),
            platform=platform,
            containers=containers,
            signature=tuple(norm_header(c) for c in rec.get("signature", ())),
            fields=MappingProxyType(fields),
            read=MappingProxyType(dict(rec.get("read", {}))),
            records=tuple(rec.get("records", ())),
            synonyms=MappingProxyType({k: tuple(v) for k, v in rec.get("synonyms", {}).items()}),
            rating_scale=(float(scale[0]), float(scale[1])) if scale else None,
            rating_values=MappingProxyType({str(k).upper(): int(v) for k, v in rec.get("rating_values", {}).items()}),
            empty_is_false=tuple(rec.get("empty_is_false", ())),
            date_formats=tuple(rec.get("date_formats", ())),
            text_required=bool(rec.get("text_required", True)),
            keep_provenance=bool(rec.get("keep_provenance", False)),
        )


@lru_cache(maxsize=1)
def _load() -> dict[str, Format]:
    out: dict[str, Format] = {}
    folder = resources.files("reviewtools").joinpath("resources", "formats")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            fmt = Format.from_record(json.loads(entry.read_text(encoding="utf-8")))
            if fmt.name in out:
                raise ValueError(f"format {fmt.name!r} defined twice")
            out[fmt.name] = fmt
    return out


def list_formats() -> list[Format]:
    """Every known format, the specific ones first and ``generic`` last.

    >>> [f.name for f in list_formats()][-1]
    'generic'
    """
    fmts = _load()
    return sorted(fmts.values(), key=lambda f: (f.name == GENERIC, f.name))


def get_format(name: str) -> Format:
    """The format called ``name``; raises :class:`UnknownFormatError` listing the known names."""
    fmts = _load()
    try:
        return fmts[name]
    except KeyError:
        raise UnknownFormatError(
            f"unknown format {name!r}; known formats: {', '.join(f.name for f in list_formats())}"
        ) from None


@dataclass(frozen=True)
class Detection:
    """Which format matched a header, and why (the signature columns found, or the synonyms used)."""

    format: Format
    reason: str


def detect_format(columns: Iterable[object], container: str | None = None) -> Detection:
    """Pick the format whose signature columns are all in ``columns`` (most specific first).

    Falls back to ``generic`` when no signature matches. ``container`` (csv, json, ...) narrows the choice.
    """
    seen = {norm_header(c) for c in columns}
    candidates = [
        f
        for f in list_formats()
        if f.name != GENERIC and f.signature and (container is None or container in f.containers)
    ]
    candidates.sort(key=lambda f: -len(f.signature))
    for fmt in candidates:
        if all(col in seen for col in fmt.signature):
            return Detection(fmt, f"header has {fmt.name}'s signature columns: {', '.join(fmt.signature)}")
    return Detection(get_format(GENERIC), "no known layout's signature matched; header synonyms used")


def synonym_mapping(columns: Sequence[str], fmt: Format | None = None) -> dict[str, str]:
    """Map canonical fields to source columns by header synonyms (each column used once).

    >>> synonym_mapping(["Stars", "Review Content", "Date"])["text"]
    'Review Content'
    """
    fmt = fmt or get_format(GENERIC)
    keys: dict[str, list[str]] = {}
    for col in columns:
        for i, key in enumerate(fold_header(col)):
            keys.setdefault(key, []).append((i, col))  # type: ignore[arg-type]
    used: set[str] = set()
    out: dict[str, str] = {}
    for fld, syns in fmt.synonyms.items():
        for syn in syns:
            hits = sorted(keys.get(syn, []))  # exact fold (0) before prefix-stripped (1)
            hit = next((col for _, col in hits if col not in used), None)  # type: ignore[misc]
            if hit is not None:
                out[fld] = hit
                used.add(hit)
                break
    return out


__all__ = [
    "GENERIC",
    "CONTAINERS",
    "MAPPABLE",
    "SYNONYM_PREFIXES",
    "FieldSpec",
    "Format",
    "Detection",
    "norm_header",
    "fold_header",
    "list_formats",
    "get_format",
    "detect_format",
    "synonym_mapping",
]
