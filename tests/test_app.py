from pathlib import Path

import pytest

from reviewtools import read_reviews

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"

AppTest = pytest.importorskip("streamlit.testing.v1", reason="streamlit is not installed").AppTest


def test_app_shows_the_sample_counts_and_table():
    expected = read_reviews(SAMPLE)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviews"] == f"{expected.ingested:,}"
    assert metrics["Average rating"] == f"{expected.reviews['rating'].mean():.2f}"
    assert metrics["Rejected / duplicates"] == f"{expected.rejected} / {expected.duplicates}"
    table = at.dataframe[0].value
    assert len(table) == expected.ingested
    assert table["text"].tolist() == expected.reviews["text"].tolist()  # plain data, not rendered markdown
    assert not at.markdown or all("<br" not in m.value for m in at.markdown)
