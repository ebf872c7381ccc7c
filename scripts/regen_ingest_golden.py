"""Rewrite the expected outputs of the ingest golden files (tests/golden/ingest/<format>/*).

Run after a deliberate change to ingest, then READ the diff of every ``*.expected.json`` before committing:
the golden files are the spec, so a change here must be one you meant.

    .venv/bin/python scripts/regen_ingest_golden.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from golden_ingest import GOLDEN, golden_inputs, snapshot  # noqa: E402


def main() -> int:
    for path in golden_inputs():
        out = path.with_name(path.name + ".expected.json")
        out.write_text(json.dumps(snapshot(path), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
