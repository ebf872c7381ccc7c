import pandas as pd
import pytest

from reviewtools import COLUMNS, SchemaError, coerce, empty_frame, validate


def _one(**over):
    row = {"review_id": "r1", "platform": "amazon", "rating": 4, "text": "fine", "created_at": "2024-01-02"}
    row.update(over)
    return coerce(pd.DataFrame([row]))


def test_empty_frame_is_valid_and_ordered():
    f = empty_frame()
    assert tuple(f.columns) == COLUMNS
    validate(f)


def test_coerce_fills_unknowns_with_null_not_false():
    f = _one()
    validate(f)
    assert pd.isna(f.loc[0, "verified"]) and pd.isna(f.loc[0, "helpful_votes"])
    assert str(f["created_at"].dtype) == "datetime64[ns, UTC]"


def test_coerce_does_not_mutate_input():
    src = pd.DataFrame([{"review_id": "r1", "rating": "5"}])
    before = src.copy()
    coerce(src)
    pd.testing.assert_frame_equal(src, before)


@pytest.mark.parametrize(
    "over, message",
    [
        ({"rating": 6}, "outside"),
        ({"platform": "myspace"}, "unknown platforms"),
        ({"text": None}, "'text' has 1 missing"),
    ],
)
def test_validate_rejects_bad_frames(over, message):
    with pytest.raises(SchemaError, match=message):
        validate(_one(**over))


def test_coerce_names_the_column_that_cannot_be_cast():
    with pytest.raises(SchemaError, match="'rating'"):
        coerce(pd.DataFrame([{"rating": "five"}]))
