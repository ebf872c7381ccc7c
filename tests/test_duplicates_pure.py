"""``REVIEWTOOLS_PURE_PYTHON=1`` makes the duplicate check take its numpy path even where ``reviewtools._dupcore``
is built, read at each step as the other modules read it, with the same output."""

from __future__ import annotations

import pandas as pd
import pytest

import reviewtools.duplicates as dup
from reviewtools.duplicates import find_duplicates
from test_duplicates import _corpus


class _Refuses:
    """Stands in for the native module: any use of it fails the test."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the native core was used ({name}) with REVIEWTOOLS_PURE_PYTHON=1")


@pytest.mark.parametrize("value", ["1", "yes"])
def test_pure_python_takes_the_numpy_path(monkeypatch, value: str) -> None:
    frame = _corpus(600, 3)
    frame.loc[5, "text"] = "Ça va très bien, merci beaucoup pour le thé ÉNORME et le café"  # non-ASCII normalising
    frame.loc[6, "text"] = frame.loc[5, "text"].upper()
    want = find_duplicates(frame)
    monkeypatch.setattr(dup, "_dupcore", _Refuses())
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", value)
    assert dup._native() is None
    got = find_duplicates(frame)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert (got["outcome"] == "hit").any()


@pytest.mark.parametrize("value", ["", "0"])
def test_unset_or_zero_keeps_the_native_core(monkeypatch, value: str) -> None:
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", value)
    assert dup._native() is dup._dupcore
