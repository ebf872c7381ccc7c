"""Helpers shared by the ingest golden-file test and ``scripts/regen_ingest_golden.py``.

Each golden input lives in ``tests/golden/ingest/<format name>/``; beside it ``<input>.expected.json``
holds the format recognised, the counts, every canonical value of every ingested row (as text) and the
rejects. File names matter for formats that read them (Helium 10 takes the ASIN from the name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from reviewtools import read_reviews
from reviewtools.schema import COLUMNS

GOLDEN = Path(__file__).resolve().parent / "golden" / "ingest"


def golden_inputs() -> list[Path]:
    """Every golden input file, sorted."""
    return sorted(p for p in GOLDEN.glob("*/*") if p.is_file() and not p.name.endswith(".expected.json"))


def _cell(v: Any) -> Any:
    if v is None or v is pd.NA or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, bool):
        return v
    if hasattr(v, "item"):
        return v.item()
    return v


def snapshot(path: Path) -> dict[str, Any]:
    """What ingest makes of one golden input, as plain JSON-able data."""
    res = read_reviews(path)
    rep = res.files[0]
    rows = [
        {c: _cell(row[c]) for c in COLUMNS if c != "source_file"}
        for row in res.reviews.to_dict("records")
    ]
    rejects = [
        {"source_row": _cell(r["source_row"]), "column": r["column"], "reason": r["reason"]}
        for r in res.rejects.to_dict("records")
    ]
    return {
        "format": res.format,
        "rows_read": rep.rows_read,
        "ingested": rep.ingested,
        "rejected": rep.rejected,
        "duplicates": rep.duplicates,
        "reviews": rows,
        "rejects": rejects,
    }
