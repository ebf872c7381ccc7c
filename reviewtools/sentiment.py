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
import gc
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd
from .errors import SchemaError
from .rules import (
    _ANCHOR_TOKEN,
    _ENGLISH_ONLY_WORDS,
    _LETTER,
    ENGLISH_FAST_MIN_SHARE,
    ENGLISH_FAST_MIN_WORDS,
    LANGUAGE_MAX_CHARS,
    LANGUAGE_MIN_CHARS,
    LanguageGuess,
    _lang_core,
    detect_languages_brief,
)
from .vader import FastVader, get_analyzer, native_module

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

    The seam of :func:`score_sentences` (each distinct sentence once per batch); :func:`score_sentiment` uses
    the block seams below. It is :class:`reviewtools.vader.FastVader`, the exact re-implementation of vaderSentiment
    3.3.2 (equal dicts on every string; ``tests/test_vader.py``), several times faster than the package.
    """
    return _analyzer().scores_many(texts)


def _review_scores_array(titles: list[str], texts: list[str]) -> np.ndarray:
    """The seam for review strings in :func:`score_sentiment`: VADER's ``neg, neu, pos, compound`` of
    :func:`review_string` of each title and text, as rows of a float64 array
    (:meth:`reviewtools.vader.FastVader.joined_scores_array`: the native core joins ASCII parts in a scratch
    buffer, no string per review)."""
    return _analyzer().joined_scores_array(titles, texts, TITLE_TEXT_SEPARATOR)


def _span_compounds(pool: list[str], owner: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The seam for sentences in :func:`score_sentiment`: the VADER compound of each span
    ``pool[owner[k]][start[k]:end[k]]`` (:meth:`reviewtools.vader.FastVader.compound_spans`: the native core reads
    the spans in place and scores each distinct one once)."""
    return _analyzer().compound_spans(pool, owner, start, end)


_REVIEW_SEAM: Final = _review_scores_array
_SPAN_SEAM: Final = _span_compounds


