"""The public API is imported lazily (PEP 562): every name resolves, and a command loads only what it needs."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

import reviewtools

#: Heavy dependencies no store-only ingest needs (the stages they serve are imported on first use).
STAGE_ONLY = ("sklearn", "plotly", "streamlit", "phonenumbers", "py3langid", "vaderSentiment", "better_profanity")


def _modules_after(code: str, cwd=None) -> set[str]:
    """Top-level package names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    prog = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, cwd=cwd, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_every_public_name_resolves_to_its_module():
    names = [n for n in reviewtools.__all__ if n != "__version__"]
    assert len(names) == len(set(names))
    assert set(names) == set(reviewtools._LAZY), "a name in __all__ has no module in _MODULES, or the reverse"
    for name in names:
        value = getattr(reviewtools, name)
        module = reviewtools._LAZY[name]
        assert getattr(sys.modules[f"reviewtools.{module}"], name) is value, name
        if inspect.isfunction(value) or inspect.isclass(value):  # defined there or re-exported by it
            assert value.__module__.startswith("reviewtools."), name


def test_from_import_dir_and_submodules():
    from reviewtools import ReviewStore, read_reviews  # noqa: F401

    listed = dir(reviewtools)
    assert set(reviewtools.__all__) <= set(listed)
    assert "store" in listed and reviewtools.store.ReviewStore is ReviewStore
    assert reviewtools.ratings.__name__ == "reviewtools.ratings"
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        reviewtools.not_a_name  # noqa: B018


def test_star_import_binds_every_name():
    ns: dict[str, object] = {}
    exec("from reviewtools import *", ns)
    assert set(reviewtools.__all__) <= set(ns)


def test_import_reviewtools_loads_no_stage_dependency():
    loaded = _modules_after("import reviewtools")
    assert not loaded & {*STAGE_ONLY, "pandas", "numpy", "pyarrow"}, loaded & {*STAGE_ONLY, "pandas", "pyarrow"}


def test_store_only_ingest_from_the_cli_loads_no_stage_dependency(tmp_path):
    src = tmp_path / "week.csv"
    src.write_text("Stars,Review,Date\n5,Great,2024-01-15\n1,Broke after a day,2024-01-16\n")
    code = (f"from reviewtools.cli import main\n"
            f"assert main(['ingest', {str(src)!r}, '--db', {str(tmp_path / 'r.db')!r}, '--no-triage']) == 0\n"
            f"assert main(['ingest', {str(src)!r}, '--db', {str(tmp_path / 'r.db')!r}, '--no-triage']) == 0")
    loaded = _modules_after(code, cwd=tmp_path)
    assert "reviewtools" in loaded and "pandas" in loaded  # it did run
    assert not loaded & set(STAGE_ONLY), loaded & set(STAGE_ONLY)
