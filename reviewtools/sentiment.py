"""Sentiment: VADER scores for every review, a sentence-level view, and a rating–text mismatch flag.

VADER (Hutto & Gilbert 2014, the ``vaderSentiment`` 3.3.2 package, which ships its lexicon) scores text with
``neg``/``neu``/``pos`` shares and a ``compound`` in [-1, 1]. Its compound is a squashed *sum* of word valences,
so on long reviews it runs to ±1 whatever the balance of the review (vaderSentiment issue #151). We therefore
keep two views:

* **whole review**: ``vader_compound, vader_neg, vader_neu, vader_pos`` are exactly
  ``SentimentIntensityAnalyzer().polarity_scores(title + "\\n" + text)`` (see :func:`review_string`);
* **sentences**: title and text are split into sentences (:func:`split_sentences`), each sentence is scored
  alone, and the sentence compounds are averaged with equal weight (``sentence_compound``); the share of
  negative sentences and the most negative sentence (exact text, as evidence) are kept.

``sentiment_score``, the project's headline score, is the sentence view, ``sentence_compound``: the plain mean of
the sentence compounds. ``scripts/eval_sentiment.py`` chose it over the raw compound, a word-weighted sentence mean
and the mean of the two views. On whole reviews it has the best 3-class F1 against star ratings on all four
star-rated sets (Amazon Fine Food 0.529 vs 0.520 raw; McAuley 2018 0.518 vs 0.484; Datafiniti 0.542 vs 0.511;
TripAdvisor 0.489 vs 0.436), the best or within 0.02 of the best Spearman correlation with the stars (McAuley
0.438 vs 0.230 raw; the mean of both views has a slightly higher Pearson r on three sets), and r = 0.786 against
VADER's 300 Amazon reviews regrouped from their snippets (raw compound 0.629; that target is the mean of the
snippet means, which favours a sentence mean by construction, so it is supporting, not deciding, evidence). On
VADER's single-sentence Amazon snippets it equals the raw compound (r = 0.590 against the paper's 0.565); it is
weaker only on tweets (0.818 vs 0.872), which are not reviews. A word-weighted mean lets one long, flat sentence
drown the short verdicts ("Love it!") and had a lower F1 on every whole-review set. It also keeps the rating–text mismatch
precise: the raw compound of a mixed 1–2★ review is often above +0.8.

>>> import pandas as pd
>>> from reviewtools.sentiment import score_sentiment
>>> out = score_sentiment(pd.DataFrame({"rating": [5], "title": ["Terrible"], "text": ["Awful quality. I hate it!"]}))
>>> out.loc[0, "sentiment_label"], bool(out.loc[0, "rating_text_mismatch"])
('negative', True)
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import Final, NamedTuple

import numpy as np
import pandas as pd
from .errors import SchemaError
from .rules import LanguageGuess, detect_language
from .vader import FastVader, get_analyzer

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------- constants

#: compound >= this is positive. Source: vaderSentiment README, "About the Scoring" (typical threshold values).
POSITIVE_THRESHOLD: Final[float] = 0.05
#: compound <= this is negative. Source: vaderSentiment README, "About the Scoring".
NEGATIVE_THRESHOLD: Final[float] = -0.05

#: A 4–5★ review whose ``sentiment_score`` is at or below this has *clearly* negative text. Source: the
#: misleading-star-rating signal in ../shared/reference/platform-policies.md §7 ("5★ with compound < −0.5").
MISMATCH_NEGATIVE_SCORE: Final[float] = -0.5
#: A 1–2★ review whose ``sentiment_score`` is at or above this has *clearly* positive text (the mirror image).
MISMATCH_POSITIVE_SCORE: Final[float] = 0.5
#: Ratings at or above this are "high" for the mismatch check (4 and 5 of 5 stars).
HIGH_RATING_MIN: Final[int] = 4
#: Ratings at or below this are "low" for the mismatch check (1 and 2 of 5 stars).
LOW_RATING_MAX: Final[int] = 2

#: A "sentence" longer than this many words means the text could not be split (no sentence punctuation, as in
#: tokenised exports); VADER's compound saturates on such runs, so the mismatch is left unknown. Source:
#: scripts/eval_sentiment.py data: the 99th percentile sentence is 35–40 words in the Amazon Fine Food,
#: Datafiniti and McAuley exports, while the punctuation-less TripAdvisor sample has a median of 55.
MAX_RELIABLE_SENTENCE_WORDS: Final[int] = 60

#: How :func:`review_string` joins title and text: a line break, which VADER reads as plain whitespace, so no
#: word of the title or text changes form (a ". " would glue a dot onto a short last title word such as "ok").
TITLE_TEXT_SEPARATOR: Final[str] = "\n"

#: Labels of ``sentiment_label`` for scored text.
LABELS: Final[tuple[str, str, str]] = ("negative", "neutral", "positive")
#: ``sentiment_label`` of a review whose text is confidently not English: VADER's lexicon is English only, so
#: its 0.00 on German, Arabic or Chinese text means "not understood", not "neutral". Unknown is not clean:
#: such a review has no ``sentiment_score`` (NaN) and no mismatch verdict; ``vader_*`` stay as VADER gives them.
UNKNOWN_LABEL: Final[str] = "unknown"

#: Columns :func:`score_sentiment` adds, in order (ARCHITECTURE.md, stage contracts).
SENTIMENT_COLUMNS: Final[tuple[str, ...]] = (
    "vader_compound",
    "vader_neg",
    "vader_neu",
    "vader_pos",
    "sentence_compound",
    "sentence_count",
    "negative_sentence_share",
    "most_negative_sentence",
    "most_negative_sentence_compound",
    "sentiment_score",
    "sentiment_label",
    "rating_text_mismatch",
    "mismatch_reason",
    "text_language",
)

#: Columns of :func:`score_sentences`.
SENTENCE_COLUMNS: Final[tuple[str, ...]] = (
    "review_id",
    "field",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "compound",
    "words",
)

_ABBREVIATIONS_RESOURCE: Final[str] = "sentiment/abbreviations.txt"
#: numpy sums float arrays of this many values or more pairwise (numpy's ``pairwise_sum``, blocks of 8);
#: shorter ones one by one, which :func:`_mean` reproduces exactly.
_NUMPY_PAIRWISE_MIN: Final[int] = 8
_ABBREVIATION_KINDS: Final[frozenset[str]] = frozenset({"prefix", "before_number", "may_end"})


# -------------------------------------------------------------------------------------------- the scorer


def _analyzer() -> FastVader:
    """The one analyzer of this process: :func:`reviewtools.vader.get_analyzer`, built once (about 10 ms)."""
    return get_analyzer()


def _scores(texts: list[str]) -> list[dict[str, float]]:
    """Score ``texts`` with VADER, one dict ``{neg, neu, pos, compound}`` per text, in order.

    The single seam to the scorer: every score in this module goes through here, each distinct string once
    per batch. It is :class:`reviewtools.vader.FastVader`, the exact re-implementation of vaderSentiment
    3.3.2 (equal dicts on every string; ``tests/test_vader.py``), several times faster than the package.
    """
    return _analyzer().scores_many(texts)


# ---------------------------------------------------------------------------------------- sentence splitter


@functools.lru_cache(maxsize=1)
def load_abbreviations() -> dict[str, str]:
    """Return the abbreviation registry ``{abbreviation: kind}`` from ``resources/sentiment/abbreviations.txt``.

    >>> load_abbreviations()["e.g"]
    'prefix'
    """
    node = resources.files("reviewtools").joinpath("resources")
    for part in _ABBREVIATIONS_RESOURCE.split("/"):  # one part at a time: namespace and zip paths take one
        node = node.joinpath(part)
    text = node.read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0] not in _ABBREVIATION_KINDS:
            raise SchemaError(
                f"{_ABBREVIATIONS_RESOURCE} line {lineno}: expected 'KIND abbreviation' with KIND one of "
                f"{sorted(_ABBREVIATION_KINDS)}, got {line!r}"
            )
        out[parts[1].lower()] = parts[0]
    return out


# A run of sentence-final punctuation, with any closing quotes or brackets that belong to the sentence.
_TERMINATOR = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*")
# Line breaks end a sentence (reviews use them for paragraphs and lists). U+0085 is deliberately not one: in
# review exports it is a mis-decoded cp1252 ellipsis, not a line break.
_LINE = re.compile(r"[^\r\n\u2028\u2029]+")
# Initials: "J.", "J.R.R" (the last dot is the terminator). "I" is a word, not an initial.
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
# A list marker as the whole sentence so far: "1", "12", "a", "(b".
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[A-Za-z])")
# A word glued to the terminator without a space: split "great.Works", not "amazon.com" or "3.5".
_GLUED_NEXT = re.compile(r"[A-Z][a-z]")


# A letter or digit (``re``'s ``\w`` without ``_``: ``str.isalnum`` characters), which is always content; the
# category test of :func:`_is_content` runs only on pieces without one (emoticons, "!!!").
_ALNUM = re.compile(r"[^\W_]")


def _is_content(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch)[0] != "P"


def _is_boundary(line: str, sent_start: int, m: re.Match[str]) -> bool:
    """Whether the terminator ``m`` ends the sentence that began at ``sent_start`` in ``line``."""
    s, e = m.start(), m.end()
    if e >= len(line):
        return True
    run = line[s:e]
    after = line[e:]
    stripped = after.lstrip()
    if len(stripped) == len(after):  # no whitespace after the terminator
        return s > 0 and line[s - 1].islower() and bool(_GLUED_NEXT.match(after))
    if not stripped:  # only whitespace to the end of the line
        return True
    nxt = stripped[0]
    if "!" in run or "?" in run:
        return True
    dots = run.rstrip("\"'\u201d\u2019\u00bb)]")
    if "\u2026" in dots or len(dots) >= 2:  # an ellipsis: a pause unless a new sentence visibly starts
        return nxt.isupper()
    # a single full stop: look at the word it ends
    tok_start = line.rfind(" ", 0, s) + 1
    token = line[max(tok_start, sent_start) : s].lstrip("\"'(\u201c\u2018[")
    kind = load_abbreviations().get(token.lower())
    if kind == "prefix":
        return False
    if kind == "before_number":
        return not nxt.isdigit()
    if kind == "may_end":
        return nxt.isupper()
    if _INITIALS.fullmatch(token) and token != "I":
        return False
    if _LIST_MARKER.fullmatch(line[sent_start:s].strip()):
        return False
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return their ``(start, end)`` spans, so ``text[start:end]`` is the sentence.

    Rules, in order:

    * a line break always ends a sentence;
    * ``!`` and ``?`` (any run, such as ``!!!`` or ``?!``) end a sentence when whitespace follows; the run and any
      closing quote or bracket stay with the sentence they end;
    * an ellipsis (``...`` or ``…``) ends a sentence only when the next word starts with a capital letter;
    * a full stop ends a sentence unless it closes initials (``J. R. R.``), a list marker (``1.``), or an
      abbreviation from ``resources/sentiment/abbreviations.txt`` (``e.g.`` never, ``No.`` before a number,
      ``etc.`` unless a capital follows);
    * with no space after it, a terminator ends a sentence only between a lower-case letter and a capitalised
      word (``great.Works``), never inside ``amazon.com`` or ``3.5``;
    * spans are trimmed of whitespace; a piece with no letters, digits or symbols (``!!!``, ``:)``, ``...``) joins
      the sentence before it in the same text, so emoticons keep counting.

    >>> t = "Dr. Smith said it's fine... but no!!! It broke.\\nNever again :("
    >>> [t[a:b] for a, b in split_sentences(t)]
    ["Dr. Smith said it's fine... but no!!!", 'It broke.', 'Never again :(']
    """
    spans: list[tuple[int, int]] = []
    for lm in _LINE.finditer(text):
        line, offset = lm.group(), lm.start()
        sent_start = 0
        pieces: list[tuple[int, int]] = []
        for m in _TERMINATOR.finditer(line):
            if m.start() < sent_start:
                continue
            if _is_boundary(line, sent_start, m):
                pieces.append((sent_start, m.end()))
                sent_start = m.end()
        if sent_start < len(line):
            pieces.append((sent_start, len(line)))
        for a, b in pieces:
            piece = line[a:b]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            a, b = a + lead + offset, b - trail + offset
            if a >= b:
                continue
            if spans and not _ALNUM.search(text, a, b) and not any(_is_content(ch) for ch in text[a:b]):
                spans[-1] = (spans[-1][0], b)  # punctuation or emoticon only: part of the sentence before
            else:
                spans.append((a, b))
    return spans


