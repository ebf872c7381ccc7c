"""The canonical review frame: one declared set of columns and dtypes that every stage uses.

Unknown stays null (``pd.NA`` / ``NaT``), never ``False`` or ``0``.

>>> from reviewtools.schema import empty_frame, COLUMNS
>>> list(empty_frame().columns) == list(COLUMNS)
True
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from .errors import SchemaError

#: Platforms a review can come from.
PLATFORMS: Final[tuple[str, ...]] = (
    "amazon",
    "google",
    "trustpilot",
    "yelp",
    "app_store",
    "google_play",
    "other",
)

#: Lowest and highest star rating after normalisation.
MIN_RATING: Final[int] = 1
MAX_RATING: Final[int] = 5

_STR = "string"  # pandas StringDtype: missing values are pd.NA
_TS = "datetime64[ns, UTC]"

#: The canonical columns, in order, with their pandas dtypes.
DTYPES: Final[dict[str, str]] = {
    "review_id": _STR,  # unique within platform
    "platform": _STR,  # one of PLATFORMS
    "marketplace": _STR,  # e.g. amazon.com; nullable
    "product_id": _STR,  # ASIN, app id or location id; nullable
    "product_title": _STR,
    "rating": "Int64",  # 1..5 after ingest
    "title": _STR,
    "text": _STR,  # may be empty, never null after ingest
    "author": _STR,
    "created_at": _TS,
    "verified": "boolean",
    "vine": "boolean",  # the platform's own incentivised-review programme
    "helpful_votes": "Int64",
    "reply_text": _STR,
    "replied_at": _TS,
    "source_file": _STR,
    "source_row": "Int64",  # 1-based data row in the source file (header not counted)
}

COLUMNS: Final[tuple[str, ...]] = tuple(DTYPES)

#: Columns that must be non-null in every ingested row.
REQUIRED: Final[tuple[str, ...]] = ("review_id", "platform", "rating", "text", "created_at")


def empty_frame() -> pd.DataFrame:
    """Return an empty canonical frame with the declared dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in DTYPES.items()})


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every canonical column present and cast to its dtype.

    Missing canonical columns are added as all-null; extra columns are kept after the canonical ones.
    Raises :class:`SchemaError` when a column cannot be cast.
    """
    out = pd.DataFrame(index=frame.index)
    for col, dtype in DTYPES.items():
        if col in frame.columns:
            s = frame[col]
            try:
                if dtype == _TS:
                    s = pd.to_datetime(s, utc=True, errors="raise").astype(_TS)
                else:
                    s = s.astype(dtype)
            except (TypeError, ValueError) as exc:
                raise SchemaError(f"column {col!r} cannot be read as {dtype}: {exc}") from exc
            out[col] = s
        else:
            out[col] = pd.Series(pd.NA, index=frame.index, dtype=dtype) if dtype != _TS else pd.Series(
                pd.NaT, index=frame.index, dtype=_TS
            )
    extra = [c for c in frame.columns if c not in DTYPES]
    for col in extra:
        out[col] = frame[col]
    return out


def validate(frame: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` unless ``frame`` is a valid canonical review frame.

    Checks columns, dtypes, required non-nulls, the rating range and the platform vocabulary.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"missing canonical columns: {', '.join(missing)}")
    for col, dtype in DTYPES.items():
        if str(frame[col].dtype) != str(pd.Series(dtype=dtype).dtype):
            raise SchemaError(f"column {col!r} has dtype {frame[col].dtype}, expected {dtype}")
    for col in REQUIRED:
        n = int(frame[col].isna().sum())
        if n:
            raise SchemaError(f"column {col!r} has {n} missing values; it is required")
    bad = frame["rating"].dropna()
    bad = bad[(bad < MIN_RATING) | (bad > MAX_RATING)]
    if len(bad):
        raise SchemaError(f"column 'rating' has {len(bad)} values outside {MIN_RATING}..{MAX_RATING}")
    plats = set(frame["platform"].dropna().unique()) - set(PLATFORMS)
    if plats:
        raise SchemaError(f"unknown platforms: {sorted(plats)}; expected one of {PLATFORMS}")


__all__ = [
    "PLATFORMS",
    "MIN_RATING",
    "MAX_RATING",
    "DTYPES",
    "COLUMNS",
    "REQUIRED",
    "empty_frame",
    "coerce",
    "validate",
]