def _block_scores(titles: list[str], texts: list[str], sents: _Sentences,
                  words: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The review strings' scores (:func:`_review_scores_array`) and the sentences' compounds
    (:meth:`_Sentences.compounds`) of a block. While neither seam is replaced (tests replace them), both come
    from one pass of :meth:`reviewtools.vader.FastVader.joined_scores_and_compounds`, which scores a text's
    sentences from the tokens of its review string where it can (equal values, one tokenization). ``words``
    (int64, one per sentence), when given, gets each sentence's ``len(s.split())`` where that pass counted it,
    else -1 (:meth:`_Sentences.aggregate` counts those)."""
    if _review_scores_array is _REVIEW_SEAM and _span_compounds is _SPAN_SEAM:
        return _analyzer().joined_scores_and_compounds(titles, texts, TITLE_TEXT_SEPARATOR, sents.pool,
                                                       sents.owner, sents.start, sents.end, words)
    if words is not None:
        words[:] = -1
    compounds = sents.compounds()
    return _review_scores_array(titles, texts), compounds


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


# Closing quotes and brackets that stay with the sentence a terminator ends.
_CLOSERS: Final[str] = "\"'\u201d\u2019\u00bb)]"
# Opening quotes and brackets stripped from the word before a full stop (abbreviation lookup).
_OPENERS: Final[str] = "\"'(\u201c\u2018["
# A run of sentence-final punctuation, with any closing quotes or brackets that belong to the sentence.
_TERMINATOR = re.compile(r"[.!?\u2026]+[" + re.escape(_CLOSERS) + r"]*")
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
# One character of _LIST_MARKER's digits (``re``'s Unicode ``\d``).
_RE_DIGIT = re.compile(r"\d")


def _is_content(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch)[0] != "P"


def _is_boundary(line: str, sent_start: int, m: re.Match[str]) -> bool:
    """Whether the terminator ``m`` ends the sentence that began at ``sent_start`` in ``line``."""
    return _boundary(line, sent_start, m.start(), m.end())


def _boundary(line: str, sent_start: int, s: int, e: int) -> bool:
    """Whether the terminator ``line[s:e]`` ends the sentence that began at ``sent_start`` in ``line``."""
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
    dots = run.rstrip(_CLOSERS)
    if "\u2026" in dots or len(dots) >= 2:  # an ellipsis: a pause unless a new sentence visibly starts
        return nxt.isupper()
    # a single full stop: look at the word it ends
    tok_start = line.rfind(" ", 0, s) + 1
    token = line[max(tok_start, sent_start) : s].lstrip(_OPENERS)
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


# ------------------------------------------------------------------------------------ the block splitter
#
# split_sentences_many gives exactly split_sentences' spans for a whole block of texts. The texts are joined with
# line breaks into one array of character ids (ASCII texts: their bytes; others: their code points, each
# non-ASCII one renumbered from 256 with its classes computed once per block), so positions are str indices. Line
# breaks, terminator runs and every case of _boundary that does not depend on where the current sentence began
# are decided as array operations; the few terminators that do (a full stop after an earlier terminator in the
# same word, as in "e.g." or "3.5.", after a possible list marker, or ending a word with a non-ASCII character)
# are decided in order by _boundary itself. tests/test_sentiment_fast.py holds the two equal under Hypothesis.
#
# Where the native core (reviewtools/_vadercore.c) is built, ASCII texts are split by its port of split_sentences
# instead (split_ascii, over the same class table and abbreviation registry), sentences are scored as spans of
# their texts without a string each (FastVader.compound_spans), review strings are joined from title and text
# in C (FastVader.joined_scores_array), and the per-review aggregates and the language pre-pass (strip, head and
# function-word counts of each text) are one C pass each; the numpy paths stay for non-ASCII text, without the extension and under
# REVIEWTOOLS_PURE_PYTHON=1, and the tests hold every pair equal.

#: Character classes of the block splitter, one bit each (see :func:`_char_bits`).
_K_WS, _K_NL, _K_T, _K_C, _K_UP, _K_LO, _K_DIG, _K_CONTENT, _K_RE_DIGIT, _K_BARE = (1 << k for k in range(10))
#: Iterations of a vectorised scan (over whitespace, closers, openers) before the rare long runs left are
#: finished one by one; a performance knob only, the result does not depend on it.
_SCAN_STEPS: Final[int] = 8
#: Texts split (and language-checked, word-counted) together at most (the pipeline's partitions have at most
#: 25,000 reviews): bounds the temporary arrays of one block (a ~10 MB buffer, a few int64 arrays per
#: terminator or token) when a whole large frame is scored in one call.
_SPLIT_BLOCK_TEXTS: Final[int] = 25_000
_NO_SPANS: Final[tuple[np.ndarray, np.ndarray, np.ndarray]] = (
    np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))


@functools.lru_cache(maxsize=None)
def _char_bits(ch: str) -> tuple[int, int]:
    """The class bits of one character, from the reference splitter's own patterns and ``str`` methods
    (``_LINE``, ``_TERMINATOR``, ``str.isspace/isupper/islower/isdigit``, ``_ALNUM``/``_is_content``, ``re``'s
    ``\\d``), and 1 if it is one of ``_OPENERS`` (else 0)."""
    bits = 0
    if not _LINE.fullmatch(ch):
        bits |= _K_NL
    elif ch.isspace():
        bits |= _K_WS
    if _TERMINATOR.fullmatch(ch):
        bits |= _K_T
    elif _TERMINATOR.fullmatch("." + ch):
        bits |= _K_C
    bits |= (_K_UP if ch.isupper() else 0) | (_K_LO if ch.islower() else 0) | (_K_DIG if ch.isdigit() else 0)
    if _ALNUM.match(ch) or _is_content(ch):
        bits |= _K_CONTENT
    elif not bits & _K_NL:
        bits |= _K_BARE  # neither content nor a line break: whitespace or punctuation inside a line
    if _RE_DIGIT.fullmatch(ch):
        bits |= _K_RE_DIGIT
    return bits, 1 if ch in _OPENERS else 0


@functools.lru_cache(maxsize=1)
def _ascii_classes() -> tuple[np.ndarray, np.ndarray]:
    """Per id below 256: the class bits and opener flag of each ASCII character (:func:`_char_bits`); ids 128-255
    are never used (non-ASCII characters are numbered from 256)."""
    table = np.zeros(256, dtype=np.uint16)
    opener = np.zeros(256, dtype=np.uint16)
    for code in range(128):
        table[code], opener[code] = _char_bits(chr(code))
    return table, opener


def _wide_classes(codepoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_ascii_classes` followed by the classes of ``codepoints`` (ids 256, 257, ...)."""
    ascii_table, ascii_opener = _ascii_classes()
    extra = [_char_bits(chr(c)) for c in codepoints.tolist()]
    table = np.concatenate([ascii_table, np.array([x for x, _ in extra], dtype=np.uint16)])
    opener = np.concatenate([ascii_opener, np.array([y for _, y in extra], dtype=np.uint16)])
    return table, opener


@functools.lru_cache(maxsize=1)
def _packed_abbreviations() -> tuple[np.ndarray, np.ndarray, int, int]:
    """The ASCII abbreviations of at most 8 characters packed little-endian into uint64 (sorted), their kinds
    (1 prefix, 2 before_number, 3 may_end), the longest of them and the longest ASCII abbreviation of any length:
    a word longer than 8 characters that could be one is decided by :func:`_boundary` (none is today). A
    non-ASCII abbreviation is never the lower-cased word of an ASCII text."""
    codes = {"prefix": 1, "before_number": 2, "may_end": 3}
    items = sorted(
        (int.from_bytes(k.encode("ascii"), "little"), codes[v])
        for k, v in load_abbreviations().items() if k and k.isascii() and len(k) <= 8
    )
    keys = np.array([k for k, _ in items], dtype=np.uint64)
    kinds = np.array([c for _, c in items], dtype=np.int8)
    ascii_lengths = [len(k) for k in load_abbreviations() if k.isascii()]
    longest = max((x for x in ascii_lengths if x <= 8), default=0)
    return keys, kinds, longest, max(ascii_lengths, default=0)


def _scan(b: np.ndarray, table: np.ndarray, bits: int, pos: np.ndarray, step: int) -> np.ndarray:
    """Move each of ``pos`` by ``step`` (+1 forward, -1 backward) while the byte it is on (forward) or the byte
    before it (backward) has any of ``bits`` in ``table``. The buffer starts and ends with a line break, which has
    none of the bits the callers pass, so every scan stops inside the buffer."""
    pos = pos.astype(np.int64, copy=True)
    look = 0 if step > 0 else -1
    todo = np.flatnonzero(table[b[pos + look]] & bits)
    for _ in range(_SCAN_STEPS):
        if not todo.size:
            return pos
        pos[todo] += step
        todo = todo[(table[b[pos[todo] + look]] & bits) != 0]
    for j in todo.tolist():  # a long run: finish it alone, a growing window at a time
        p, width = int(pos[j]), 64
        while True:
            window = b[p : p + width] if step > 0 else b[max(p - width, 0) : p][::-1]
            stop = np.flatnonzero((table[window] & bits) == 0)
            if stop.size:
                pos[j] = p + int(stop[0]) if step > 0 else p - int(stop[0])
                break
            p += width * step
            width *= 2
    return pos


def split_sentences_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`split_sentences` of every text at once: ``(owner, start, end)`` arrays, one entry per sentence in
    text order then span order, so ``texts[owner[k]][start[k]:end[k]]`` is a sentence. Exactly the spans of
    ``split_sentences(texts[i])`` for every ``i`` (by the native core where it is built, 25k texts a call, in
    order: :func:`_split_block_mapped`; otherwise ASCII texts are split together with numpy on their bytes, the
    others together on their code points).

    >>> owner, start, end = split_sentences_many(["Love it. Broke fast.", "", "Works"])
    >>> owner.tolist(), start.tolist(), end.tolist()
    ([0, 0, 2], [0, 9, 0], [8, 20, 5])
    """
    n = len(texts)
    if not isinstance(texts, list):
        texts = list(texts)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for lo in range(0, n, _SPLIT_BLOCK_TEXTS):  # the native core splits every text, in order (ASCII in place)
        got = _split_block_mapped(texts[lo : lo + _SPLIT_BLOCK_TEXTS], all_kinds=True)
        if got is None:  # not built: by kind below
            parts = []
            break
        parts.append((got[0] + lo, got[1], got[2]))
    else:
        if not parts:
            return _NO_SPANS
        if len(parts) == 1:
            return parts[0]
        owner, start, end = (np.concatenate([p[k] for p in parts]) for k in range(3))
        return owner, start, end
    is_ascii = _ascii_flags(texts)
    for group, ascii_only in ((np.flatnonzero(is_ascii), True), (np.flatnonzero(~is_ascii), False)):
        for lo in range(0, group.size, _SPLIT_BLOCK_TEXTS):
            rows = group[lo : lo + _SPLIT_BLOCK_TEXTS]
            sub_owner, start, end = _split_block([texts[i] for i in rows.tolist()], ascii_only)
            parts.append((rows[sub_owner], start, end))
    if not parts:
        return _NO_SPANS
    if len(parts) == 1:
        return parts[0]
    owner = np.concatenate([p[0] for p in parts])
    order = np.argsort(owner, kind="stable")  # each text is in one part, its spans in order
    return owner[order], np.concatenate([p[1] for p in parts])[order], np.concatenate([p[2] for p in parts])[order]


def _ascii_flags(texts: Sequence[str]) -> np.ndarray:
    """``str.isascii()`` of each text as a bool array (``_vadercore.ascii_flags`` when built, else a loop)."""
    n = len(texts)
    core = native_module()
    flags = getattr(core, "ascii_flags", None) if core is not None else None
    if flags is not None:
        out = np.empty(n, dtype=bool)
        if flags(texts if isinstance(texts, list) else list(texts), out):
            return out
    return np.fromiter((t.isascii() for t in texts), dtype=bool, count=n)


def _native_splitter() -> Any:
    """The native core when it is built with ``split_ascii`` and not disabled (``REVIEWTOOLS_PURE_PYTHON``)."""
    core = native_module()
    return core if core is not None and hasattr(core, "split_ascii") else None


@functools.lru_cache(maxsize=1)
def _native_splitter_args() -> tuple[np.ndarray, np.ndarray, tuple[int, ...], dict[str, int]] | None:
    """What ``_vadercore.split_ascii`` needs: the splitter's class bits and opener flags of the 128 ASCII
    characters (:func:`_ascii_classes`, from the reference's own patterns), the bit of each class, and the
    abbreviations with their kinds as 1 prefix, 2 before_number, 3 may_end. None when the registry holds an empty
    abbreviation (the native splitter looks up non-empty words only)."""
    abbreviations = load_abbreviations()
    if "" in abbreviations:
        return None
    table, opener = _ascii_classes()
    kinds = {"prefix": 1, "before_number": 2, "may_end": 3}
    return (np.ascontiguousarray(table[:128], dtype=np.uint16), np.ascontiguousarray(opener[:128], dtype=np.uint16),
            (_K_WS, _K_NL, _K_T, _K_C, _K_UP, _K_LO, _K_DIG, _K_CONTENT, _K_RE_DIGIT),
            {k: kinds[v] for k, v in abbreviations.items()})


def _split_block(texts: list[str], ascii_only: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`split_sentences_many` of some texts, all ASCII when ``ascii_only``: ASCII texts by the native core
    where it is built (``_vadercore.split_ascii``, a port of :func:`split_sentences` over the same class table
    and abbreviations), otherwise :func:`_split_block_numpy`."""
    if not ascii_only:
        return _split_block_mapped(texts)  # type: ignore[return-value]
    core = _native_splitter()
    args = _native_splitter_args() if core is not None else None
    if core is None or args is None:
        return _split_block_numpy(texts, ascii_only)
    raw, left = core.split_ascii(texts, *args)
    spans = np.frombuffer(raw, dtype=np.int64).reshape(-1, 3)
    owner, start, end = (np.ascontiguousarray(spans[:, k]) for k in range(3))
    if left:  # a word before a full stop too long for the native buffer: the numpy splitter takes the text
        rows = np.asarray(left, dtype=np.int64)
        l_own, l_a, l_b = _split_block_numpy([texts[i] for i in left], True)
        owner = np.concatenate([owner, rows[l_own]])
        order = np.argsort(owner, kind="stable")
        owner, start, end = owner[order], np.concatenate([start, l_a])[order], np.concatenate([end, l_b])[order]
    return owner, start, end


class _CharMap(NamedTuple):
    """What ``_vadercore.split_mapped`` reads non-ASCII characters through (:func:`_char_map`): ``cmap`` (uint8 per
    BMP code point: the character itself below 128; for one above, a byte 128-253 standing for its class bits
    and opener flag, :data:`_CMAP_NEVER` for a character left to numpy, :data:`_CMAP_UNKNOWN` until first seen),
    ``table`` and ``opener`` (256 entries: the ASCII characters', then each byte's classes) and ``codes``
    ((bits, opener) -> byte)."""

    cmap: np.ndarray
    table: np.ndarray
    opener: np.ndarray
    codes: dict[tuple[int, int], int]


_CMAP_NEVER: Final[int] = 254
_CMAP_UNKNOWN: Final[int] = 255


@functools.lru_cache(maxsize=1)
def _char_map() -> _CharMap:
    """The process's :class:`_CharMap`, empty above ASCII (filled by :func:`_map_chars` as characters are seen)."""
    ascii_table, ascii_opener = _ascii_classes()
    cmap = np.full(65536, _CMAP_UNKNOWN, dtype=np.uint8)
    cmap[:128] = np.arange(128, dtype=np.uint8)
    table = np.zeros(256, dtype=np.uint16)
    opener = np.zeros(256, dtype=np.uint16)
    table[:128], opener[:128] = ascii_table[:128], ascii_opener[:128]
    return _CharMap(cmap, table, opener, {})


def _map_chars(cm: _CharMap, chars: Iterable[str]) -> None:
    """Give each new non-ASCII BMP character of ``chars`` its byte in ``cm``: the byte of its (class bits, opener)
    (:func:`_char_bits`), a new one for a new pair; :data:`_CMAP_NEVER` for a character whose lower case holds
    an ASCII character (a word with it could lower-case to an abbreviation), for a terminator other than U+2026
    (the native boundary reads any non-ASCII terminator as an ellipsis) and when the 126 bytes are used up."""
    for ch in chars:
        c = ord(ch)
        if c < 128 or c > 0xFFFF or cm.cmap[c] != _CMAP_UNKNOWN:
            continue
        bits, op = _char_bits(ch)
        if any(x < "\x80" for x in ch.lower()) or (bits & _K_T and ch != "\u2026"):
            cm.cmap[c] = _CMAP_NEVER
            continue
        code = cm.codes.get((bits, op))
        if code is None:
            if len(cm.codes) >= _CMAP_NEVER - 128:
                cm.cmap[c] = _CMAP_NEVER
                continue
            code = cm.codes[(bits, op)] = 128 + len(cm.codes)
            cm.table[code], cm.opener[code] = bits, op
        cm.cmap[c] = code


def _split_block_mapped(texts: list[str], all_kinds: bool = False
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`_split_block` of texts that are not all ASCII (any texts when ``all_kinds``): those of one or two
    bytes per character by the native core's ``split_mapped`` (``split_ascii`` with each non-ASCII character read
    as a byte of its classes, :func:`_char_map`; characters not seen before are mapped and their texts split
    again; ASCII texts read in place), the rest (four bytes per character, a character kept for numpy, a word too
    long for the native buffer) by :func:`_split_block_numpy`. Without the core (or with abbreviations it cannot
    pack): :func:`_split_block_numpy` of all, or None when ``all_kinds`` (the caller splits by kind then)."""
    core = _native_splitter()
    args = _native_splitter_args() if core is not None else None
    split = getattr(core, "split_mapped", None) if args is not None else None
    if split is None:
        return None if all_kinds else _split_block_numpy(texts, False)
    cm = _char_map()
    got = split(texts, cm.table, cm.opener, *args[2:], cm.cmap)  # type: ignore[index]
    if got is None:  # the abbreviations do not pack
        return None if all_kinds else _split_block_numpy(texts, False)
    parts = []
    raw, left = got
    spans = np.frombuffer(raw, dtype=np.int64).reshape(-1, 3)
    parts.append((np.ascontiguousarray(spans[:, 0]), spans[:, 1], spans[:, 2]))
    if left:
        new = set().union(*(texts[i] for i in left if not texts[i].isascii()))
        if any(cm.cmap[ord(ch)] == _CMAP_UNKNOWN for ch in new if ord(ch) <= 0xFFFF):
            _map_chars(cm, new)
            rows = np.asarray(left, dtype=np.int64)
            raw, left2 = split([texts[i] for i in left], cm.table, cm.opener, *args[2:], cm.cmap)
            spans = np.frombuffer(raw, dtype=np.int64).reshape(-1, 3)
            parts.append((rows[spans[:, 0]], spans[:, 1], spans[:, 2]))
            left = [left[j] for j in left2]
    if left:
        rows = np.asarray(left, dtype=np.int64)
        l_own, l_a, l_b = _split_block_numpy([texts[i] for i in left], False)
        parts.append((rows[l_own], l_a, l_b))
    if len(parts) == 1:
        return parts[0][0], np.ascontiguousarray(parts[0][1]), np.ascontiguousarray(parts[0][2])
    owner = np.concatenate([p[0] for p in parts])
    order = np.argsort(owner, kind="stable")  # each text is in one part, its spans in order
    return (owner[order], np.concatenate([p[1] for p in parts])[order],
            np.concatenate([p[2] for p in parts])[order])


def _split_block_numpy(texts: list[str], ascii_only: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`split_sentences_many` of some texts, all ASCII when ``ascii_only``: joined with line breaks (a line
    break ends every sentence, so no rule looks across texts) into character ids and split with array
    operations."""
    joined = "\n" + "\n".join(texts) + "\n"
    if ascii_only:
        table, opener = _ascii_classes()
        b = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        nl = np.flatnonzero((b == 10) | (b == 13))  # _LINE's breaks in ASCII (the table's, checked in tests)
        tpos = np.flatnonzero((b == 46) | (b == 33) | (b == 63))  # _TERMINATOR's [.!?] in ASCII
        wide = None
    else:
        ids = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        wide = np.flatnonzero(ids >= 128)
        codepoints, ids[wide] = np.unique(ids[wide], return_inverse=True)
        ids[wide] += 256
        b = ids
        table, opener = _wide_classes(codepoints)
        bits = table[b]
        nl = np.flatnonzero(bits & _K_NL)
        tpos = np.flatnonzero(bits & _K_T)
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    base = np.cumsum(lens + 1) - lens  # where each text starts in the buffer (after its leading line break)

    # ---- terminator runs: _TERMINATOR matches are a run of terminators then any closers
    if tpos.size:
        first = np.ones(tpos.size, dtype=bool)
        first[1:] = tpos[1:] != tpos[:-1] + 1
        ri = np.flatnonzero(first)
        ms = tpos[ri]
        tend = tpos[np.append(ri[1:], tpos.size) - 1] + 1
        t_ch = b[tpos]
        excl = np.add.reduceat(((t_ch == 33) | (t_ch == 63)).astype(np.int64), ri) > 0  # "!" or "?" in the run
        me = _scan(b, table, _K_C, tend, 1)
        k = np.searchsorted(nl, ms)
        le, ls = nl[k], nl[k - 1] + 1  # the line: [ls, le)
        dec = _decide(b, table, opener, wide, ms, tend, me, excl, ls, le)
        todo = np.flatnonzero(dec < 0)
        if todo.size:
            _decide_in_order(joined, dec, todo, ms, me, ls, le)
        cut = me[(dec == 1) & (me < le)]
    else:
        cut = np.empty(0, dtype=np.int64)

    # ---- pieces: from each line start or accepted terminator end to the next one or the line end
    starts = nl[:-1][nl[1:] != nl[:-1] + 1] + 1  # line starts (a line is a non-empty run between breaks)
    cuts = np.concatenate([starts, cut])
    cuts.sort()
    if not cuts.size:
        return _NO_SPANS
    line_end = nl[np.searchsorted(nl, cuts)]
    ends = np.minimum(np.append(cuts[1:], b.size), line_end)
    a = _scan(b, table, _K_WS, cuts, 1)  # strip the piece's whitespace
    keep = a < ends
    a, ends = a[keep], ends[keep]
    if not a.size:
        return _NO_SPANS
    z = _scan(b, table, _K_WS, ends, -1)
    owner = np.searchsorted(base, a, side="right") - 1
    content = (table[b[a]] & _K_CONTENT) != 0
    bare = np.flatnonzero(~content)  # no letter, digit or symbol at its start: look for one in the rest
    content[bare] = _scan(b, table, _K_BARE, a[bare], 1) < z[bare]
    new = content.copy()  # a piece without content joins the sentence before it in the same text
    new[0] = True
    new[1:] |= owner[1:] != owner[:-1]
    g = np.flatnonzero(new)
    last = np.append(g[1:], a.size) - 1
    own = owner[g]
    return own, a[g] - base[own], z[last] - base[own]


def _decide(b: np.ndarray, table: np.ndarray, opener: np.ndarray, wide: np.ndarray | None, ms: np.ndarray,
            tend: np.ndarray, me: np.ndarray, excl: np.ndarray, ls: np.ndarray, le: np.ndarray) -> np.ndarray:
    """:func:`_boundary` of every terminator ``[ms, me)`` (run of terminators up to ``tend``, closers after) in
    line ``[ls, le)`` of the ids ``b`` (``wide``: positions of non-ASCII characters, None when there are none):
    1 ends a sentence, 0 does not, -1 depends on where the sentence began or on a non-ASCII word (left to
    :func:`_decide_in_order`)."""
    dec = np.full(ms.size, -1, dtype=np.int8)
    at_end = me >= le
    dec[at_end] = 1
    after = table[b[me]]
    glued = np.flatnonzero(~at_end & ((after & _K_WS) == 0))  # no whitespace after the terminator
    s, e = ms[glued], me[glued]
    nxt0, nxt1 = b[e], b[e + 1]  # _GLUED_NEXT: [A-Z][a-z], ASCII only
    dec[glued] = ((s > ls[glued]) & ((table[b[s - 1]] & _K_LO) != 0) & (nxt0 >= 65) & (nxt0 <= 90)
                  & (nxt1 >= 97) & (nxt1 <= 122))
    w = np.flatnonzero(~at_end & ((after & _K_WS) != 0))
    nx = _scan(b, table, _K_WS, me[w], 1)
    ws_only = nx >= le[w]  # only whitespace to the end of the line
    dec[w[ws_only]] = 1
    w, nx = w[~ws_only], nx[~ws_only]
    nxt = table[b[nx]]
    dec[w[excl[w]]] = 1
    w, nxt = w[~excl[w]], nxt[~excl[w]]
    dots = ~((tend[w] - ms[w] == 1) & (b[ms[w]] == 46))  # "..", "…": an ellipsis, a pause unless a capital follows
    dec[w[dots]] = (nxt[dots] & _K_UP) != 0
    d, nxt = w[~dots], nxt[~dots]  # a single full stop, whitespace and more text after it
    if not d.size:
        return dec
    s, lsd = ms[d], ls[d]
    # the word it ends: from after the last " " before it in the line
    sp = np.concatenate([[-1], np.flatnonzero(b == 32)])  # -1: no space before
    tok = np.maximum(sp[np.searchsorted(sp, s) - 1] + 1, lsd)
    # an earlier terminator in that word (its run starts at or after tok): the sentence may begin inside the word
    prev = d - 1  # the terminator before it (terminators are in order)
    prev_end = np.where(prev >= 0, me[np.maximum(prev, 0)], -1)
    in_word = (prev >= 0) & (ms[np.maximum(prev, 0)] >= tok)
    a = _scan(b, opener, 1, tok, 1)  # lstrip(_OPENERS); stops at the full stop at the latest
    length = s - a
    kind = np.zeros(d.size, dtype=np.int8)
    keys, kinds, longest, longest_all = _packed_abbreviations()
    too_long = (length > longest) & (length <= longest_all)  # could be an abbreviation too long to pack
    look = np.flatnonzero((length >= 1) & (length <= longest))
    if look.size and keys.size:
        packed = np.zeros(look.size, dtype=np.uint64)
        for i in range(longest):
            has = length[look] > i
            ch = b[np.where(has, a[look] + i, 0)].astype(np.uint64)
            ch = np.where((ch >= 65) & (ch <= 90), ch + 32, ch)  # str.lower on ASCII
            packed |= np.where(has, ch << np.uint64(8 * i), np.uint64(0))
        at = np.minimum(np.searchsorted(keys, packed), keys.size - 1)
        found = keys[at] == packed
        kind[look[found]] = kinds[at[found]]
    up_next = (nxt & _K_UP) != 0
    out = np.ones(d.size, dtype=np.int8)
    out[kind == 1] = 0
    out[kind == 2] = ((nxt[kind == 2] & _K_DIG) == 0)
    out[kind == 3] = up_next[kind == 3]
    rest = kind == 0
    first_ch = b[a]
    initial = (length == 1) & (first_ch >= 65) & (first_ch <= 90) & (first_ch != 73)  # "J." ([A-Z]) but not "I."
    out[rest & initial] = 0
    rest &= ~initial
    # a list marker as the whole sentence so far: line[P:s].strip(), P the end of the previous terminator in
    # the line (the sentence began there or earlier; earlier, it holds that terminator and is no marker)
    same_line = (prev >= 0) & (prev_end > lsd)
    p = np.where(same_line, prev_end, lsd)
    y0 = _scan(b, table, _K_WS, p, 1)
    y1 = _scan(b, table, _K_WS, s, -1)
    paren = b[y0] == 40
    q = y0 + paren
    rl = y1 - q
    ylen = y1 - y0
    cand = rest & (ylen >= 1) & (ylen <= 4) & (rl >= 1) & (rl <= 3)
    c0, c1, c2 = (table[b[np.minimum(q + i, b.size - 1)]] for i in range(3))
    digits = (((c0 & _K_RE_DIGIT) != 0) & ((rl < 2) | ((c1 & _K_RE_DIGIT) != 0))
              & ((rl < 3) | ((c2 & _K_RE_DIGIT) != 0)))
    lq = b[q] | 0x20
    letter = (rl == 1) & (lq >= 97) & (lq <= 122) & (b[q] < 128)  # [A-Za-z]
    marker = cand & (digits | letter)
    out[marker & ~same_line] = 0
    out[marker & same_line] = -1  # a marker only if the previous terminator ended a sentence
    out[in_word | too_long] = -1  # the word may be cut where an earlier terminator in it ended a sentence
    if wide is not None and wide.size:  # a non-ASCII character in the word: its lower case is _boundary's to see
        out[np.searchsorted(wide, s) > np.searchsorted(wide, tok)] = -1
    dec[d] = out
    return dec


def _decide_in_order(joined: str, dec: np.ndarray, todo: np.ndarray, ms: np.ndarray, me: np.ndarray,
                     ls: np.ndarray, le: np.ndarray) -> None:
    """Decide the terminators ``todo`` (in order) with :func:`_boundary` itself, given where their sentence began:
    the end of the last terminator before them in the line that ended a sentence, or the line start."""
    accepted = np.where(dec == 1, me, -1)
    accepted[todo] = -1
    last_accepted = np.maximum.accumulate(accepted)
    done = -1  # the end of the last terminator decided here that ended a sentence
    for i in todo.tolist():
        start = int(ls[i])
        began = max(int(last_accepted[i - 1]) if i else -1, done, start)
        ok = _boundary(joined[start : int(le[i])], began - start, int(ms[i]) - start, int(me[i]) - start)
        dec[i] = ok
        if ok:
            done = int(me[i])


# ------------------------------------------------------------------------------------------ language guess


class _Languages(NamedTuple):
    """``text_language`` of each text as a code into ``names`` (``names[0]`` is None: unknown; ``names[1]`` is
    ``"en"``), whether it is confidently not English, and the :class:`reviewtools.rules.LanguageGuess` of each
    not-English one (for its reason). :attr:`language` is the list of languages."""

    codes: np.ndarray
    names: list[str | None]
    foreign: np.ndarray
    guesses: dict[int, LanguageGuess]

    @property
    def language(self) -> list[str | None]:
        """Each text's language (None when unknown)."""
        return np.array(self.names, dtype=object)[self.codes].tolist()

    def array(self) -> Any:
        """:attr:`language` as ``pd.array(..., dtype="string")`` gives it (one Arrow take of the names where it can)."""
        pa = _arrow_strings()
        if pa is None:
            return pd.array(np.array(self.names, dtype=object)[self.codes], dtype="string")
        return pd.arrays.ArrowStringArray(pa.array(self.names, type=pa.large_string()).take(pa.array(self.codes)))


@functools.lru_cache(maxsize=1)
def _packed_english_words() -> tuple[np.ndarray, int]:
    """``rules._ENGLISH_ONLY_WORDS`` (ASCII, lower case) packed little-endian into uint64, sorted, and the
    longest; a word over 8 characters is left out and :func:`_languages` sends texts that could hold it to
    ``detect_languages_brief``."""
    words = sorted(w for w in _ENGLISH_ONLY_WORDS if w.isascii())
    keys = np.array(sorted(int.from_bytes(w.encode("ascii"), "little") for w in words if len(w) <= 8),
                    dtype=np.uint64)
    return keys, max(map(len, words), default=0)


def _languages(texts: list[str]) -> _Languages:
    """What ``[rules.detect_language(t) for t in texts]`` tells sentiment, with its fast path done for a block.

    An ASCII text whose stripped first :data:`~reviewtools.rules.LANGUAGE_MAX_CHARS` characters have at least
    :data:`~reviewtools.rules.LANGUAGE_MIN_CHARS` letters and pass the English function-word test
    (``rules._plainly_english``: tokens ``[a-z0-9]+`` of the lower-cased head, at least ENGLISH_FAST_MIN_WORDS
    of them English-only words and at least ENGLISH_FAST_MIN_SHARE of all) is English; one whose whole
    stripped text is that head and has fewer letters is too short; both counted exactly as ``detect_language``
    counts them, by the native core in one pass over the texts (:func:`_head_counts`: strip, head and counts,
    no string per text) or, without it, per block of stripped heads (:func:`_plain_english_ascii`). With
    ``_langcore.head_counts_mapped`` the native pass counts a text of one or two bytes per character too, its
    characters above ASCII read through :func:`_head_map` (:func:`_count_heads_mapped`): English, or known to need
    the identifier, the same way (one with too few letters in its head goes on to rules, as before).
    Every other text goes to ``rules.detect_languages_brief`` (what ``detect_languages`` tells, texts that need
    the identifier classified together), with the head of each counted text the counts show to need the identifier
    (enough letters, not plainly English), so rules neither strips it again nor repeats the function-word test.
    """
    n = len(texts)
    names: list[str | None] = [None, "en"]  # each text's language as a code into names
    codes = np.zeros(n, dtype=np.int64)
    foreign = np.zeros(n, dtype=bool)
    decided = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    keys, longest = _packed_english_words()
    head_counts = _head_counts() if longest <= 8 else None
    native = head_counts is not None
    # 0 not counted, 1 ASCII, 2 ASCII and the head is the whole text, 3 counted through _head_map (not ASCII:
    # with too few letters in its head it goes on to rules as before, which keeps the identifier's memo as it was)
    state = np.zeros(n, dtype=np.int8)
    if head_counts is not None:
        # one C pass over the texts themselves: strip, head, and the counts of _plain_english_ascii
        tokens, words, letters = (np.empty(n, dtype=np.int64) for _ in range(3))
        packed = np.ascontiguousarray(keys, dtype=np.uint64)
        mapped = _head_counts_mapped()
        if mapped is None:
            head_counts(texts, packed, longest, LANGUAGE_MAX_CHARS, tokens, words, letters, state)
        else:
            _count_heads_mapped(mapped, texts, packed, longest, tokens, words, letters, state)
        plain = (words >= ENGLISH_FAST_MIN_WORDS) & (words >= ENGLISH_FAST_MIN_SHARE * tokens)
        english = (state > 0) & (letters >= LANGUAGE_MIN_CHARS) & plain
        decided = english | ((state == 2) & (letters < LANGUAGE_MIN_CHARS))
        known = (state > 0) & (letters >= LANGUAGE_MIN_CHARS) & ~plain  # needs the identifier: its head only
        codes[english] = 1
    ascii_rows = [] if native else [i for i in range(n) if texts[i].isascii()]
    for lo in range(0, len(ascii_rows) if longest <= 8 else 0, _SPLIT_BLOCK_TEXTS):  # the path without the core
        rows = np.asarray(ascii_rows[lo : lo + _SPLIT_BLOCK_TEXTS], dtype=np.int64)
        stripped = [texts[i].strip() for i in rows.tolist()]
        heads = [s[:LANGUAGE_MAX_CHARS] for s in stripped]
        whole_head = np.fromiter((len(s) <= LANGUAGE_MAX_CHARS for s in stripped), dtype=bool,
                                 count=len(stripped))
        plain, letters = _plain_english_ascii(heads, keys, longest)
        english = (letters >= LANGUAGE_MIN_CHARS) & plain
        short = (letters < LANGUAGE_MIN_CHARS) & whole_head
        codes[rows[english]] = 1
        decided[rows[english | short]] = True
    # a text whose stripped length is under LANGUAGE_MIN_CHARS has fewer letters: too short to tell (language None,
    # as detect_language says; it never reaches the identifier or its memo), so rules need not test it
    # (an undecided ASCII text the native pass counted is longer than its head or has LANGUAGE_MIN_CHARS letters
    # in it, so it needs no strip here while the head is at least that long; a mapped one (state 3) only when its
    # head has that many letters)
    counted = state if LANGUAGE_MAX_CHARS >= LANGUAGE_MIN_CHARS else np.zeros(n, dtype=np.int8)
    if native:
        counted = np.where((counted == 3) & (letters < LANGUAGE_MIN_CHARS), 0, counted)
    rest = [i for i, st in zip(np.flatnonzero(~decided).tolist(), counted[~decided].tolist(), strict=True)
            if st or len(texts[i].strip()) >= LANGUAGE_MIN_CHARS]
    rest_texts = [texts[i] for i in rest]
    heads: list[str | None] = [None] * len(rest)
    if rest:  # the ASCII texts known to need the identifier: their heads, without a second function-word test
        for j in np.flatnonzero(known[rest]).tolist():
            heads[j] = rest_texts[j].strip()[:LANGUAGE_MAX_CHARS]
    found, found_foreign = detect_languages_brief(rest_texts, heads)
    guesses: dict[int, LanguageGuess] = {}
    code_of: dict[str | None, int] = {None: 0, "en": 1}
    for i, lang_i in zip(rest, found, strict=True):
        c = code_of.get(lang_i)
        if c is None:
            c = code_of[lang_i] = len(names)
            names.append(lang_i)
        codes[i] = c
    for j, g in found_foreign.items():
        foreign[rest[j]] = True
        guesses[rest[j]] = g
    return _Languages(codes, names, foreign, guesses)


def _head_counts_mapped() -> Any:
    """``reviewtools._langcore.head_counts_mapped`` (``head_counts`` that also counts texts of one or two bytes
    per character through :func:`_head_map`), or None (not built, an older build, or ``REVIEWTOOLS_PURE_PYTHON``)."""
    lang = _lang_core()
    return getattr(lang, "head_counts_mapped", None) if lang is not None else None


#: :func:`_head_map`'s bytes: a character not seen yet, one whose texts are left to ``rules``, and a mapped one
#: (with ``_HEAD_WORD`` when its lower case is a token character of ``rules._plainly_english`` and
#: ``_HEAD_LETTER`` when it is a letter of ``rules._LETTER``), as ``_langcore.head_counts_mapped`` reads them.
_HEAD_UNKNOWN: Final[int] = 0
_HEAD_NEVER: Final[int] = 1
_HEAD_MAPPED: Final[int] = 0x80
_HEAD_WORD: Final[int] = 1
_HEAD_LETTER: Final[int] = 2


@functools.lru_cache(maxsize=1)
def _head_map() -> np.ndarray:
    """The process's map of BMP characters for ``head_counts_mapped`` (uint8 per code point, read above ASCII
    only), empty until :func:`_map_head_chars` fills it as characters are seen."""
    return np.zeros(65536, dtype=np.uint8)


def _map_head_chars(hmap: np.ndarray, chars: Iterable[str]) -> None:
    """Give each new non-ASCII BMP character of ``chars`` its byte in ``hmap``: ``_HEAD_MAPPED`` with its bits
    when its lower case is one character above ASCII (so ``head.lower()`` is the lower case of each character
    and its tokens, ``[^\\W_]+``, are the runs of those whose lower case is a word character; the capital sigma,
    whose lower case depends on what follows it, has two, both letters), else ``_HEAD_NEVER`` (a lower case of
    two characters, as U+0130's, or an ASCII one, as the Kelvin sign's: its texts are left to ``rules``)."""
    for ch in chars:
        c = ord(ch)
        if c < 128 or c > 0xFFFF or hmap[c] != _HEAD_UNKNOWN:
            continue
        low = ch.lower()
        if len(low) != 1 or low.isascii():
            hmap[c] = _HEAD_NEVER
            continue
        hmap[c] = (_HEAD_MAPPED | (_HEAD_WORD if _ANCHOR_TOKEN.fullmatch(low) else 0)
                   | (_HEAD_LETTER if _LETTER.fullmatch(ch) else 0))


def _count_heads_mapped(mapped: Any, texts: list[str], keys: np.ndarray, longest: int, tokens: np.ndarray,
                        words: np.ndarray, letters: np.ndarray, state: np.ndarray) -> None:
    """``head_counts_mapped`` over ``texts`` with the process's :func:`_head_map`; the texts with a character
    not yet mapped (state -1) have their characters mapped and are counted again (state 3). State 0 is left for
    a text the map cannot count (a four-byte str, a character that is never mapped) and for anything not a str."""
    hmap = _head_map()
    mapped(texts, keys, longest, LANGUAGE_MAX_CHARS, hmap, tokens, words, letters, state)
    again = np.flatnonzero(state < 0)
    if not again.size:
        return
    redo = [texts[i] for i in again.tolist()]
    _map_head_chars(hmap, set().union(*redo))
    m = len(redo)
    out = [np.empty(m, dtype=np.int64) for _ in range(3)]
    st = np.zeros(m, dtype=np.int8)
    mapped(redo, keys, longest, LANGUAGE_MAX_CHARS, hmap, *out, st)
    st[st < 0] = 0  # every character of these is mapped now: never (a safeguard)
    tokens[again], words[again], letters[again] = out
    state[again] = st


def _head_counts() -> Any:
    """The native language pre-pass ``head_counts(texts, keys, longest, max_chars, tokens, words, letters,
    state)``: ``reviewtools._langcore.head_counts`` (SSE2 masks, no branch per character or probe) when built,
    else ``_vadercore.ascii_head_counts`` (its reference: the same counts), else None (both disabled by
    ``REVIEWTOOLS_PURE_PYTHON``, or not built)."""
    lang = _lang_core()
    if lang is not None and hasattr(lang, "head_counts"):
        return lang.head_counts
    core = native_module()
    return core.ascii_head_counts if core is not None and hasattr(core, "ascii_head_counts") else None


def _plain_english_ascii(heads: list[str], keys: np.ndarray, longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Per ASCII head: whether ``rules._plainly_english(head.lower())`` holds, and its count of letters.

    Tokens are the runs of ASCII letters and digits (``[^\\W_]+`` in ASCII); each token of at most 8 characters
    is read as the little-endian uint64 of its bytes (lower-cased: OR 0x20 changes letters only, digits keep
    their code) and looked up among the packed words. The native core counts them in one pass per head
    (``_vadercore.ascii_word_counts``); without it, numpy counts per head from where its tokens begin and end.
    """
    core = native_module()
    if core is not None and hasattr(core, "ascii_word_counts") and longest <= 8:
        tokens = np.empty(len(heads), dtype=np.int64)
        words = np.empty(len(heads), dtype=np.int64)
        letters = np.empty(len(heads), dtype=np.int64)
        core.ascii_word_counts(heads, np.ascontiguousarray(keys, dtype=np.uint64), longest, tokens, words, letters)
        plain = (words >= ENGLISH_FAST_MIN_WORDS) & (words >= ENGLISH_FAST_MIN_SHARE * tokens)
        return plain, letters
    return _plain_english_ascii_numpy(heads, keys, longest)


def _plain_english_ascii_numpy(heads: list[str], keys: np.ndarray, longest: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_plain_english_ascii` with numpy (the path without the native core, and its reference)."""
    joined = "\n" + "\n".join(heads) + "\n"
    raw = joined.encode("ascii")
    b = np.frombuffer(raw, dtype=np.uint8)
    lens = np.fromiter(map(len, heads), dtype=np.int64, count=len(heads))
    start = np.cumsum(lens + 1) - lens
    stop = start + lens
    low = b | 0x20
    letter = (low >= 97) & (low <= 122)
    digit = (b >= 48) & (b <= 57)
    alnum = letter | digit
    t0 = np.flatnonzero(alnum[1:] & ~alnum[:-1]) + 1  # token starts (b[0] is a line break)
    t1 = np.flatnonzero(alnum[:-1] & ~alnum[1:]) + 1  # token ends
    lo, hi = np.searchsorted(t0, start), np.searchsorted(t0, stop)  # each head's tokens: [lo, hi)
    tokens = hi - lo
    length = t1 - t0
    chars = np.concatenate([[0], np.cumsum(length)])
    digits = np.flatnonzero(digit)
    letters = chars[hi] - chars[lo] - (np.searchsorted(digits, stop) - np.searchsorted(digits, start))
    look = np.flatnonzero(length <= longest)
    # the 8 bytes from every position as a little-endian uint64 (a read-only view, one byte apart)
    words64 = np.ndarray(shape=(b.size,), dtype="<u8", buffer=raw + bytes(8), strides=(1,))
    size = length[look]
    mask = np.where(size >= 8, np.uint64(0xFFFFFFFFFFFFFFFF),
                    np.left_shift(np.uint64(1), (8 * np.minimum(size, 7)).astype(np.uint64)) - np.uint64(1))
    packed = (words64[t0[look]] | np.uint64(0x2020202020202020)) & mask
    at = np.minimum(np.searchsorted(keys, packed), max(keys.size - 1, 0))
    hit = look[keys[at] == packed] if keys.size else np.empty(0, dtype=np.int64)
    words = np.searchsorted(hit, hi) - np.searchsorted(hit, lo)
    plain = (words >= ENGLISH_FAST_MIN_WORDS) & (words >= ENGLISH_FAST_MIN_SHARE * tokens)
    return plain, letters


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


def _columns(frame: pd.DataFrame, titles: bool = True) -> tuple[list[str], list[str]]:
    """The titles (all "" without the column; not read when ``titles`` is false: an empty list) and the texts of a
    block as lists of str (missing as "")."""
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame of reviews, got {type(frame).__name__}")
    if "text" not in frame.columns:
        raise SchemaError(
            f"the review frame has no 'text' column (columns: {', '.join(map(str, frame.columns)) or 'none'}); "
            "expected the canonical frame from reviewtools.ingest.read_reviews or reviewtools.schema.coerce"
        )
    texts = _text_list(frame["text"])
    if not titles:
        return [], texts
    return (_text_list(frame["title"]) if "title" in frame.columns else [""] * len(frame)), texts


def _text_list(col: pd.Series) -> list[str]:
    """:func:`_as_text` of a column; a string column's values are already ``str`` (missing ones become "";
    a pyarrow-backed one is read by Arrow's ``to_pylist``, without pandas' copy for ``fillna``)."""
    if isinstance(col.dtype, pd.StringDtype):
        arr = col.array
        if isinstance(arr, pd.arrays.ArrowStringArray):
            values = arr._pa_array.to_pylist()
            if arr._pa_array.null_count:
                values = ["" if v is None else v for v in values]
            return values
        return col.fillna("").tolist()
    return _as_text(col)


def _title_codes(col: pd.Series) -> tuple[list[str], np.ndarray, list[str]] | None:
    """For a pyarrow-backed string column: its values as :func:`_text_list` gives them (missing as "") and
    ``pd.factorize`` of those (int64 codes in order of first occurrence, the distinct values), from one Arrow
    ``dictionary_encode`` of the column (hashing its bytes, no str per row: the rows share their distinct value's
    str). A missing value and "" are one value, as in the list. None for another column (the caller factorizes)."""
    if not isinstance(col.dtype, pd.StringDtype) or not isinstance(col.array, pd.arrays.ArrowStringArray):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    chunked = col.array._pa_array
    arr = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    enc = pc.dictionary_encode(arr, null_encoding="encode")
    distinct = enc.dictionary.to_pylist()
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if None in distinct:
        at_null = distinct.index(None)
        if "" in distinct:  # missing and "" are one value: the first of them keeps its place
            at_empty = distinct.index("")
            keep, drop = min(at_null, at_empty), max(at_null, at_empty)
            remap = np.arange(len(distinct), dtype=np.int64)
            remap[drop] = keep
            remap[drop + 1:] -= 1
            codes = remap[codes]
            del distinct[drop]
            distinct[keep] = ""
        else:
            distinct[at_null] = ""
    values = np.array(distinct, dtype=object)[codes].tolist() if distinct else []
    return values, codes, distinct


def _score_unique(strings: Iterable[str]) -> dict[str, dict[str, float]]:
    unique = list(dict.fromkeys(strings))
    scores = _scores(unique) if unique else []
    return dict(zip(unique, scores, strict=True))


def _compounds(texts: list[str]) -> list[float]:
    """VADER compound of each of ``texts``, in order: the seam for sentences, which need only the compound
    (:meth:`reviewtools.vader.FastVader.compound`, equal to ``polarity_scores(t)["compound"]``)."""
    return _analyzer().compound_many(texts)


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


#: dtypes of the columns :func:`score_sentiment` adds.
_DTYPES: Final[dict[str, str]] = {
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


class _Aggregates(NamedTuple):
    """Per review: sentence count, mean compound (:func:`_mean` exactly), count of negative sentences, the first
    lowest compound and its sentence (``worst_src``: its index in ``sents``, -1 without sentences; :attr:`worst`
    the strings, None without), and the word count of the longest sentence that could be over
    :data:`MAX_RELIABLE_SENTENCE_WORDS` (0 when none)."""

    count: np.ndarray
    mean: np.ndarray
    negative: np.ndarray
    worst_compound: np.ndarray
    worst_src: np.ndarray
    longest: np.ndarray
    sents: Any

    @property
    def worst(self) -> list[str | None]:
        """Each review's lowest-scoring sentence (the first on ties), None without sentences."""
        return self.sents.strings_or_none(self.worst_src)

    def worst_array(self) -> Any:
        """:attr:`worst` as ``pd.array(..., dtype="string")`` gives it: where pandas' strings are Arrow's and
        ``_langcore.span_utf8`` is built, the spans' UTF-8 bytes written into the array's buffers in one pass (no
        str per review); else :func:`_string_array` of :attr:`worst`."""
        pa = _arrow_strings()
        core = _lang_core()
        sents = self.sents
        if pa is not None and core is not None and hasattr(core, "span_utf8") and sents.owner.size:
            qs = np.ascontiguousarray(self.worst_src, dtype=np.int64)
            offsets = np.empty(qs.size + 1, dtype=np.int64)
            valid = np.empty(qs.size, dtype=np.uint8)
            data = core.span_utf8(sents.pool, sents.owner, sents.start, sents.end, qs, offsets, valid)
            if data is not None:
                nulls = int(qs.size - np.count_nonzero(valid))
                bitmap = pa.py_buffer(np.packbits(valid.view(bool), bitorder="little")) if nulls else None
                return pd.arrays.ArrowStringArray(pa.LargeStringArray.from_buffers(
                    qs.size, pa.py_buffer(offsets), pa.py_buffer(data), bitmap, nulls))
        return _string_array(self.worst)


class _Sentences(NamedTuple):
    """The sentences of a block of reviews as spans, never as strings: sentence ``q`` is
    ``pool[owner[q]][start[q]:end[q]]`` (:meth:`string`); ``pool`` is the texts then the distinct titles, and the
    sentences are each text's, then each distinct title's. ``src`` is the review-ordered list of sentence indices
    (review by review: its title's sentences, then its text's) with ``count`` sentences per review."""

    pool: list[str]
    owner: np.ndarray
    start: np.ndarray
    end: np.ndarray
    src: np.ndarray
    count: np.ndarray

    def string(self, q: int) -> str:
        """Sentence ``q`` as a string."""
        return self.pool[self.owner[q]][self.start[q] : self.end[q]]

    def strings_or_none(self, qs: np.ndarray) -> list[str | None]:
        """Sentences ``qs`` as strings (None where ``q`` is -1)."""
        pool = self.pool
        if not self.owner.size:
            return [None] * qs.size
        core = native_module()
        if core is not None and hasattr(core, "span_strings"):
            return core.span_strings(pool, self.owner, self.start, self.end,
                                     np.ascontiguousarray(qs, dtype=np.int64))
        has = qs >= 0
        q = np.where(has, qs, 0)
        return [pool[o][a:b] if h else None for h, o, a, b in zip(
            has.tolist(), self.owner[q].tolist(), self.start[q].tolist(), self.end[q].tolist(), strict=True)]

    def compounds(self) -> np.ndarray:
        """The VADER compound of every sentence, in order (:meth:`reviewtools.vader.FastVader.compound_spans`:
        read in place by the native core, each distinct sentence scored once)."""
        return _span_compounds(self.pool, self.owner, self.start, self.end)

    @classmethod
    def of(cls, titles: list[str], texts: list[str],
           title_codes: tuple[np.ndarray, list[str]] | None = None) -> _Sentences:
        """The sentences of a block; ``title_codes``, when given, is ``pd.factorize`` of ``titles`` (codes and
        the distinct titles as a list), as :func:`_title_codes` reads it off the Arrow column."""
        n = len(texts)
        if title_codes is None:
            codes, uniques = pd.factorize(np.array(titles, dtype=object))
            distinct = uniques.tolist()  # titles repeat ("Five Stars"): each distinct one is split once
        else:
            codes, distinct = title_codes
        t_own, t_a, t_b = split_sentences_many(distinct)
        x_own, x_a, x_b = split_sentences_many(texts)
        n_text = x_own.size
        per_title = np.bincount(t_own, minlength=len(distinct))
        ct = per_title[codes]
        cx = np.bincount(x_own, minlength=n)
        count = ct + cx
        src = np.empty(int(count.sum()), dtype=np.int64)
        # review r's sentences begin in src at (title sentences before r) + (text sentences before r): its title's
        # then its text's. Text sentence j (of review x_own[j], texts' sentences in review order) lands at j plus
        # the title sentences up to and including its review's; title sentence k of review r at k's place among
        # all title sentences plus the text sentences before r, and is pool sentence n_text + (the sentences of
        # the titles before its title) + (its place in its title)
        t_upto = np.cumsum(ct)
        t_before = t_upto - ct
        x_before = np.cumsum(cx) - cx
        at = np.arange(int(t_upto[-1]) if n else 0)
        src[at + np.repeat(x_before, ct)] = at + np.repeat(
            n_text + (np.cumsum(per_title) - per_title)[codes] - t_before, ct)
        at = np.arange(n_text)
        src[at + t_upto[x_own]] = at
        return cls([*texts, *distinct], np.concatenate([x_own, t_own + n]).astype(np.int64, copy=False),
                   np.concatenate([x_a, t_a]).astype(np.int64, copy=False),
                   np.concatenate([x_b, t_b]).astype(np.int64, copy=False), src, count)

    def aggregate(self, compounds: np.ndarray, known_words: np.ndarray | None = None) -> _Aggregates:
        """The per-review aggregates, given the compound of each of ``strings``: reviews with the same number
        of sentences together, as rows of one matrix (sums in the order and grouping :func:`_mean` uses).
        ``known_words``: each sentence's ``len(s.split())`` where the scoring pass counted it, else -1 (only the
        others are counted here)."""
        count = self.count
        n = count.size
        flat = compounds[self.src]
        core = native_module()
        if core is not None and hasattr(core, "review_aggregates"):
            mean = np.empty(n)
            negative = np.empty(n, dtype=np.int64)
            worst_compound = np.empty(n)
            worst_at = np.empty(n, dtype=np.int64)
            core.review_aggregates(np.ascontiguousarray(flat, dtype=np.float64), np.ascontiguousarray(
                count, dtype=np.int64), NEGATIVE_THRESHOLD, mean, negative, worst_compound, worst_at)
            worst_src = np.where(worst_at >= 0, self.src[np.maximum(worst_at, 0)] if self.src.size else -1, -1)
            _means_numpy(flat, count, mean, np.flatnonzero(count >= _NUMPY_PAIRWISE_MIN))
        else:
            mean, negative, worst_compound, worst_src = _aggregate_numpy(flat, count, self.src)
        # a sentence of n words has at least 2n - 1 characters, so only one longer than
        # 2 * MAX_RELIABLE_SENTENCE_WORDS characters can be over the limit; shorter ones never change the verdict
        # (``longest`` is only compared with the limit and quoted when over it)
        longest = np.zeros(n, dtype=np.int64)
        lengths = self.end - self.start
        long_src = np.flatnonzero(lengths > 2 * MAX_RELIABLE_SENTENCE_WORDS)
        if long_src.size:
            words = np.zeros(lengths.size, dtype=np.int64)
            todo = long_src
            if known_words is not None:  # counted by the scoring pass where it could
                got = known_words[long_src]
                words[long_src] = got
                todo = long_src[got < 0]
            if todo.size:
                word_counts = _span_word_counter()
                if word_counts is not None:  # len(s.split()) of the spans, in place
                    counted = np.empty(todo.size, dtype=np.int64)
                    word_counts(self.pool, self.owner[todo], self.start[todo], self.end[todo], counted)
                    words[todo] = counted
                else:
                    words[todo] = _word_counts(self.strings_or_none(todo))  # type: ignore[arg-type]
            long_at = np.flatnonzero(lengths[self.src] > 2 * MAX_RELIABLE_SENTENCE_WORDS)
            # the review of each: the one whose sentences in src end after it (reviews without any are skipped)
            reviews = np.searchsorted(np.cumsum(count), long_at, side="right")
            np.maximum.at(longest, reviews, words[self.src[long_at]])
        return _Aggregates(count, mean, negative, worst_compound, worst_src, longest, self)


def _span_word_counter() -> Any:
    """``span_word_counts(texts, owner, start, end, out)`` (``len(s.split())`` of spans, in place):
    ``reviewtools._langcore``'s (one-byte texts by SSE2 whitespace masks) when built, else ``_vadercore``'s (a
    loop per character, the same counts), else None (both disabled by ``REVIEWTOOLS_PURE_PYTHON`` or not built)."""
    lang = _lang_core()
    if lang is not None and hasattr(lang, "span_word_counts"):
        return lang.span_word_counts
    core = native_module()
    return core.span_word_counts if core is not None and hasattr(core, "span_word_counts") else None


def _aggregate_numpy(flat: np.ndarray, count: np.ndarray, src: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per review (``count`` values each of ``flat``, reviews one after another): mean (:func:`_mean` exactly),
    values at or below :data:`NEGATIVE_THRESHOLD`, the first lowest value and its entry of ``src`` (-1 without
    values). Reviews with the same count together, as rows of one matrix (the path without the native core)."""
    n = count.size
    first = np.cumsum(count) - count
    mean = np.zeros(n)
    negative = np.zeros(n, dtype=np.int64)
    worst_compound = np.zeros(n)
    worst_src = np.full(n, -1, dtype=np.int64)
    order = np.argsort(count, kind="stable")
    sizes = count[order]
    bounds = np.flatnonzero(np.diff(sizes)) + 1
    for rows in np.split(order, bounds):
        size = int(count[rows[0]]) if rows.size else 0
        if not size:
            continue
        at = first[rows][:, None] + np.arange(size)
        block = flat[at]
        if size < _NUMPY_PAIRWISE_MIN:  # one by one from 0.0, as _mean
            total = np.zeros(rows.size)
            for j in range(size):
                total += block[:, j]
            mean[rows] = total / size
        else:  # numpy's own mean of each row (its pairwise sum), as _mean
            mean[rows] = block.mean(axis=1)
        low = block.argmin(axis=1)  # the first lowest, as min() then list.index()
        r = np.arange(rows.size)
        worst_compound[rows] = block[r, low]
        worst_src[rows] = src[at[r, low]]
        negative[rows] = (block <= NEGATIVE_THRESHOLD).sum(axis=1)
    return mean, negative, worst_compound, worst_src


def _means_numpy(flat: np.ndarray, count: np.ndarray, mean: np.ndarray, rows: np.ndarray) -> None:
    """Set ``mean`` of the reviews ``rows`` (each with at least :data:`_NUMPY_PAIRWISE_MIN` values) to numpy's
    row mean (its pairwise sum, as :func:`_mean`), reviews with the same count together."""
    if not rows.size:
        return
    first = np.cumsum(count) - count
    sub = rows[np.argsort(count[rows], kind="stable")]
    sizes = count[sub]
    for group in np.split(sub, np.flatnonzero(np.diff(sizes)) + 1):
        size = int(count[group[0]])
        mean[group] = flat[first[group][:, None] + np.arange(size)].mean(axis=1)


def _word_counts(strings: list[str]) -> np.ndarray:
    """``len(s.split())`` of each string: the ASCII ones together (runs of characters that are not
    ``str.isspace``, from the splitter's class table), the others one by one.

    >>> _word_counts(["two  words", " ", "caf\u00e9 au lait"]).tolist()
    [2, 0, 3]
    """
    out = np.empty(len(strings), dtype=np.int64)
    is_ascii = np.fromiter((x.isascii() for x in strings), dtype=bool, count=len(strings))
    ascii_rows = np.flatnonzero(is_ascii)
    for lo in range(0, ascii_rows.size, _SPLIT_BLOCK_TEXTS):
        rows = ascii_rows[lo : lo + _SPLIT_BLOCK_TEXTS]
        sub = [strings[i] for i in rows.tolist()]
        table, _ = _ascii_classes()
        b = np.frombuffer((" " + " ".join(sub) + " ").encode("ascii"), dtype=np.uint8)
        word = (table[b] & (_K_WS | _K_NL)) == 0  # str.isspace in ASCII: the table's whitespace and line breaks
        starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1
        lens = np.fromiter(map(len, sub), dtype=np.int64, count=len(sub))
        base = np.cumsum(lens + 1) - lens
        out[rows] = np.searchsorted(starts, base + lens) - np.searchsorted(starts, base)
    for i in np.flatnonzero(~is_ascii).tolist():
        out[i] = _word_count(strings[i])
    return out


def _mismatch_candidates(frame: pd.DataFrame, score: np.ndarray, count: np.ndarray, longest: np.ndarray,
                         foreign: np.ndarray) -> np.ndarray:
    """Rows (not foreign) where :func:`_mismatch` can give anything but ``(False, NA)``: no text, no rating, a
    long stretch, or a high/low rating with a clearly negative/positive score. Without a numeric ``rating``
    column, every row (``_mismatch`` decides)."""
    col = frame["rating"] if "rating" in frame.columns else None
    if col is None or not pd.api.types.is_any_real_numeric_dtype(col.dtype):
        return np.flatnonzero(~foreign)
    r = col.to_numpy(dtype=np.float64, na_value=np.nan)
    stars = np.trunc(r)  # int(rating); int() of an infinite rating raises, so those rows go to _mismatch too
    out = ((count == 0) | ~np.isfinite(r) | (longest > MAX_RELIABLE_SENTENCE_WORDS)
           | ((stars >= HIGH_RATING_MIN) & (score <= MISMATCH_NEGATIVE_SCORE))
           | ((stars <= LOW_RATING_MAX) & (score >= MISMATCH_POSITIVE_SCORE)))
    return np.flatnonzero(out & ~foreign)


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


@functools.lru_cache(maxsize=1)
def _arrow_strings() -> Any:
    """pyarrow when pandas' ``"string"`` dtype is held by pyarrow as ``large_string`` with ``pd.NA`` for missing
    values (pandas 3 with pyarrow installed), so :func:`_string_array` can build its arrays directly; else None."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    probe = pd.array(["x", None], dtype="string")
    if (type(probe) is not pd.arrays.ArrowStringArray or probe.dtype != pd.StringDtype()
            or probe.dtype.na_value is not pd.NA or probe._pa_array.type != pa.large_string()):
        return None
    return pa


def _string_array(values: Sequence[object] | np.ndarray) -> Any:
    """``pd.array(values, dtype="string")`` for ``values`` that are ``str`` or missing (None, ``pd.NA``, NaN; a
    list or an object array): the same array, built by ``pyarrow.array`` without pandas' per-value pass when the
    dtype is Arrow's; anything else (a value pyarrow does not take as a string) goes to ``pd.array``."""
    pa = _arrow_strings()
    if pa is not None:
        try:
            return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=True))
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            pass
    return pd.array(values, dtype="string")


def _label_array(label: np.ndarray) -> Any:
    """The ``sentiment_label`` strings of the codes ``label`` (indices into :data:`LABELS` then
    :data:`UNKNOWN_LABEL`), as ``pd.array(..., dtype="string")`` gives them (one Arrow take where it can)."""
    names = (*LABELS, UNKNOWN_LABEL)
    pa = _arrow_strings()
    if pa is None:
        return pd.array(np.array(names, dtype=object)[label], dtype="string")
    return pd.arrays.ArrowStringArray(pa.array(names, type=pa.large_string()).take(pa.array(label)))


def _with_columns(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` (:data:`SENTIMENT_COLUMNS`, in that order, as :data:`_DTYPES`) set:
    one frame of the new columns joined after ``frame``'s (``pd.concat``), the same frame as a copy of ``frame``
    with each column assigned in turn; that assignment loop where the join could differ (a frame that already
    has one of the columns, non-unique or multi-level column labels, ``attrs`` or flags to carry over)."""
    labels = frame.columns
    if (frame.attrs or not frame.flags.allows_duplicate_labels or isinstance(labels, pd.MultiIndex)
            or not labels.is_unique or labels.isin(SENTIMENT_COLUMNS).any()):
        out = frame.copy()
        for col in SENTIMENT_COLUMNS:
            out[col] = pd.Series(columns[col], index=frame.index, dtype=_DTYPES[col])
        return out
    dtypes = _pandas_dtypes()
    added = pd.DataFrame({col: columns[col] if getattr(columns[col], "dtype", None) == dtypes[col]
                          else pd.Series(columns[col], index=frame.index, dtype=dtypes[col])
                          for col in SENTIMENT_COLUMNS}, index=frame.index)
    return pd.concat([frame, added], axis=1)


@functools.lru_cache(maxsize=1)
def _pandas_dtypes() -> dict[str, Any]:
    """:data:`_DTYPES` as pandas dtype objects."""
    return {col: pd.api.types.pandas_dtype(d) for col, d in _DTYPES.items()}


def score_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with the sentiment columns (:data:`SENTIMENT_COLUMNS`) added.

    Needs a ``text`` column; ``title`` and ``rating`` are used when present (without ``rating`` the mismatch
    is unknown). Missing text counts as empty. Each distinct sentence is scored once per call, by one analyzer.

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
    if not _PAUSE_COLLECTOR or not gc.isenabled():
        return _score_sentiment(frame)
    gc.disable()  # see _PAUSE_COLLECTOR
    try:
        return _score_sentiment(frame)
    finally:
        gc.enable()


#: Whether :func:`score_sentiment` pauses Python's cyclic collector while it runs (off only to compare). A block
#: makes a few thousand lists, tuples and dicts that reference counting frees; each collection their allocations
#: set off walked the young objects again, among them the lists of the block's 50k texts and its sentence pool (a
#: visit per item, touching each str's header): ~3% of the stage's samples in a forked worker (``perf``, 1M
#: corpus, 50k blocks: ``visit_decref`` + ``visit_reachable``). A cycle left over (pandas' frames may hold some)
#: is found by the first collection after the stage (the allocation count goes on while paused), as with
#: :func:`reviewtools.rules.check_each_review`, which pauses it the same way.
_PAUSE_COLLECTOR: bool = True


def _score_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`score_sentiment`, run with the collector as the caller left it."""
    coded = _title_codes(frame["title"]) if isinstance(frame, pd.DataFrame) and "title" in frame.columns else None
    if coded is None:
        titles, texts = _columns(frame)
        sents = _Sentences.of(titles, texts)
    else:  # the titles from their distinct values: one str each, and pd.factorize's codes without it
        texts = _columns(frame, titles=False)[1]
        titles, codes, distinct = coded
        sents = _Sentences.of(titles, texts, (codes, distinct))
    n = len(frame)
    words = np.empty(sents.owner.size, dtype=np.int64)
    vader, compounds = _block_scores(titles, texts, sents, words)
    agg = sents.aggregate(compounds, words)
    lang = _languages(texts)
    foreign = lang.foreign

    m, sent_c = agg.count, agg.mean
    has = m > 0
    flag = np.zeros(n, dtype=bool)
    flag_na = np.zeros(n, dtype=bool)
    reason = np.full(n, None, dtype=object)
    for i in np.flatnonzero(foreign).tolist():
        reason[i] = f"not checked: {not_scored_reason(lang.guesses[i])}"
    flag_na[foreign] = True
    candidates = _mismatch_candidates(frame, sent_c, m, agg.longest, foreign)
    ratings = frame["rating"].tolist() if candidates.size and "rating" in frame.columns else None
    worst_src = agg.worst_src
    for i in candidates.tolist():
        q = int(worst_src[i])
        worst = sents.string(q) if q >= 0 else None
        f, reason[i] = _mismatch(pd.NA if ratings is None else ratings[i], float(sent_c[i]), int(m[i]), worst,
                                 float(agg.worst_compound[i]) if worst is not None else None, int(agg.longest[i]))
        if f is pd.NA:
            flag_na[i] = True
        else:
            flag[i] = f
    label = np.where(sent_c >= POSITIVE_THRESHOLD, 2, np.where(sent_c <= NEGATIVE_THRESHOLD, 0, 1))
    label[foreign] = 3

    columns: dict[str, object] = {
        "vader_compound": vader[:, 3],
        "vader_neg": vader[:, 0],
        "vader_neu": vader[:, 1],
        "vader_pos": vader[:, 2],
        "sentence_compound": sent_c,
        "sentence_count": pd.arrays.IntegerArray(m, np.zeros(n, dtype=bool)),
        "negative_sentence_share": pd.arrays.FloatingArray(
            np.divide(agg.negative, np.maximum(m, 1)), ~has),
        "most_negative_sentence": agg.worst_array(),
        "most_negative_sentence_compound": pd.arrays.FloatingArray(agg.worst_compound, ~has),
        "sentiment_score": np.where(foreign, np.nan, sent_c),  # the headline: see the module docstring
        "sentiment_label": _label_array(label),
        "rating_text_mismatch": pd.arrays.BooleanArray(flag, flag_na),
        "mismatch_reason": _string_array(reason),
        "text_language": lang.array(),
    }
    out = _with_columns(frame, columns)
    logger.info("scored sentiment of %d reviews (%d sentences)", n, int(m.sum()))
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
    "split_sentences_many",
    "review_string",
    "label_for",
    "not_scored_reason",
    "score_sentences",
    "score_sentiment",
    "summarize_sentiment",
]