# ----------------------------------------------------------------------------------------------- helpers


def review_string(title: str | None, text: str | None) -> str:
    """The single string whose VADER scores are ``vader_*``: title and text joined by a line break.

    An empty or missing part is left out, so a review without a title scores exactly as its text.

    >>> review_string("Great", "Works well.")
    'Great\\nWorks well.'
    >>> review_string(None, "Works well.")
    'Works well.'
    """
    parts = [p for p in (title, text) if isinstance(p, str) and p.strip()]
    return TITLE_TEXT_SEPARATOR.join(parts)


def label_for(score: float) -> str:
    """Map a compound-like score to ``positive``/``neutral``/``negative`` with VADER's documented thresholds.

    >>> [label_for(x) for x in (0.05, 0.0499, -0.05)]
    ['positive', 'neutral', 'negative']
    """
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def not_scored_reason(guess: LanguageGuess) -> str:
    """Why a review's text was not scored, for reasons shown to the user.

    >>> from reviewtools.rules import detect_language
    >>> not_scored_reason(detect_language("Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr schade."))
    "the text is in de (py3langid p=0.99), and VADER's lexicon is English only"
    """
    lang = guess.language or guess.likely or "another language"
    p = f" (py3langid p={guess.confidence:.2f})" if guess.confidence is not None else ""
    return f"the text is in {lang}{p}, and VADER's lexicon is English only"


