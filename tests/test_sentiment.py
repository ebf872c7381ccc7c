"""Tests for reviewtools.sentiment: exact VADER scores, the sentence splitter, aggregation, labels, mismatch."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from reviewtools import schema, sentiment
from reviewtools.errors import SchemaError
from reviewtools.sentiment import (
    MISMATCH_NEGATIVE_SCORE,
    MISMATCH_POSITIVE_SCORE,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    SENTENCE_COLUMNS,
    SENTIMENT_COLUMNS,
    label_for,
    load_abbreviations,
    review_string,
    score_sentences,
    score_sentiment,
    split_sentences,
    summarize_sentiment,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sentiment"
PACKAGE = SentimentIntensityAnalyzer()

VARIED = [
    "Great product, works exactly as described!",
    "This is NOT good. At all.",
    "The battery is not bad, but the screen is TERRIBLE!!!",
    "I don't love it :( but it does the job",
    "Meh.",
    "Arrived late 😡😡 and the box was crushed",
    "kind of ok i guess??",
    "Without a doubt the best purchase this year",
    "no problems so far",
    "The sound is okay... the bass could be better. Never again!!!!!",
    "Not the worst, not the best.",
    "😍",
    "  leading and trailing spaces  ",
    "Line one is great\nLine two is awful\r\nLine three: meh",
    "Ça marche très bien, merci ! Très content.",
    "",
]


def _canonical(texts: list[str], titles: list[str] | None = None, ratings: list[object] | None = None) -> pd.DataFrame:
    n = len(texts)
    raw = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(n)],
            "platform": ["amazon"] * n,
            "rating": ratings if ratings is not None else [5] * n,
            "title": titles if titles is not None else [""] * n,
            "text": texts,
            "created_at": ["2024-01-01"] * n,
        }
    )
    return schema.coerce(raw)


def _fixture_snippets() -> pd.DataFrame:
    rows = [line.split("\t", 2) for line in (FIXTURES / "amazon_snippets_sample.tsv").read_text("utf-8").splitlines()]
    return pd.DataFrame(rows, columns=["review_id", "human", "text"])


# ----------------------------------------------------------------------------------- exact VADER scores


def test_vader_columns_equal_the_package_on_varied_texts():
    titles = ["", "Love it", "", "Five Stars", "ok", "", "", "", "", "Hmm", "", "", "", "Mixed", "", ""]
    out = score_sentiment(_canonical(VARIED, titles))
    for (_, row), title, text in zip(out.iterrows(), titles, VARIED, strict=True):
        expected = PACKAGE.polarity_scores(review_string(title, text))
        got = {k: row[f"vader_{k}"] for k in ("neg", "neu", "pos", "compound")}
        assert got == expected, (title, text)


def test_vader_columns_equal_the_package_on_groundtruth_snippets():
    snippets = _fixture_snippets()
    out = score_sentiment(snippets[["review_id", "text"]])
    expected = [PACKAGE.polarity_scores(t)["compound"] for t in snippets["text"]]
    assert out["vader_compound"].tolist() == expected


def test_title_and_text_are_joined_with_a_line_break():
    assert sentiment.TITLE_TEXT_SEPARATOR == "\n"
    assert review_string("Great", "Works well.") == "Great\nWorks well."
    assert review_string("", "Works well.") == "Works well."
    assert review_string("Great", None) == "Great"
    assert review_string("  ", "  ") == ""
    # "ok." would not be found in the lexicon; a line break leaves the word alone
    out = score_sentiment(pd.DataFrame({"title": ["ok"], "text": ["fine"]}))
    assert out.loc[0, "vader_compound"] == PACKAGE.polarity_scores("ok\nfine")["compound"]
    assert out.loc[0, "vader_compound"] != PACKAGE.polarity_scores("ok. fine")["compound"]


# ------------------------------------------------------------------------------------- sentence splitter

SPLITS = [
    ("Great product!!! Works well.", ["Great product!!!", "Works well."]),
    ("Is it good?! Yes.", ["Is it good?!", "Yes."]),
    ("I bought it from Mr. Smith, e.g. the blue one. It broke.", ["I bought it from Mr. Smith, e.g. the blue one.", "It broke."]),
    ("Item No. 5 was fine. I said no. Then it broke.", ["Item No. 5 was fine.", "I said no.", "Then it broke."]),
    ("Shoes, socks etc. The fit is bad.", ["Shoes, socks etc.", "The fit is bad."]),
    ("A 12 oz. bag is small.", ["A 12 oz. bag is small."]),
    ("Made in the U.S. Great quality.", ["Made in the U.S.", "Great quality."]),
    ("Made in the U.S. and sold here.", ["Made in the U.S. and sold here."]),
    ("J. R. R. Tolkien wrote it. Loved it.", ["J. R. R. Tolkien wrote it.", "Loved it."]),
    ("So did I. Then it broke.", ["So did I.", "Then it broke."]),
    ("It was ok... not great.", ["It was ok... not great."]),
    ("It was ok... Then it broke.", ["It was ok...", "Then it broke."]),
    ("smells bad\u2026 returned it", ["smells bad\u2026 returned it"]),
    ("Wow\u2026Terrible", ["Wow\u2026", "Terrible"]),
    ("Great product.Works well.", ["Great product.", "Works well."]),
    ("See amazon.com or pay $3.50 now.", ["See amazon.com or pay $3.50 now."]),
    ("Line one\nLine two\r\n\r\nLine three", ["Line one", "Line two", "Line three"]),
    ("no punctuation at all and a line\nbreak", ["no punctuation at all and a line", "break"]),
    ("1. Battery life is bad.\n2. Screen is great.", ["1. Battery life is bad.", "2. Screen is great."]),
    ('He said "wow!" Then left.', ['He said "wow!"', "Then left."]),
    ("(Great!) Yes", ["(Great!)", "Yes"]),
    ("Love it. :)", ["Love it. :)"]),
    ("Broke in a day.\n:(", ["Broke in a day.\n:("]),
    ("Love it 😍. Five stars", ["Love it 😍.", "Five stars"]),
    ("!!!", ["!!!"]),
    ("   ", []),
    ("", []),
    ("lower case review. second sentence. third", ["lower case review.", "second sentence.", "third"]),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@given(st.text(alphabet=st.sampled_from(list("ab AB.!?…\n\r:)'\"12😀,-")), max_size=80))
@settings(max_examples=examples(300), deadline=None)
def test_split_spans_are_ordered_trimmed_and_cover_every_visible_character(text):
    spans = split_sentences(text)
    covered = set()
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered.update(range(a, b))
        prev_end = b
    visible = {i for i, ch in enumerate(text) if not ch.isspace()}
    assert visible <= covered


@pytest.mark.parametrize(("abbrev", "kind"), sorted(load_abbreviations().items()))
def test_every_abbreviation_behaves_as_its_kind_says(abbrev, kind):
    word = abbrev.capitalize() if "." not in abbrev else abbrev.upper()
    before_capital = f"See {word}. Next part"
    before_digit = f"See {word}. 5 more"
    before_lower = f"See {word}. next part"
    n = {t: len(split_sentences(t)) for t in (before_capital, before_digit, before_lower)}
    if kind == "prefix":
        assert n == {before_capital: 1, before_digit: 1, before_lower: 1}
    elif kind == "before_number":
        assert n == {before_capital: 2, before_digit: 1, before_lower: 2}
    else:
        assert kind == "may_end"
        assert n == {before_capital: 2, before_digit: 1, before_lower: 1}


def test_abbreviation_registry_is_well_formed():
    reg = load_abbreviations()
    assert len(reg) >= 30
    assert set(reg.values()) == {"prefix", "before_number", "may_end"}
    assert all(k == k.lower() and not k.endswith(".") and " " not in k for k in reg)


# --------------------------------------------------------------------------------------------- aggregation


def test_sentence_view_aggregates_per_sentence_package_scores():
    title, text = "Disappointed", "The screen is lovely. The battery died after two days! Support never answered."
    out = score_sentiment(pd.DataFrame({"rating": [3], "title": [title], "text": [text]}))
    sentences = ["Disappointed", "The screen is lovely.", "The battery died after two days!", "Support never answered."]
    comps = [PACKAGE.polarity_scores(s)["compound"] for s in sentences]
    row = out.iloc[0]
    assert row["sentence_count"] == 4
    assert row["sentence_compound"] == pytest.approx(float(np.mean(comps)))
    assert row["sentiment_score"] == row["sentence_compound"]
    assert row["negative_sentence_share"] == pytest.approx(sum(c <= NEGATIVE_THRESHOLD for c in comps) / 4)
    k = int(np.argmin(comps))
    assert row["most_negative_sentence"] == sentences[k]
    assert row["most_negative_sentence_compound"] == comps[k]
    assert row["sentiment_label"] == label_for(float(np.mean(comps)))


def test_sentence_mean_does_not_saturate_like_the_whole_review_compound():
    # many mildly positive sentences and one furious one: the whole-text compound runs to the top
    text = " ".join(["The colour is nice."] * 8 + ["It caught fire and burned my hand, dangerous and awful!"])
    row = score_sentiment(pd.DataFrame({"text": [text]})).iloc[0]
    assert row["vader_compound"] > 0.9
    assert row["sentence_compound"] < row["vader_compound"] - 0.3
    assert row["most_negative_sentence"] == "It caught fire and burned my hand, dangerous and awful!"
    assert row["negative_sentence_share"] == pytest.approx(1 / 9)


def test_score_sentences_offsets_point_into_the_frame():
    frame = _canonical(["Great. Awful!\nMeh", "", "Only one"], ["Title here", "Just a title", ""])
    sents = score_sentences(frame)
    assert list(sents.columns) == list(SENTENCE_COLUMNS)
    for label, row in sents.iterrows():
        assert frame.loc[label, row["field"]][row["start"] : row["end"]] == row["sentence"]
        assert row["compound"] == PACKAGE.polarity_scores(row["sentence"])["compound"]
    assert sents.groupby(level=0).size().to_dict() == {0: 4, 1: 1, 2: 1}
    assert sents.loc[1, "field"] == "title"


def test_ties_pick_the_first_most_negative_sentence():
    row = score_sentiment(pd.DataFrame({"text": ["Bad. Fine. Bad."]})).iloc[0]
    assert row["most_negative_sentence"] == "Bad."
    assert row["sentence_count"] == 3


# ---------------------------------------------------------------------------------------------- labels


class _FakeSeam:
    """Stands in for the scorer seam: returns fixed compounds and records every call."""

    def __init__(self, compounds: dict[str, float] | None = None) -> None:
        self.compounds = compounds or {}
        self.calls: list[list[str]] = []
        self.span_calls: list[list[str]] = []

    def __call__(self, titles: list[str], texts: list[str]) -> np.ndarray:
        """The review-string seam (``_review_scores_array``): neg, neu, pos, compound rows of each review string."""
        texts = [sentiment.review_string(a, b) for a, b in zip(titles, texts, strict=True)]
        self.calls.append(list(texts))
        return np.array([[0.0, 1.0, 0.0, self.compounds.get(t, 0.0)] for t in texts]).reshape(-1, 4)

    def spans(self, pool: list[str], owner: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """The sentence seam (``_span_compounds``)."""
        strings = [pool[o][a:b] for o, a, b in zip(owner.tolist(), start.tolist(), end.tolist(), strict=True)]
        self.span_calls.append(strings)
        return np.array([self.compounds.get(t, 0.0) for t in strings], dtype=np.float64)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> _FakeSeam:
        monkeypatch.setattr(sentiment, "_review_scores_array", self)
        monkeypatch.setattr(sentiment, "_span_compounds", self.spans)
        return self


def test_thresholds_are_vaders_documented_values():
    assert POSITIVE_THRESHOLD == 0.05
    assert NEGATIVE_THRESHOLD == -0.05


@pytest.mark.parametrize(
    ("compound", "label"),
    [(0.05, "positive"), (0.0501, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"),
     (-0.05, "negative"), (-0.9, "negative"), (1.0, "positive")],
)
def test_labels_at_the_thresholds(monkeypatch, compound, label):
    _FakeSeam({"x": compound}).install(monkeypatch)
    out = score_sentiment(pd.DataFrame({"text": ["x"]}))
    assert out.loc[0, "sentiment_score"] == compound
    assert out.loc[0, "sentiment_label"] == label


# -------------------------------------------------------------------------------------------- mismatch


@pytest.mark.parametrize(
    ("rating", "compound", "flag"),
    [
        (5, MISMATCH_NEGATIVE_SCORE, True),
        (4, -0.8, True),
        (5, MISMATCH_NEGATIVE_SCORE + 0.01, False),
        (3, -0.9, False),
        (3, 0.9, False),
        (1, MISMATCH_POSITIVE_SCORE, True),
        (2, 0.7, True),
        (2, MISMATCH_POSITIVE_SCORE - 0.01, False),
        (1, -0.9, False),
        (5, 0.9, False),
    ],
)
def test_rating_text_mismatch(monkeypatch, rating, compound, flag):
    _FakeSeam({"x": compound}).install(monkeypatch)
    row = score_sentiment(pd.DataFrame({"rating": pd.array([rating], dtype="Int64"), "text": ["x"]})).iloc[0]
    assert row["rating_text_mismatch"] == flag
    if flag:
        assert f"{rating}★" in row["mismatch_reason"] and f"{compound:+.2f}" in row["mismatch_reason"]
    else:
        assert pd.isna(row["mismatch_reason"])


def test_mismatch_on_real_text_quotes_the_evidence():
    out = score_sentiment(
        _canonical(["Awful quality. It broke and I hate it!", "Love it, works great!"], ["Terrible", ""], [5, 1])
    )
    assert out["rating_text_mismatch"].tolist() == [True, True]
    assert "5★" in out.loc[0, "mismatch_reason"] and "It broke and I hate it!" in out.loc[0, "mismatch_reason"]
    assert "1★" in out.loc[1, "mismatch_reason"] and "positive" in out.loc[1, "mismatch_reason"]


def test_mismatch_is_unknown_without_rating_or_text():
    frame = pd.DataFrame({"rating": pd.array([pd.NA, 5], dtype="Int64"), "text": ["Awful, I hate it!", "  "]})
    out = score_sentiment(frame)
    assert out["rating_text_mismatch"].isna().all()
    assert out["mismatch_reason"].tolist() == ["not checked: the review has no rating", "not checked: the review has no text"]
    no_rating_column = score_sentiment(pd.DataFrame({"text": ["Awful, I hate it!"]}))
    assert no_rating_column["rating_text_mismatch"].isna().all()


def test_mismatch_is_unknown_when_the_text_cannot_be_split_into_sentences():
    words = sentiment.MAX_RELIABLE_SENTENCE_WORDS
    run_on = "great location nice staff lovely view " * (words // 5) + "but dirty room rude desk never again"
    ok = "Great location. " * (words // 2) + "Dirty room."
    out = score_sentiment(pd.DataFrame({"rating": pd.array([1, 1], dtype="Int64"), "text": [run_on, ok]}))
    assert pd.isna(out.loc[0, "rating_text_mismatch"])
    assert out.loc[0, "mismatch_reason"].startswith("not checked:") and "sentence punctuation" in out.loc[0, "mismatch_reason"]
    assert out.loc[1, "rating_text_mismatch"] == True  # noqa: E712  (many short sentences are fine)


# ----------------------------------------------------------------------------------- frame contract


def test_adds_exactly_the_contract_columns_with_nullable_dtypes():
    frame = _canonical(VARIED)
    out = score_sentiment(frame)
    assert list(out.columns) == list(frame.columns) + list(SENTIMENT_COLUMNS)
    assert out.index.equals(frame.index)
    assert str(out["sentence_count"].dtype) == "Int64"
    assert str(out["rating_text_mismatch"].dtype) == "boolean"
    assert str(out["most_negative_sentence"].dtype) == "string"
    assert set(out["sentiment_label"]) <= set(sentiment.LABELS)


def test_input_is_not_mutated():
    frame = _canonical(VARIED).set_index(pd.Index(range(100, 100 + len(VARIED))))
    before = frame.copy(deep=True)
    out = score_sentiment(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out is not frame and list(out.index) == list(frame.index)
    score_sentences(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_rescoring_a_scored_frame_gives_the_same_result():
    once = score_sentiment(_canonical(VARIED))
    pd.testing.assert_frame_equal(score_sentiment(once), once)


@pytest.mark.parametrize("empty", ["", "   ", "\n\n", None])
def test_empty_text_is_defined_but_marked(empty):
    frame = pd.DataFrame({"rating": pd.array([5], dtype="Int64"), "title": [None], "text": pd.array([empty], dtype="string")})
    row = score_sentiment(frame).iloc[0]
    assert row["vader_compound"] == 0.0 and row["vader_neg"] == 0.0 and row["vader_pos"] == 0.0
    assert row["sentence_count"] == 0
    assert row["sentiment_score"] == 0.0 and row["sentiment_label"] == "neutral"
    assert pd.isna(row["rating_text_mismatch"])
    assert pd.isna(row["most_negative_sentence"]) and pd.isna(row["negative_sentence_share"])


def test_title_only_review_is_scored():
    row = score_sentiment(pd.DataFrame({"rating": [1], "title": ["Horrible, it broke"], "text": [""]})).iloc[0]
    assert row["sentence_count"] == 1
    assert row["vader_compound"] == PACKAGE.polarity_scores("Horrible, it broke")["compound"]


def test_empty_frame():
    out = score_sentiment(schema.empty_frame())
    assert len(out) == 0 and list(out.columns)[-len(SENTIMENT_COLUMNS) :] == list(SENTIMENT_COLUMNS)


def test_missing_text_column_is_a_clear_error():
    with pytest.raises(SchemaError, match="'text'"):
        score_sentiment(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(SchemaError, match="DataFrame"):
        score_sentiment(["not a frame"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------- one scorer, once


def test_one_call_for_review_strings_and_one_for_sentences(monkeypatch):
    """Every review's title and text go to the review-string seam in one call (the native core joins and scores
    them without a string per review; equal review strings are rare enough that looking them up cost more than
    scoring them again); every sentence goes to the span seam in one more call (as spans: the native core scores
    each distinct one once, tests/test_vader_native.py)."""
    seam = _FakeSeam().install(monkeypatch)
    texts = ["Good. Bad.", "Good. Bad.", "Good.", "", "Bad. Good."]
    score_sentiment(_canonical(texts))
    assert len(seam.calls) == 1 and len(seam.span_calls) == 1
    (batch,), (sentences,) = seam.calls, seam.span_calls
    assert batch == [sentiment.review_string(None, t) for t in texts]
    assert sorted(sentences) == sorted(["Good.", "Bad."] * 3 + ["Good."])


def test_the_analyzer_is_built_once_per_process():
    assert sentiment._analyzer() is sentiment._analyzer()


def test_summarize_sentiment():
    out = score_sentiment(_canonical(["Love it!", "Awful, I hate it.", "It is a phone.", ""], ratings=[5, 5, 3, 4]))
    summary = summarize_sentiment(out)
    assert summary["labels"] == {"negative": 1, "neutral": 2, "positive": 1}
    assert summary["mismatches"] == 1 and summary["mismatch_unknown"] == 1
    assert summary["mean_score"] == pytest.approx(out["sentiment_score"].mean())
    with pytest.raises(SchemaError, match="score_sentiment"):
        summarize_sentiment(pd.DataFrame({"text": ["x"]}))


NOT_ENGLISH = {
    "de": "Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend. Nie wieder!",
    "fr": "Produit de très mauvaise qualité, cassé au bout de deux jours. Je ne recommande pas du tout.",
    "es": "Producto de muy mala calidad, se rompió a los dos días. No lo recomiendo para nada.",
    "ar": "المنتج سيء جدا ولم يعمل بعد أسبوع واحد من الاستخدام للأسف الشديد",
    "zh": "这个产品质量很差，用了一个星期就坏了，非常失望，不推荐购买。真的很糟糕的体验，客服也不回复消息，太差了。",
    "ru": "Очень плохое качество, сломалось через два дня. Не рекомендую никому покупать.",
}


@pytest.mark.parametrize("lang", sorted(NOT_ENGLISH))
def test_text_confidently_not_english_is_not_scored(lang):
    text = NOT_ENGLISH[lang]
    out = score_sentiment(_canonical([text], ratings=[1]))
    row = out.iloc[0]
    assert row["sentiment_label"] == sentiment.UNKNOWN_LABEL and np.isnan(row["sentiment_score"])
    assert row["vader_compound"] == PACKAGE.polarity_scores(text)["compound"]  # the exactness contract holds
    assert pd.isna(row["rating_text_mismatch"]) and "English only" in row["mismatch_reason"]
    assert row["text_language"] in (lang, "ary", "arz") if lang == "ar" else row["text_language"] == lang
    assert summarize_sentiment(out)["not_scored"] == 1


def test_english_and_too_short_text_are_scored_as_before():
    texts = ["Terrible product, it broke after two days and the seller never answered.", "Sehr gut!", "Great!", ""]
    out = score_sentiment(_canonical(texts, ratings=[1, 5, 5, 4]))
    assert sentiment.UNKNOWN_LABEL not in set(out["sentiment_label"])
    assert out["sentiment_score"].notna().all()
    assert out["text_language"].tolist()[0] == "en" and out["text_language"].isna().tolist()[1:] == [True] * 3
    assert out["sentiment_label"].tolist() == ["negative", "neutral", "positive", "neutral"]


# ------------------------------------------------------------------------- the paper's floor, on real data


def _groundtruth_dir() -> Path:
    env = os.environ.get("REVIEWTOOLS_SHARED")
    base = Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared"
    return base / "datasets" / "vader_groundtruth"


def test_amazon_snippets_correlation_is_not_below_the_paper():
    path = _groundtruth_dir() / "amazonReviewSnippets_GroundTruth.txt"
    if not path.is_file():
        pytest.skip(f"VADER ground truth not found at {path} (set REVIEWTOOLS_SHARED)")
    rows = [ln.rstrip("\r").split("\t", 2) for ln in path.read_text(encoding="utf-8-sig").split("\n") if ln.strip()]
    gt = pd.DataFrame(rows, columns=["review_id", "human", "text"]).astype({"human": float})
    out = score_sentiment(gt)
    for col in ("vader_compound", "sentiment_score"):
        assert np.corrcoef(gt["human"], out[col])[0, 1] >= 0.565, col


# ------------------------------------------------------------------------------------------ command line


def test_cli_sentiment_prints_counts_and_writes_the_scored_frame(tmp_path, capsys):
    from reviewtools.cli import main

    src = tmp_path / "reviews.csv"
    src.write_text(
        "Stars,Title,Review,Date\n"
        "5,Love it,Works great and I love it!,2024-01-15\n"
        "5,Terrible,Awful quality. It broke and I hate it!,2024-01-16\n"
        "3,,It is a phone.,2024-01-17\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.csv"
    assert main(["sentiment", str(src), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 reviews scored" in printed
    counts = {line.split()[0]: int(line.split()[1]) for line in printed.splitlines() if line.startswith("  ")}
    assert counts == {"negative": 1, "neutral": 1, "positive": 1}
    assert "rating-text mismatches: 1" in printed
    scored = pd.read_csv(out)
    assert len(scored) == 3 and set(SENTIMENT_COLUMNS) <= set(scored.columns)


def test_cli_sentiment_unreadable_file_exits_2(tmp_path, capsys):
    from reviewtools.cli import main

    assert main(["sentiment", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err