def _word_count(s: str) -> int:
    return len(s.split())


def _as_text(values: Iterable[object]) -> list[str]:
    return ["" if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))) else str(v) for v in values]


class _Sentence(NamedTuple):
    field: str
    start: int
    end: int
    text: str


def _sentences_of(title: str, text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    for field, value in (("title", title), ("text", text)):
        out.extend(_Sentence(field, a, b, value[a:b]) for a, b in split_sentences(value))
    return out


def _mean(values: list[float]) -> float:
    """``float(np.mean(values))``, bit for bit, without numpy's per-call cost on the usual short lists.

    numpy adds fewer than 8 float64 values one by one from 0.0 (its pairwise sum only splits longer
    arrays), then divides by the count; longer lists go to numpy itself.
    """
    if len(values) >= _NUMPY_PAIRWISE_MIN:
        return float(np.mean(values))
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def _columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame of reviews, got {type(frame).__name__}")
    if "text" not in frame.columns:
        raise SchemaError(
            f"the review frame has no 'text' column (columns: {', '.join(map(str, frame.columns)) or 'none'}); "
            "expected the canonical frame from reviewtools.ingest.read_reviews or reviewtools.schema.coerce"
        )
    texts = _as_text(frame["text"])
    titles = _as_text(frame["title"]) if "title" in frame.columns else [""] * len(frame)
    return titles, texts


def _score_unique(strings: Iterable[str]) -> dict[str, dict[str, float]]:
    unique = list(dict.fromkeys(strings))
    scores = _scores(unique) if unique else []
    return dict(zip(unique, scores, strict=True))


def _compounds(texts: list[str]) -> list[float]:
    """VADER compound of each of ``texts``, in order: the seam for sentences, which need only the compound
    (:meth:`reviewtools.vader.FastVader.compound`, equal to ``polarity_scores(t)["compound"]``)."""
    return _analyzer().compound_many(texts)


def _compound_unique(strings: Iterable[str]) -> dict[str, float]:
    unique = list(dict.fromkeys(strings))
    values = _compounds(unique) if unique else []
    return dict(zip(unique, values, strict=True))


def _sentence_texts(titles: list[str], texts: list[str]) -> list[list[str]]:
    """Each review's sentences (title's, then text's) as strings; each distinct title is split once (titles
    repeat: "Five Stars")."""
    title_memo: dict[str, list[str]] = {}
    out: list[list[str]] = []
    for ti, te in zip(titles, texts, strict=True):
        head = title_memo.get(ti)
        if head is None:
            head = title_memo[ti] = [ti[a:b] for a, b in split_sentences(ti)]
        out.append(head + [te[a:b] for a, b in split_sentences(te)] if te else list(head))
    return out


# ---------------------------------------------------------------------------------------------- public API


def score_sentences(frame: pd.DataFrame) -> pd.DataFrame:
    """Return one row per sentence of every review: where it is, its text, its VADER compound and word count.

    Columns: ``review_id, field, sentence_index, start, end, sentence, compound, words``; ``field`` is ``title``
    or ``text`` and ``frame.loc[i, field][start:end] == sentence``. The index repeats the input row labels, so
    ``out.groupby(level=0)`` regroups by review. Reviews without any text contribute no rows.

    >>> import pandas as pd
    >>> s = score_sentences(pd.DataFrame({"review_id": ["r1"], "text": ["Love it. Broke fast."]}))
    >>> s[["sentence", "compound"]].values.tolist()
    [['Love it.', 0.6369], ['Broke fast.', -0.4215]]
    """
    titles, texts = _columns(frame)
    ids = frame["review_id"].tolist() if "review_id" in frame.columns else [pd.NA] * len(frame)
    per_row = [_sentences_of(ti, te) for ti, te in zip(titles, texts, strict=True)]
    scores = _score_unique(s.text for sents in per_row for s in sents)
    rows: list[tuple[object, ...]] = []
    labels: list[object] = []
    for label, rid, sents in zip(frame.index, ids, per_row, strict=True):
        for k, s in enumerate(sents):
            rows.append((rid, s.field, k, s.start, s.end, s.text, scores[s.text]["compound"], _word_count(s.text)))
            labels.append(label)
    out = pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS), index=pd.Index(labels, dtype=frame.index.dtype))
    return out.astype(
        {
            "review_id": "string",
            "field": "string",
            "sentence_index": "int64",
            "start": "int64",
            "end": "int64",
            "sentence": "string",
            "compound": "float64",
            "words": "int64",
        }
    )


def _mismatch(rating: object, score: float, n_sentences: int, worst: str | None, worst_c: float | None,
              longest: int = 0) -> tuple[object, object]:
    if n_sentences == 0:
        return pd.NA, "not checked: the review has no text"
    if rating is None or rating is pd.NA or (isinstance(rating, float) and np.isnan(rating)):
        return pd.NA, "not checked: the review has no rating"
    if longest > MAX_RELIABLE_SENTENCE_WORDS:
        return pd.NA, (
            f"not checked: a {longest}-word stretch without sentence punctuation (over "
            f"{MAX_RELIABLE_SENTENCE_WORDS}), where VADER's score saturates"
        )
    stars = int(rating)  # type: ignore[call-overload]
    if stars >= HIGH_RATING_MIN and score <= MISMATCH_NEGATIVE_SCORE:
        reason = (
            f"{stars}★ rating but the text is clearly negative: sentiment_score {score:+.2f} "
            f"(at or below {MISMATCH_NEGATIVE_SCORE:+.2f})"
        )
        if worst is not None and worst_c is not None:
            reason += f"; most negative sentence ({worst_c:+.2f}): \u201c{worst}\u201d"
        return True, reason
    if stars <= LOW_RATING_MAX and score >= MISMATCH_POSITIVE_SCORE:
        return True, (
            f"{stars}★ rating but the text is clearly positive: sentiment_score {score:+.2f} "
            f"(at or above {MISMATCH_POSITIVE_SCORE:+.2f})"
        )
    return False, pd.NA


def score_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with the sentiment columns (:data:`SENTIMENT_COLUMNS`) added.

    Needs a ``text`` column; ``title`` and ``rating`` are used when present (without ``rating`` the mismatch
    is unknown). Missing text counts as empty. Each distinct string is scored once per call, by one analyzer.

    * ``vader_compound, vader_neg, vader_neu, vader_pos``: VADER on :func:`review_string` (title, line break,
      text), exactly as ``SentimentIntensityAnalyzer().polarity_scores`` gives them;
    * ``sentence_compound``: the equal-weight mean of the sentence compounds (:func:`split_sentences`, title
      sentences included); ``sentence_count``; ``negative_sentence_share`` (sentences with compound
      <= :data:`NEGATIVE_THRESHOLD`); ``most_negative_sentence`` (exact text of the lowest-scoring sentence,
      the first on ties) and ``most_negative_sentence_compound``;
    * ``sentiment_score``, the headline score, equal to ``sentence_compound`` (see the module docstring for
      why), and ``sentiment_label`` from it with :data:`POSITIVE_THRESHOLD` / :data:`NEGATIVE_THRESHOLD`;
    * ``rating_text_mismatch``: True for a 4–5★ review with ``sentiment_score`` <= :data:`MISMATCH_NEGATIVE_SCORE`
      or a 1–2★ review with ``sentiment_score`` >= :data:`MISMATCH_POSITIVE_SCORE`, False otherwise, null when
      there is no text, no rating, or a sentence longer than :data:`MAX_RELIABLE_SENTENCE_WORDS` words (text
      without sentence punctuation, where VADER saturates); ``mismatch_reason`` says why (null when False).

    A review with no text (title and text empty or blank) has every score 0.0, ``sentence_count`` 0, label
    ``neutral``, null sentence evidence and share, and a null mismatch: unknown, not clean.

    ``text_language`` is the language of ``text`` (ISO 639 code, :func:`reviewtools.rules.detect_language`): the
    confident one, or the most likely one when the text is confidently not English; null when the text is too
    short (under 40 letters) or the identifier unsure. A review whose text is confidently not English
    gets ``sentiment_label`` :data:`UNKNOWN_LABEL`, ``sentiment_score`` NaN and a null mismatch saying why; its
    ``vader_*`` and sentence columns stay exactly what VADER gives. Too-short text is scored as before.

    >>> import pandas as pd
    >>> out = score_sentiment(pd.DataFrame({"rating": [1, 5], "text": ["Love it, works great!", ""]}))
    >>> out[["sentiment_label", "sentence_count", "rating_text_mismatch"]].values.tolist()
    [['positive', 1, True], ['neutral', 0, <NA>]]
    """
    titles, texts = _columns(frame)
    ratings = frame["rating"].tolist() if "rating" in frame.columns else [pd.NA] * len(frame)
    whole = [review_string(ti, te) for ti, te in zip(titles, texts, strict=True)]
    per_row = _sentence_texts(titles, texts)
    scores = _score_unique(w for w in whole if w)
    # sentences need only their compound (cheaper than the four scores); a sentence that is also a whole
    # review string reuses that string's scores
    compounds = _compound_unique(x for sents in per_row for x in sents if x not in scores)
    compounds.update((w, sc["compound"]) for w, sc in scores.items())
    zero = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}  # what VADER returns for ""
    guesses = [detect_language(te) for te in texts]

    n = len(frame)
    cols: dict[str, list[object]] = {c: [] for c in SENTIMENT_COLUMNS}
    (c_comp, c_neg, c_neu, c_pos, c_sent, c_count, c_share, c_worst, c_worst_c, c_score, c_label, c_flag,
     c_reason, c_lang) = (cols[c] for c in SENTIMENT_COLUMNS)
    na = pd.NA
    for w, sents, rating, guess in zip(whole, per_row, ratings, guesses, strict=True):
        sw = scores[w] if w else zero
        c_comp.append(sw["compound"])
        c_neg.append(sw["neg"])
        c_neu.append(sw["neu"])
        c_pos.append(sw["pos"])
        comps = [compounds[x] for x in sents]
        m = len(comps)
        if m:
            sent_c = _mean(comps)
            worst_c: float | None = min(comps)  # the first lowest, as np.argmin
            worst: str | None = sents[comps.index(worst_c)]
            share: object = sum(c <= NEGATIVE_THRESHOLD for c in comps) / m
            # a sentence of n words has at least 2n - 1 characters, so only one longer than
            # 2 * MAX_RELIABLE_SENTENCE_WORDS characters can be over the limit; shorter ones never change
            # the verdict (``longest`` is only compared with the limit and quoted when over it)
            longest = max((_word_count(x) for x in sents if len(x) > 2 * MAX_RELIABLE_SENTENCE_WORDS), default=0)
        else:
            sent_c, worst, worst_c, share, longest = 0.0, None, None, na, 0
        foreign = guess.not_english
        if foreign:
            flag, reason = na, f"not checked: {not_scored_reason(guess)}"
        else:
            flag, reason = _mismatch(rating, sent_c, m, worst, worst_c, longest)
        c_sent.append(sent_c)
        c_count.append(m)
        c_share.append(share)
        c_worst.append(na if worst is None else worst)
        c_worst_c.append(na if worst_c is None else worst_c)
        c_score.append(np.nan if foreign else sent_c)  # the headline: see the module docstring
        c_label.append(UNKNOWN_LABEL if foreign else label_for(sent_c))
        c_flag.append(flag)
        c_reason.append(reason)
        c_lang.append(guess.language or (guess.likely if foreign else None) or na)

    dtypes = {
        "vader_compound": "float64",
        "vader_neg": "float64",
        "vader_neu": "float64",
        "vader_pos": "float64",
        "sentence_compound": "float64",
        "sentence_count": "Int64",
        "negative_sentence_share": "Float64",
        "most_negative_sentence": "string",
        "most_negative_sentence_compound": "Float64",
        "sentiment_score": "float64",
        "sentiment_label": "string",
        "rating_text_mismatch": "boolean",
        "mismatch_reason": "string",
        "text_language": "string",
    }
    out = frame.copy()
    for col in SENTIMENT_COLUMNS:
        out[col] = pd.Series(cols[col], index=frame.index, dtype=dtypes[col]) if n else pd.Series(
            dtype=dtypes[col], index=frame.index
        )
    logger.info("scored sentiment of %d reviews (%d distinct strings)", n, len(scores))
    return out


def summarize_sentiment(scored: pd.DataFrame) -> dict[str, object]:
    """Summarise a frame from :func:`score_sentiment`: label counts, reviews not scored (text not English),
    mean score of the scored ones, mismatch counts.

    >>> import pandas as pd
    >>> summarize_sentiment(score_sentiment(pd.DataFrame({"rating": [5], "text": ["Great!"]})))["labels"]
    {'negative': 0, 'neutral': 0, 'positive': 1}
    """
    missing = [c for c in ("sentiment_label", "sentiment_score", "rating_text_mismatch") if c not in scored.columns]
    if missing:
        raise SchemaError(f"not a scored frame: missing {', '.join(missing)}; run score_sentiment first")
    counts = scored["sentiment_label"].value_counts()
    mismatch = scored["rating_text_mismatch"]
    return {
        "reviews": int(len(scored)),
        "labels": {lab: int(counts.get(lab, 0)) for lab in LABELS},
        "not_scored": int(counts.get(UNKNOWN_LABEL, 0)),
        "mean_score": float(scored["sentiment_score"].mean()) if len(scored) else float("nan"),
        "mismatches": int(mismatch.sum(skipna=True)),
        "mismatch_unknown": int(mismatch.isna().sum()),
    }


__all__ = [
    "POSITIVE_THRESHOLD",
    "NEGATIVE_THRESHOLD",
    "MISMATCH_NEGATIVE_SCORE",
    "MISMATCH_POSITIVE_SCORE",
    "HIGH_RATING_MIN",
    "LOW_RATING_MAX",
    "MAX_RELIABLE_SENTENCE_WORDS",
    "TITLE_TEXT_SEPARATOR",
    "LABELS",
    "UNKNOWN_LABEL",
    "SENTIMENT_COLUMNS",
    "SENTENCE_COLUMNS",
    "load_abbreviations",
    "split_sentences",
    "review_string",
    "label_for",
    "not_scored_reason",
    "score_sentences",
    "score_sentiment",
    "summarize_sentiment",
]
