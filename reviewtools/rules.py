"""Guideline checks: platform content rules as data, each hit with its clause, source and exact evidence span.

Rules live in ``reviewtools/resources/rules/*.json`` (one pack per platform); word lists and phrase patterns
under ``resources/rules/lexicons`` and ``resources/rules/phrases``. Each rule names a registered *detector*
and its parameters. :func:`check_reviews` runs the per-review detectors on every review (whatever its rating:
reporting only negative reviews is itself misuse) plus the set-level duplicate check (:func:`find_duplicates`)
and returns one row per hit and one row per check that could not run.

Per-review checks (:func:`check_each_review`) only look at one row at a time, so they can run on any slice or
partition of a frame; only :func:`find_duplicates` needs the whole frame.

>>> import pandas as pd
>>> frame = (pd.DataFrame({"review_id": ["r1"], "platform": ["amazon"], "marketplace": ["amazon.com"],
...     "rating": [5], "text": ["Call me on 415-867-5309 if you want one."]}))
>>> hits = check_reviews(frame)
>>> hits.loc[hits.outcome == "hit", ["rule_id", "evidence"]].values.tolist()
[['AMZ-PRIVATE-PHONE', '415-867-5309']]
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import gc
import json
import logging
import itertools
import math
import operator
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from .errors import RuleError, SchemaError
from .schema import PLATFORMS

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------- vocabulary

#: The 13 Amazon Community Guidelines headings (platform-policies.md section 1.1); other platforms map onto them.
CATEGORIES: Final[tuple[str, ...]] = (
    "seller_feedback",
    "pricing_availability",
    "unsupported_language",
    "spam",
    "private_info",
    "profanity_harassment",
    "hate_speech",
    "sexual_content",
    "external_link",
    "promotion_conflict",
    "compensated",
    "plagiarism_impersonation",
    "illegal_dangerous",
)
STRENGTHS: Final[tuple[str, ...]] = ("strong", "weak")
OUTCOMES: Final[tuple[str, ...]] = ("hit", "not_run")
FIELDS: Final[tuple[str, ...]] = ("title", "text")

#: Columns of the long frame returned by :func:`check_reviews` (ARCHITECTURE.md, stage contracts).
HIT_COLUMNS: Final[dict[str, str]] = {
    "review_id": "string",
    "platform": "string",
    "rule_id": "string",
    "category": "string",
    "removal_basis": "boolean",
    "strength": "string",
    "field": "string",
    "start": "Int64",
    "end": "Int64",
    "evidence": "string",
    "clause": "string",
    "source_url": "string",
    "outcome": "string",
    "note": "string",
}

# ------------------------------------------------------------------------------------- named thresholds

#: Shortest text (characters) given to language identification; platform-policies.md 1.1 row 3 ("strong if
#: text >= ~40 chars"): shorter texts fool detectors.
LANGUAGE_MIN_CHARS: Final[int] = 40
#: Lowest py3langid normalised probability accepted as a language decision. Chosen on the UCI/Amazon snippets
#: so that ordinary English reviews of 40+ characters clear it (typical 0.92-0.99).
LANGUAGE_MIN_CONFIDENCE: Final[float] = 0.90
#: A text is "not English" only when the identifier's top language has at least this probability as well: on
#: the Amazon Fine Food 1k and Datafiniti 5k exports the only texts with English <= 0.10 were shouted or
#: stretched English ("I ORDERED KETTLE CHIPS...", "Reallllly") whose top language scored 0.09 and 0.02.
LANGUAGE_LIKELY_MIN: Final[float] = 0.5
#: Characters of text given to the language identifier (enough for a decision; keeps long reviews cheap).
LANGUAGE_MAX_CHARS: Final[int] = 300
#: A phone-number search only runs when the field has at least this many digits (shortest NANP number: 10,
#: shortest national numbers elsewhere about 7).
PHONE_MIN_DIGITS: Final[int] = 7
#: Phone cue words within this many characters before an unformatted digit run make it a phone number.
PHONE_CUE_WINDOW: Final[int] = 30
#: Spam thresholds from platform-policies.md 1.1 row 4 (and jgalea/amz internal/reviews/guidelines.go).
SPAM_CHAR_RUN: Final[int] = 10
SPAM_WORD_RUN: Final[int] = 5
SPAM_SYMBOL_RUN: Final[int] = 12
#: A run of one word is repetitive text only when it dominates its field (at least this share of the field's
#: words) ... "hi hi hi hi hi" alone, not "Love love love love love the Linden soap!!" inside a real review.
SPAM_WORD_RUN_SHARE: Final[float] = 0.5
#: ... or is very long (this many repeats or more) and its word is not an emphatic/affective word
#: (``lexicons/emphatic_words.txt``: "yay yay yay ...", "very very very ..." are enthusiasm, not spam), or its
#: word is not pronounceable ("asdf asdf asdf asdf asdf"). Held-out labels (dev half): runs of 5-7 inside longer
#: texts were all emphasis; the spam runs were keyword stuffing of 20+ repeats.
SPAM_WORD_LONG_RUN: Final[int] = 10
#: A field counts as nothing but a repeated-character run when fewer letters than this remain around it.
SPAM_CHAR_RUN_OTHER_LETTERS: Final[int] = 3
#: Share of non-space characters that are symbols/emoji above which a text is "pictures made of symbols".
SPAM_SYMBOL_SHARE: Final[float] = 0.5
#: Gibberish: share of implausible tokens, among texts with at least GIBBERISH_MIN_TOKENS tokens.
GIBBERISH_SHARE: Final[float] = 0.5
GIBBERISH_MIN_TOKENS: Final[int] = 4
#: Seller feedback: a review is removable only when this share of its content sentences is about the seller,
#: order, delivery or service ("removable only if the whole review is about this", 1.1 row 1) ...
SELLER_FEEDBACK_REMOVABLE_SHARE: Final[float] = 1.0
#: ... and a mixed review that is mostly (at least this share) about them is reported as a weak, non-removal note.
SELLER_FEEDBACK_MIXED_SHARE: Final[float] = 0.6
#: Sentences of at most this many words with no product cue ("Very disappointed.", "Five Stars") are filler
#: and left out of the share.
SELLER_FEEDBACK_FILLER_WORDS: Final[int] = 3
#: A logistics sentence longer than this many words is usually a run-on that also says other things (exports
#: without sentence punctuation): the hit stays a removal basis but goes to manual review (weak).
#: Chosen on the dev half of scripts/eval_rules_labels.csv: genuine all-logistics sentences there have <= 25 words.
SELLER_FEEDBACK_STRONG_MAX_WORDS: Final[int] = 30
#: Star-count titles ("Five Stars", "One Star"): Amazon fills them in for short reviews, so they say nothing.
_STAR_TITLE = re.compile(r"^\s*(?:one|two|three|four|five|[1-5])\s+stars?\s*[.!]*\s*$", re.IGNORECASE)
#: Duplicate check: texts shorter than this many words are skipped (short texts repeat innocently: "Great!").
DUPLICATE_MIN_WORDS: Final[int] = 10
#: Word shingle size and Jaccard threshold for near-duplicates. jgalea/amz authenticity.go uses 5-word shingles
#: with Jaccard > 0.5 for a product-level *signal*; a per-review flag needs more. 3-word shingles tolerate light
#: edits (two changed words in a 60-word copy still give about 0.8) and 0.7 keeps merely similar reviews out.
SHINGLE_WORDS: Final[int] = 3
NEAR_DUPLICATE_JACCARD: Final[float] = 0.7
#: A negation word this many characters before a phrase match cancels it ("I did not receive it free ...").
NEGATION_WINDOW: Final[int] = 25

_RES = "reviewtools.resources"


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Rule:
    """One guideline rule, loaded from a rule pack.

    ``removal_basis`` says whether the clause makes such content removable; ``strength`` says how reliable
    the detector is (weak rules go to a human queue). A hit may be *downgraded* by its detector (a mixed
    seller-feedback review is not removable; a disclosure with unknown Vine status is weak), never upgraded.
    ``verified`` is False when the project reference marks the clause as unverified; such rules are never a
    removal basis.

    >>> r = rules_by_id()["AMZ-PRIVATE-EMAIL"]
    >>> (r.category, r.removal_basis, r.strength)
    ('private_info', True, 'strong')
    """

    rule_id: str
    category: str
    platforms: tuple[str, ...]
    clause: str
    source_url: str
    removal_basis: bool
    strength: str
    detector: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    hit_examples: tuple[Any, ...] = ()
    miss_examples: tuple[Any, ...] = ()
    last_checked: dt.date = dt.date(2026, 1, 1)
    verified: bool = True
    notes: str = ""


class Finding(NamedTuple):
    """What a detector reports: a span (or a reason it could not run)."""

    field: str | None
    start: int | None
    end: int | None
    evidence: str | None
    note: str = ""
    outcome: str = "hit"
    weak: bool = False  # downgrade this hit to strength weak
    not_removal: bool = False  # this hit is not a removal basis even if the rule is


# ------------------------------------------------------------------------------------- resource loading


def _resource_text(*parts: str) -> str:
    path = resources.files(_RES).joinpath("rules")
    for part in parts:  # one part at a time: namespace packages' MultiplexedPath takes a single name
        path = path.joinpath(part)
    return path.read_text(encoding="utf-8")


@functools.cache
def load_lexicon(name: str) -> tuple[str, ...]:
    """Return the entries of ``resources/rules/lexicons/<name>.txt`` (comments and blanks dropped).

    >>> "fuck" in load_lexicon("profanity_obscene")
    True
    """
    lines = _resource_text("lexicons", f"{name}.txt").splitlines()
    return tuple(w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#"))


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first, any whitespace run between words."""
    parts = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in parts)


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@functools.cache
def _fragment(name: str) -> str:
    """A named regex fragment: ``lexicons/<name>.re`` (itself expanded) or an alternation of ``<name>.txt``."""
    try:
        raw = _resource_text("lexicons", f"{name}.re").strip()
    except FileNotFoundError:
        return _alternation(load_lexicon(name))
    return _expand(raw)


def _expand(pattern: str) -> str:
    return _PLACEHOLDER.sub(lambda m: _fragment(m.group(1)), pattern)


@functools.cache
def load_phrases(name: str) -> tuple[str, ...]:
    """Return the expanded regex patterns of ``resources/rules/phrases/<name>.txt``."""
    lines = _resource_text("phrases", f"{name}.txt").splitlines()
    return tuple(_expand(p.strip()) for p in lines if p.strip() and not p.lstrip().startswith("#"))


_REGEX_LETTER = re.compile(r"(\\.)|([A-Z])")


def _lower_pattern(pattern: str) -> str:
    """Lower-case a regex's literal letters, leaving escapes (``\\S``, ``\\W``, ``\\B``) alone."""
    return _REGEX_LETTER.sub(lambda m: m.group(1) or m.group(2).lower(), pattern)


class _Matcher(NamedTuple):
    """A compiled pattern in two forms: case-sensitive for lower-cased text (2-4x faster than IGNORECASE on
    long alternations) and IGNORECASE for the rare text whose lower-case form changes length."""

    lower: re.Pattern[str] | None
    anycase: re.Pattern[str]

    def finditer(self, rv: _Review, fname: str) -> Iterator[re.Match[str]]:
        low = rv.lower(fname)
        if self.lower is not None and len(low) == len(rv.get(fname)):
            starts = _segment_literals(self.lower)
            if starts is not None:
                return _segment_matches(self.lower, starts, low)
            return self.lower.finditer(low)
        return self.anycase.finditer(rv.get(fname))

    def search_in(self, low: str, original: str) -> bool:
        if self.lower is not None and len(low) == len(original):
            needed = _literal_starts(self.lower)
            if needed is not None and needed.search(low) is None:
                return False  # every match holds one of these literals (a scan 2-4x faster than the pattern's)
            return self.lower.search(low) is not None
        return self.anycase.search(original) is not None


def _matcher(pattern: str) -> _Matcher:
    case_sensitive_parts = "(?-i:" in pattern
    return _Matcher(None if case_sensitive_parts else re.compile(_lower_pattern(pattern)),
                    re.compile(pattern, re.IGNORECASE))


@functools.cache
def _phrase_regex(name: str) -> _Matcher:
    return _matcher("|".join(f"(?:{p})" for p in load_phrases(name)))


@functools.cache
def _word_regex(lexicon: str) -> _Matcher:
    """Whole-word, case-insensitive matcher for a word list ("ass" never matches inside "class")."""
    return _matcher(rf"(?<![\w*]){'(?:' + _alternation(load_lexicon(lexicon)) + ')'}(?![\w*])")


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _rule_from_record(rec: Mapping[str, Any], pack: str) -> Rule:
    try:
        return Rule(
            rule_id=rec["rule_id"],
            category=rec["category"],
            platforms=tuple(rec["platforms"]),
            clause=rec["clause"],
            source_url=rec["source_url"],
            removal_basis=bool(rec["removal_basis"]),
            strength=rec["strength"],
            detector=rec["detector"],
            params=_freeze(rec.get("params", {})),
            hit_examples=_freeze(rec.get("hit_examples", [])),
            miss_examples=_freeze(rec.get("miss_examples", [])),
            last_checked=dt.date.fromisoformat(rec["last_checked"]),
            verified=bool(rec.get("verified", True)),
            notes=rec.get("notes", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"rule pack {pack}: bad rule record {rec.get('rule_id', '?')!r}: {exc!r}") from exc


@functools.cache
def load_rules() -> tuple[Rule, ...]:
    """Load every rule pack under ``resources/rules/*.json`` and validate the records.

    Raises :class:`RuleError` for an unknown category, platform, strength or detector, or a duplicate id.

    >>> len({r.category for r in load_rules()}) == len(CATEGORIES)
    True
    """
    out: list[Rule] = []
    folder = resources.files(_RES).joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        for rec in data["rules"]:
            out.append(_rule_from_record(rec, entry.name))
    seen: set[str] = set()
    for r in out:
        problems = []
        if r.rule_id in seen:
            problems.append("duplicate rule_id")
        seen.add(r.rule_id)
        if r.category not in CATEGORIES:
            problems.append(f"category {r.category!r} not in {CATEGORIES}")
        if not r.platforms or set(r.platforms) - set(PLATFORMS):
            problems.append(f"platforms {r.platforms!r} not all in {PLATFORMS}")
        if r.strength not in STRENGTHS:
            problems.append(f"strength {r.strength!r} not in {STRENGTHS}")
        if r.detector not in DETECTORS and r.detector not in SET_DETECTORS:
            problems.append(f"unknown detector {r.detector!r}")
        if not r.verified and r.removal_basis:
            problems.append("an unverified clause cannot be a removal basis")
        if problems:
            raise RuleError(f"rule {r.rule_id}: " + "; ".join(problems))
    return tuple(out)


def rules_by_id() -> dict[str, Rule]:
    """Return the registry as a dict keyed by ``rule_id``."""
    return {r.rule_id: r for r in load_rules()}


# ---------------------------------------------------------------------------------------- review context


@dataclass
class _Review:
    """One review as the detectors see it, with lazily cached derived views."""

    title: str
    text: str
    platform: str
    marketplace: str | None
    vine: bool | None
    competitors: tuple[str, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.title if name == "title" else self.text

    def lower(self, name: str) -> str:
        key = "lower:" + name
        if key not in self._cache:
            self._cache[key] = self.get(name).lower()
        return self._cache[key]

    def words(self) -> frozenset[str]:
        """Lower-case alphanumeric tokens of title and text (for cheap anchor-word prefilters)."""
        if "words" not in self._cache:
            self._cache["words"] = frozenset(_ANCHOR_TOKEN.findall(self.lower("title") + " " + self.lower("text")))
        return self._cache["words"]

    def lacks(self, anchors: frozenset[str] | None) -> bool:
        """True when none of ``anchors`` is among :meth:`words` (None: no anchors, never lacking).

        ``check_each_review`` records anchor sets it has already proven present (column-wide, see
        :func:`_phrase_candidates`) in ``_cache["anchored"]``, which spares tokenising the review.
        """
        if anchors is None:
            return False
        proven = self._cache.get("anchored")
        if proven is not None and anchors in proven:
            return False
        return anchors.isdisjoint(self.words())


_ANCHOR_TOKEN = re.compile(r"[^\W_]+")
_ANCHOR_STOP = frozenset({"the", "a", "an", "of", "and", "people", "this", "that", "these", "those", "my", "your"})


@functools.cache
def _lexicon_anchors(name: str) -> frozenset[str]:
    """One anchor token per lexicon entry (its longest non-stop token): if none is in a review, no entry is."""
    out = set()
    for entry in load_lexicon(name):
        toks = [t for t in _ANCHOR_TOKEN.findall(entry) if t not in _ANCHOR_STOP] or _ANCHOR_TOKEN.findall(entry)
        if toks:
            out.add(max(toks, key=len))
    return frozenset(out)


_ANCHOR_CACHE: dict[int, tuple[Mapping[str, Any], frozenset[str] | None]] = {}


def _anchors(params: Mapping[str, Any]) -> frozenset[str] | None:
    """Anchor words of a rule (``anchors`` list and/or ``anchor_lexicons``); None means always run."""
    hit = _ANCHOR_CACHE.get(id(params))
    if hit is not None and hit[0] is params:
        return hit[1]
    words = set(params.get("anchors", ()))
    for lex in params.get("anchor_lexicons", ()):
        words |= _lexicon_anchors(lex)
    out = frozenset(words) if words else None
    _ANCHOR_CACHE[id(params)] = (params, out)  # keeps params alive, so its id stays unique
    return out


Detector = Callable[[_Review, Mapping[str, Any]], Iterable[Finding]]
DETECTORS: dict[str, Detector] = {}


def _detector(name: str) -> Callable[[Detector], Detector]:
    def deco(fn: Detector) -> Detector:
        DETECTORS[name] = fn
        return fn

    return deco


def _fields(params: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(params.get("fields", FIELDS))


def _finding(rv: _Review, fname: str, start: int, end: int, note: str = "", **kw: Any) -> Finding:
    return Finding(fname, start, end, rv.get(fname)[start:end], note, **kw)


# ---------------------------------------------------------------------------------- phrase / word lists

_NEGATION = re.compile(r"\b(?:not|never|no|didn't|didnt|did not|wasn't|wasnt|was not|haven't|have not|nor|without)\b",
                       re.IGNORECASE)


@_detector("phrases")
def _detect_phrases(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Patterns from ``phrases/<name>.txt``; optional ``negation_window`` cancels negated matches.

    ``anchors`` / ``anchor_lexicons`` (rule params) name words at least one of which every match contains;
    the regex only runs on reviews that have one (a cheap set test instead of a long alternation scan).
    """
    anchors = _anchors(params)
    if rv.lacks(anchors):
        return
    rx = _phrase_regex(params["phrases"])
    neg = int(params.get("negation_window", 0))
    for fname in _fields(params):
        s = rv.get(fname)
        if not s:
            continue
        for m in rx.finditer(rv, fname):
            if neg:
                before = s[max(0, m.start() - neg): m.start()]
                before = re.split(r"[.!?\n]", before)[-1]
                if _NEGATION.search(before) or _NEGATION.match(m.group(0)):
                    continue
            yield _finding(rv, fname, m.start(), m.end())


@_detector("words")
def _detect_words(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Whole-word matches from ``lexicons/<lexicon>.txt``."""
    if rv.lacks(_lexicon_anchors(params["lexicon"])):
        return
    rx = _word_regex(params["lexicon"])
    for fname in _fields(params):
        s = rv.get(fname)
        if s:
            for m in rx.finditer(rv, fname):
                yield _finding(rv, fname, m.start(), m.end())


@_detector("competitor_mention")
def _detect_competitors(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Names from the user's competitor list (``check_reviews(..., competitors=[...])``)."""
    if not rv.competitors:
        yield Finding(None, None, None, None, "no competitor list given (check_reviews competitors=...)", "not_run")
        return
    rx = _competitor_regex(rv.competitors)
    for fname in _fields(params):
        for m in rx.finditer(rv.get(fname)):
            yield _finding(rv, fname, m.start(), m.end(), "competitor named in the review")


@functools.cache
def _competitor_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alternation(n.lower() for n in names)})(?!\w)", re.IGNORECASE)


# ---------------------------------------------------------------------------------------- private info

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])")
#: Amazon order id: 3-7-7 digits (platform-policies.md 1.1 row 5).
_ORDER = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|"
                  r"Circle|Cir|Highway|Hwy|Parkway|Pkwy|Way|Crescent|Close|Square|Sq|Trail|Trl|Alley|Row|Mews)")
#: House number, one to four capitalised name words, a street suffix: "221 Baker Street", "1600 N Elm St".
_ADDRESS = re.compile(
    rf"(?<![\w$£€#.,/-])\d{{1,5}}[A-Za-z]?\s+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    rf"(?:[A-Z][a-z]+\.?\s+|\d+(?:st|nd|rd|th)\s+){{1,4}}{_STREET_SUFFIX}\b\.?"
)
_DIGIT_DELETE = str.maketrans("", "", "0123456789")
_PHONE_CUE = re.compile(r"\b(?:call|calls|calling|phone|ph|tel|telephone|cell|mobile|text|txt|whatsapp|sms|fax|"
                        r"number is|reach (?:me|us|him|her)|ring)\b", re.IGNORECASE)

#: Marketplace -> phonenumbers region. Also accepts 2-letter marketplace codes (amazon-reviews-pds "US").
MARKETPLACE_REGION: Final[dict[str, str]] = {
    "amazon.com": "US", "amazon.ca": "CA", "amazon.com.mx": "MX", "amazon.com.br": "BR",
    "amazon.co.uk": "GB", "amazon.de": "DE", "amazon.fr": "FR", "amazon.it": "IT", "amazon.es": "ES",
    "amazon.nl": "NL", "amazon.se": "SE", "amazon.pl": "PL", "amazon.com.be": "BE", "amazon.com.tr": "TR",
    "amazon.ae": "AE", "amazon.sa": "SA", "amazon.in": "IN", "amazon.co.jp": "JP", "amazon.com.au": "AU",
    "amazon.sg": "SG", "amazon.eg": "EG",
}
#: Region used when the marketplace is unknown: the largest export source is amazon.com. Numbers written with
#: a leading "+" are found whatever the region.
DEFAULT_REGION: Final[str] = "US"


def marketplace_region(marketplace: str | None) -> str:
    """Map a marketplace to a phone region ("amazon.co.uk" -> "GB", "UK" -> "GB", unknown -> "US").

    >>> marketplace_region("amazon.de"), marketplace_region("uk"), marketplace_region(None)
    ('DE', 'GB', 'US')
    """
    if not marketplace:
        return DEFAULT_REGION
    m = marketplace.strip().lower()
    if m.startswith("www."):
        m = m[4:]
    if m in MARKETPLACE_REGION:
        return MARKETPLACE_REGION[m]
    if len(m) == 2 and m.isalpha():
        return "GB" if m == "uk" else m.upper()
    return DEFAULT_REGION


@_detector("email")
def _detect_email(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    for fname in _fields(params):
        s = rv.get(fname)
        if "@" in s:
            for m in _EMAIL.finditer(s):
                yield _finding(rv, fname, m.start(), m.end())


@_detector("order_number")
def _detect_order(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    for fname in _fields(params):
        s = rv.get(fname)
        if "-" in s:
            for m in _ORDER.finditer(s):
                yield _finding(rv, fname, m.start(), m.end())


#: Words before an address saying it is where someone lives or receives mail (a private mailing address).
_RESIDENCE_CUE = re.compile(r"\b(?:(?:i|we|he|she|they)\s+(?:live|lives|lived|reside)|lives?\s+(?:at|on)|"
                            r"(?:my|our|his|her|their)\s+(?:home|house|address|apartment|apt|flat|place|mailing)|"
                            r"ship(?:ped)?\s+(?:it\s+|them\s+)?to|sen[dt]\s+(?:it\s+|them\s+)?to|"
                            r"deliver(?:ed)?\s+(?:it\s+|them\s+)?to|mail\s+(?:it\s+|them\s+)?to|address\s+is)\b",
                            re.IGNORECASE)
#: Characters before an address searched for a residence cue.
ADDRESS_CUE_WINDOW: Final[int] = 40


@_detector("street_address")
def _detect_address(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Street addresses. Only one introduced as where someone lives or gets mail (:data:`_RESIDENCE_CUE`) is a
    removal basis: reviews of hotels, restaurants and venues quote the place's public address ("located at
    20 W Kinzie St"), which is not private information, so without a cue the hit is a weak note."""
    for fname in _fields(params):
        s = rv.get(fname)
        if len(s) != len(s.translate(_DIGIT_DELETE)):
            for m in _ADDRESS.finditer(s):
                if _RESIDENCE_CUE.search(s[max(0, m.start() - ADDRESS_CUE_WINDOW): m.start()]):
                    yield _finding(rv, fname, m.start(), m.end(), "introduced as where someone lives or gets mail")
                else:
                    yield _finding(rv, fname, m.start(), m.end(),
                                   "no sign it is a home or mailing address; a business or venue address is public",
                                   weak=True, not_removal=True)


# A phone number needs enough digits in one place. PhoneNumberMatcher only parses substrings of its candidate
# pattern (phonenumbermatcher._PATTERN: lead characters, punctuation, digit blocks, then an optional extension).
# Without an extension a candidate lies inside one maximal run of characters that pattern allows (digits, the
# matcher's punctuation and lead characters); parse() turns at most one candidate character into one national
# number digit (digits; letters only through the vanity mapping, and the only letters in such a run are x/X);
# and a number is valid only when its national significant number has a length its country allows
# (general_desc.possible_length). So a run with fewer "digit-like" characters than the fewest digits any parse
# path can turn into a valid number (below) cannot hold a match, and neither can a field made of such runs.
# Fields where phonenumbers' extension pattern occurs anywhere are not bounded this way.


class _PhoneBounds(NamedTuple):
    run: re.Pattern[str]  # maximal runs of characters an extension-free matcher candidate can consist of
    ascii_run: str  # the ASCII characters of such runs (every non-ASCII character belongs to them too)
    ext: re.Pattern[str]  # phonenumbers' extension pattern, as the matcher uses it
    plus: int  # fewest candidate digits of a valid number written with a leading plus sign
    region: Mapping[str, int]  # ... written without one, parsed with this default region
    unknown: int  # ... for a region phonenumbers does not know (the smallest of all)


def _min_regex_width(pattern: str) -> int:
    """Fewest characters a match of ``pattern`` can have (0 when it cannot be told)."""
    try:
        try:
            from re import _parser as sre_parse  # Python >= 3.11
        except ImportError:  # pragma: no cover - older Python
            import sre_parse  # type: ignore[no-redef]
        return int(sre_parse.parse(pattern).getwidth()[0])
    except Exception:  # pragma: no cover - a pattern or Python this does not understand: no bound from it
        return 0


@functools.cache
def _phone_bounds() -> _PhoneBounds | None:
    """The digit bounds of :data:`_PhoneBounds` from the installed phonenumbers' own metadata and patterns
    (None when its internals are not what this relies on: then every field with enough digits is searched).

    For each country calling code: the shortest national significant number any of its regions accepts, and the
    most digits a national-prefix transform rule (``national_prefix_transform_rule``, e.g. "268\\1") can add.
    parse() strips a national prefix with the default region's rule when no country code is written, and with the
    main region's of the country code otherwise, possibly both (a number starting with the default country code);
    an international prefix (IDD, ``international_prefix``) takes at least its pattern's width of digits.
    """
    try:
        import phonenumbers
        from phonenumbers import phonemetadata, phonenumbermatcher as pm, phonenumberutil as pu

        cc_regions = pu.COUNTRY_CODE_TO_REGION_CODE
        punctuation, lead, flags = pu._VALID_PUNCTUATION, pm._LEAD_CLASS, pu._REGEX_FLAGS
        ext = re.compile(pu._EXTN_PATTERNS_FOR_MATCHING, flags)
        meta_for = phonemetadata.PhoneMetadata.metadata_for_region_or_calling_code
        main_region = phonenumbers.region_code_for_country_code
    except (ImportError, AttributeError):  # pragma: no cover - another phonenumbers
        return None

    def gain(meta: Any) -> int | None:
        rule = meta.national_prefix_transform_rule
        if not rule:
            return 0
        refs = re.findall(r"\\\d|\$\d", rule)
        if len(refs) > 1:
            return None  # a rule repeating captured digits: no simple bound
        return sum(c.isdigit() for c in re.sub(r"\\\d|\$\d", "", rule))

    shortest: dict[int, int] = {}
    cc_gain: dict[int, int] = {}
    for cc, regions in cc_regions.items():
        lengths = []
        for region in regions:
            meta = meta_for(cc, region)
            if meta is None or meta.general_desc is None:
                return None
            got = [n for n in meta.general_desc.possible_length if n > 0]
            lengths.append(min(got) if got else 1)
        main = meta_for(cc, main_region(cc))
        g = gain(main) if main is not None else None
        if g is None:
            return None
        shortest[cc], cc_gain[cc] = min(lengths), g
    plus = min(len(str(cc)) + shortest[cc] - cc_gain[cc] for cc in shortest)
    per_region: dict[str, int] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        meta = phonemetadata.PhoneMetadata.metadata_for_region(region, None)
        if meta is None or meta.country_code not in shortest:
            continue
        cc, own = meta.country_code, gain(meta)
        if own is None:
            continue  # left out: such a region counts as unknown (the smallest bound)
        idd = _min_regex_width(meta.international_prefix) if meta.international_prefix else 0
        per_region[region] = min(
            shortest[cc] - own,  # national format: the default region's prefix rule
            len(str(cc)) + shortest[cc] - own - cc_gain[cc],  # the default country code without a plus sign
            idd + plus,  # an international prefix, then any country code
        )
    unknown = min([plus, *per_region.values()])
    ascii_run = "".join(ch for ch in map(chr, range(128))
                        if re.fullmatch(f"{lead}|[{punctuation}]|\\d", ch, flags))
    run = re.compile("(?:[" + re.escape(ascii_run) + "]|[^\\x00-\\x7f])+")
    return _PhoneBounds(run, ascii_run, ext, plus, MappingProxyType(per_region), unknown)


#: phonenumbers' plus signs (``phonenumberutil._PLUS_CHARS``).
_PHONE_PLUS: Final[str] = "+\uff0b"
#: Characters of a run that can become a digit of the national number: digits and the vanity letters x/X (every
#: non-ASCII character counts too, as a possible digit of another script).
_PHONE_DIGIT_LIKE: Final[frozenset[str]] = frozenset("0123456789xX")


def phone_digits_needed(region: str | None, plus: bool) -> int:
    """The fewest digit-like characters a phone number that ``phonenumbers`` accepts as valid (default region
    ``region``) can be written with; ``plus``: the text has a plus sign, so international numbers count too.

    >>> phone_digits_needed("US", plus=False), phone_digits_needed("US", plus=True) <= 7
    (7, True)
    """
    b = _phone_bounds()
    if b is None:  # pragma: no cover - another phonenumbers
        return 0
    k = b.region.get(region.upper(), b.unknown) if isinstance(region, str) else b.unknown
    return min(k, b.plus) if plus else k


def may_hold_phone_number(text: str, regions: str | Sequence[str | None] | None, *, min_digits: int | None = None,
                          attached: bool = False) -> bool:
    """False only when ``phonenumbers.PhoneNumberMatcher(text, region, leniency=VALID)`` surely finds nothing
    for each of ``regions`` (and, with ``min_digits``, no matcher candidate of any leniency has that many digits):
    phonenumbers' extension pattern does not occur in ``text`` and no run of candidate characters has
    :func:`phone_digits_needed` digit-like characters (see the comment above :class:`_PhoneBounds`). A cheap
    necessary condition in front of the matcher, for texts that have digits.

    ``attached``: the extension pattern counts only right after a decimal digit (:func:`_phone_extension_attached`),
    as in a matcher candidate: the tighter bound the column-wide prefilter (``_pre_phone``) uses.

    >>> may_hold_phone_number("2 packs for $19.99, 3 stars", "US"), may_hold_phone_number("Call 415-867-5309", "US")
    (False, True)
    >>> may_hold_phone_number("2 stars, thx 2 u", "US"), may_hold_phone_number("2 stars, thx 2 u", "US", attached=True)
    (True, False)
    """
    b = _phone_bounds()
    if b is None:  # pragma: no cover - another phonenumbers: no bound
        return True
    plus = any(c in text for c in _PHONE_PLUS)
    wanted = [phone_digits_needed(r, plus) for r in ([regions] if regions is None or isinstance(regions, str)
                                                      else regions)]
    if min_digits is not None:
        wanted.append(min_digits)
    need = min(wanted, default=0)
    if need <= 1:
        return True
    for m in b.run.finditer(text):
        g = m.group()
        if len(g) >= need and sum(1 for c in g if c in _PHONE_DIGIT_LIKE or c > "\x7f") >= need:
            return True
    if attached:
        return _phone_extension_attached().search(text) is not None
    return b.ext.search(text) is not None


@functools.cache
def _phone_extension_attached() -> re.Pattern[str]:
    """phonenumbers' extension pattern right after a decimal digit, as the matcher's pattern has it after a
    candidate's number part (``phonenumbermatcher._PATTERN``: lead characters, punctuation and digit blocks, the
    last block's digit, then the optional extension). A text without a match has no candidate with an
    extension: each candidate lies inside one run of :class:`_PhoneBounds` (see the comment above it)."""
    from phonenumbers import phonenumberutil as pu

    return re.compile("\\d(?:" + pu._EXTN_PATTERNS_FOR_MATCHING + ")", pu._REGEX_FLAGS)


#: The ``max_tries`` of the detector's ``PhoneNumberMatcher`` (phonenumbers' default).
_PHONE_MAX_TRIES: Final[int] = 65535
#: Deletes the ASCII characters that are not letters or digits: what is left of a matcher candidate is every
#: character parse() can turn into a digit of the number (a digit, a vanity letter, any non-ASCII character).
_PHONE_NOT_DIGIT_LIKE: Final[dict[int, None]] = str.maketrans(
    "", "", "".join(c for c in map(chr, range(128)) if not c.isalnum()))


#: Whether the bounded matcher remembers the candidates phonenumbers rejected (:func:`_bounded_phone_matcher`; a
#: switch for A/B timing: the matches are the same either way).
_PHONE_REJECT_MEMO: bool = True
#: Most entries of the memo of rejected candidates (it starts afresh when full).
_PHONE_REJECTED_MAX: Final[int] = 1 << 16
#: The memo: (candidate, default region, the text's character before it, the one after it; "" at an end) of each
#: ``_parse_and_verify`` that returned None in this process.
_PHONE_REJECTED: set[tuple[str, str, str, str]] = set()
#: The global and attribute names phonenumbers' ``PhoneNumberMatcher._parse_and_verify`` reads (9.0.x), which the
#: memo's exactness argument rests on: another set (another phonenumbers) turns the memo off.
_PHONE_PARSE_AND_VERIFY_NAMES: Final[frozenset[str]] = frozenset({
    "fullmatch", "_MATCHING_BRACKETS", "_PUB_PAGES", "search", "leniency", "Leniency", "VALID", "_LEAD_PATTERN",
    "match", "text", "_is_invalid_punctuation_symbol", "_is_latin_letter", "len", "parse", "preferred_region",
    "_verify", "CountryCodeSource", "UNSPECIFIED", "country_code_source", "raw_input",
    "preferred_domestic_carrier_code", "PhoneNumberMatch", "NumberParseException"})


@functools.cache
def _bounded_phone_matcher() -> tuple[type, int] | None:
    """A ``PhoneNumberMatcher`` subclass that does not parse a candidate of the matcher's pattern with fewer
    digit-like characters than :func:`phone_digits_needed` (every number the matcher extracts from a candidate
    is a substring of it, so none is valid), and phonenumbers' count of inner-match patterns; None when
    phonenumbers' internals are not what this relies on.

    phonenumbers tries the whole candidate, then its inner matches, each failed try costing one of
    ``max_tries``: a skipped candidate of length n would have cost at most one try in ``_find`` (which the
    subclass pays too) and n + 1 per inner-match pattern (one for the text before its first match, one per
    match, each starting further on). The subclass counts those in ``skipped`` (the sum of n + 1).

    It also remembers the tries phonenumbers rejected (``_parse_and_verify`` returning None: :data:`_PHONE_REJECTED`)
    and answers the same try again with None at once: the same candidate strings recur across fields and rows (at
    1M 96% of the tries repeat one seen before in the same worker; most fail, and a failed parse-and-validate costs
    ~0.2 ms, mostly is_valid_number trying each region of a country code). ``_parse_and_verify(candidate, offset)``
    reads only the candidate, the leniency (VALID here), the default region and the text's characters at
    ``offset - 1`` (when ``offset > 0``) and ``offset + len(candidate)`` (when inside the text): its name set is
    checked (:data:`_PHONE_PARSE_AND_VERIFY_NAMES`), and parse and the VALID checks are functions of the candidate
    and region. Its callers count a failed try the same whether it was remembered or not.
    """
    import phonenumbers
    from phonenumbers import phonenumbermatcher as pm

    base = phonenumbers.PhoneNumberMatcher
    inner = getattr(pm, "_INNER_MATCHES", None)
    if (_phone_bounds() is None or not isinstance(inner, tuple) or not callable(getattr(base, "_extract_match", None))
            or not callable(getattr(base, "_find", None))):  # pragma: no cover - another phonenumbers
        return None

    verify = getattr(base, "_parse_and_verify", None)
    memo = (callable(verify) and frozenset(getattr(getattr(verify, "__code__", None), "co_names", ()))
            == _PHONE_PARSE_AND_VERIFY_NAMES)

    class BoundedPhoneNumberMatcher(base):  # type: ignore[misc, valid-type]
        def __init__(self, text: str, region: str, need: int) -> None:
            super().__init__(text, region, leniency=phonenumbers.Leniency.VALID, max_tries=_PHONE_MAX_TRIES)
            self.need, self.skipped = need, 0

        def _extract_match(self, candidate: str, offset: int) -> Any:
            if len(candidate.translate(_PHONE_NOT_DIGIT_LIKE)) < self.need:
                self.skipped += len(candidate) + 1
                return None
            return super()._extract_match(candidate, offset)

        if memo:
            def _parse_and_verify(self, candidate: str, offset: int) -> Any:
                if not _PHONE_REJECT_MEMO:
                    return super()._parse_and_verify(candidate, offset)
                text, end = self.text, offset + len(candidate)
                key = (candidate, self.preferred_region, text[offset - 1] if offset > 0 else "",
                       text[end] if end < len(text) else "")
                if key in _PHONE_REJECTED:
                    return None
                found = super()._parse_and_verify(candidate, offset)
                if found is None:
                    if len(_PHONE_REJECTED) >= _PHONE_REJECTED_MAX:
                        _PHONE_REJECTED.clear()
                    _PHONE_REJECTED.add(key)
                return found

    return BoundedPhoneNumberMatcher, len(inner)


def _phone_matches(s: str, region: str) -> list[Any]:
    """``list(PhoneNumberMatcher(s, region, leniency=VALID))``, without parsing the candidates too short to hold
    a valid number (:func:`_bounded_phone_matcher`). Exact when phonenumbers' ``max_tries`` never runs out: the
    tries the subclass used plus the most the skipped candidates could have cost stay below it; otherwise the
    plain matcher runs again.

    >>> [m.raw_string for m in _phone_matches("Paid $19.99 on 3/10, call 415-867-5309", "US")]
    ['415-867-5309']
    """
    import phonenumbers

    bounded = _bounded_phone_matcher()
    if bounded is not None:
        cls, inner = bounded
        matcher = cls(s, region, phone_digits_needed(region, any(c in s for c in _PHONE_PLUS)))
        found = list(matcher)
        left = getattr(matcher, "_max_tries", None)
        if isinstance(left, int) and left > inner * matcher.skipped:
            return found
    return list(phonenumbers.PhoneNumberMatcher(s, region, leniency=phonenumbers.Leniency.VALID,
                                                max_tries=_PHONE_MAX_TRIES))


@_detector("phone")
def _detect_phone(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Phone numbers via Google's libphonenumber (``phonenumbers.PhoneNumberMatcher``, leniency VALID).

    Skips order ids, and bare digit runs without separators unless a phone cue ("call", "text me") precedes
    them (model numbers, ISBNs and serials are bare digit runs). Toll-free numbers are usually a business's
    public line, so they are reported weak and not as a removal basis.
    """
    import phonenumbers  # deferred: heavy import, only needed when a field has enough digits

    region = marketplace_region(rv.marketplace)
    for fname in _fields(params):
        s = rv.get(fname)
        if len(s) - len(s.translate(_DIGIT_DELETE)) < PHONE_MIN_DIGITS:
            continue
        orders: list[tuple[int, int]] | None = None  # order ids, found once the matcher finds a number
        for m in _phone_matches(s, region):
            if orders is None:
                orders = [(o.start(), o.end()) for o in _ORDER.finditer(s)]
            if any(a < m.end and m.start < b for a, b in orders):
                continue
            raw = m.raw_string
            formatted = raw.startswith("+") or bool(re.search(r"\d[\s().-]+\d", raw)) or raw.startswith("(")
            if not formatted and not _PHONE_CUE.search(s[max(0, m.start - PHONE_CUE_WINDOW): m.start]):
                continue
            ntype = phonenumbers.number_type(m.number)
            if ntype in (phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST):
                yield _finding(rv, fname, m.start, m.end, "toll-free number: most likely a business's public line",
                               weak=True, not_removal=True)
            else:
                yield _finding(rv, fname, m.start, m.end, f"valid phone number for region {region}")


# ------------------------------------------------------------------------------------------------ links


@functools.cache
@functools.cache
def _tld_sets() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(load_lexicon("tlds")), frozenset(load_lexicon("tlds_ambiguous"))


_URL_SCHEME = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
#: A bare domain: labels of letters/digits/hyphens (each starting with a letter or digit and at least one label
#: with a letter), a dot-separated TLD, optional port and path. Case is checked after matching.
_BARE_DOMAIN = re.compile(
    r"(?<![\w@./-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))"
    r"(?::\d{2,5})?(/[^\s<>\"'()\[\]{}]*)?(?![\w@-])"
)
_TRAILING = ".,;:!?)]}'\""
_REFERRAL_PARAM = re.compile(r"[?&#;/](?:tag|aff[a-z_]*|affiliate[a-z_]*|utm_[a-z]+|linkcode|linkid|ascsubtag|"
                             r"ref(?:errer|erral)?(?:code|id)?)=", re.IGNORECASE)
#: On the platform's own site, ``ref=``/``ref_=`` are the platform's navigation crumbs (Amazon adds them to every
#: link copied from its pages), not a referrer tag, so they are not flagged there; ``tag=`` (Amazon
#: Associates id), ``linkCode=``, ``ascsubtag``, ``aff*`` and ``utm_*`` are.
_OWN_SITE_REFERRAL = re.compile(r"[?&#;/](?:tag|aff[a-z_]*|affiliate[a-z_]*|utm_[a-z]+|linkcode|linkid|ascsubtag)=",
                                re.IGNORECASE)


#: Words before a bare domain that send the reader there ("go to nokia.com", "visit", "check out", "at").
_LINK_CUE = re.compile(r"\b(?:go|goes|went|head|over)\s+to|\bvisit|\bcheck\s+(?:out|at)|\bsee|\bat|\bon|\bfrom|"
                       r"\bvia|\bdownload|\bsign\s+up|\bfollow|\bfind\s+(?:it|them|me|us|more)|\bhttps?\b|[:>]\s*$",
                       re.IGNORECASE)
#: Characters before a bare domain searched for such a word.
LINK_CUE_WINDOW: Final[int] = 20


class _Link(NamedTuple):
    field: str
    start: int
    end: int
    host: str
    has_scheme: bool
    path: str


def _split_host(url: str) -> tuple[str, str, bool]:
    u = url
    scheme = False
    low = u.lower()
    for p in ("https://", "http://", "ftp://"):
        if low.startswith(p):
            u, scheme = u[len(p):], True
            break
    host_end = len(u)
    for sep in "/?#":
        i = u.find(sep)
        if i != -1:
            host_end = min(host_end, i)
    host = u[:host_end].lower().split("@")[-1].split(":")[0]
    return host, u[host_end:], scheme or low.startswith("www.")


#: A bare domain's TLD follows a dot: ``\.[A-Za-z]{2}`` (its first two letters).
_DOT_LETTERS = re.compile(r"\.[A-Za-z]{2}")
#: The characters of a bare domain's labels and dots, read leftwards (on the reversed field) from a dot.
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9.-]*")


def _scheme_matches(s: str, low: str) -> Iterator[re.Match[str]]:
    """``_URL_SCHEME.finditer(s)``, trying the pattern only where a match can start: 3, 4 or 5 characters
    before a "://" (``ftp``, ``http``, ``https``) or at a "www." of any case (``low`` is ``s.lower()``; no
    other character lower-cases to "w"). ``match`` at a position reads the ``\b`` before it, as the scan
    does; starts inside an earlier match are skipped, as the scan resumes after it."""
    if len(low) != len(s):  # a character whose lower case has another length: positions differ
        yield from _URL_SCHEME.finditer(s)
        return
    starts = set()
    i = s.find("://")
    while i != -1:
        starts.update(j for j in (i - 5, i - 4, i - 3) if j >= 0)
        i = s.find("://", i + 1)
    i = low.find("www.")
    while i != -1:
        starts.add(i)
        i = low.find("www.", i + 1)
    end = 0
    for i in sorted(starts):
        if i < end:
            continue
        m = _URL_SCHEME.match(s, i)
        if m:
            end = m.end()
            yield m


def _bare_domain_matches(s: str) -> Iterator[re.Match[str]]:
    """``_BARE_DOMAIN.finditer(s)``, trying the pattern only at the start of each run of ``[A-Za-z0-9.-]``
    that holds a dot followed by two ASCII letters. A match needs such a dot (before its TLD), and it can only
    start where a run starts: its look-behind refuses a letter, digit, "." or "-" before it, and its labels,
    dots and TLD are all run characters. Starts inside an earlier match are skipped, as the scan resumes
    after it."""
    dots = [m.start() for m in _DOT_LETTERS.finditer(s)]
    if not dots:
        return
    n = len(s)
    rs = s[::-1]
    starts = []
    run_end = -1  # where the run around the previous dot ends: later dots before it share its start
    for d in dots:
        if d < run_end:
            continue
        starts.append(n - _DOMAIN_RUN.match(rs, n - 1 - d).end())
        run_end = _DOMAIN_RUN.match(s, d).end()
    end = 0
    for i in sorted(starts):
        if i < end:
            continue
        m = _BARE_DOMAIN.match(s, i)
        if m:
            end = m.end()
            yield m


def _find_links(rv: _Review, fname: str) -> list[_Link]:
    key = "links:" + fname
    if key in rv._cache:
        return rv._cache[key]
    s = rv.get(fname)
    links: list[_Link] = []
    if "." in s:
        tlds, ambiguous = _tld_sets()
        taken: list[tuple[int, int]] = []
        for m in _scheme_matches(s, rv.lower(fname)):
            start, end = m.start(), m.end()
            while end > start and s[end - 1] in _TRAILING:
                end -= 1
            host, path, _ = _split_host(s[start:end])
            if "." not in host:
                continue
            links.append(_Link(fname, start, end, host, True, path))
            taken.append((start, end))
        for m in _bare_domain_matches(s):
            start, end = m.start(), m.end()
            if any(a <= start < b for a, b in taken):
                continue
            domain, tld, path = m.group(1), m.group(2), m.group(3) or ""
            labels = domain.split(".")
            if tld.lower() not in tlds or tld != tld.lower() and tld != tld.upper():
                continue  # not a real TLD, or mixed case like "dog.It"
            if tld[0].isupper() and not path:
                continue  # "great.It" / "box.Me" after a missing space: a sentence, not a domain
            if not any(c.isalpha() for c in labels[0]) or labels[0].isdigit():
                continue  # "3.5mm", "2.0"
            if tld.lower() in ambiguous and not path and len(labels) == 2:
                continue  # "dog.it", "word.me" without a path
            if len(labels[0]) == 1 and len(labels) == 2 and not path:
                continue  # "e.g", "i.e" style abbreviations
            while end > start and s[end - 1] in _TRAILING:
                end -= 1
            links.append(_Link(fname, start, end, domain.lower(), False, path.rstrip(_TRAILING)))
        links.sort(key=lambda k: k.start)
    rv._cache[key] = links
    return links


def _host_is(host: str, suffixes: Iterable[str]) -> bool:
    """``host`` is one of ``suffixes`` or ends with ``"." + suffix``: looked up as the host and each part after
    one of its dots in the set of the suffixes (made once per lexicon tuple)."""
    wanted = _suffix_set(suffixes) if isinstance(suffixes, tuple) else frozenset(suffixes)
    if host in wanted:
        return True
    i = host.find(".")
    while i != -1:
        if host[i + 1:] in wanted:
            return True
        i = host.find(".", i + 1)
    return False


@functools.lru_cache(maxsize=64)
def _suffix_set(suffixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(suffixes)


def _is_own_site(host: str, own_sites: Sequence[str]) -> bool:
    """``own_sites`` entries are second-level names ("amazon" matches amazon.com, amazon.co.uk, smile.amazon.de)."""
    tlds, _ = _tld_sets()
    labels = host.split(".")
    for name in own_sites:
        if name in labels:
            rest = labels[labels.index(name) + 1:]
            if rest and all(p in tlds for p in rest) and len(rest) <= 2:
                return True
    return False


@_detector("link")
def _detect_link(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Links by ``kind``: ``external`` (other sites, bare domains), ``shortener``, ``affiliate`` (referral or
    affiliate parameters on any link) or ``own_shortener`` (the platform's own shortener, target hidden).

    Links to the platform's own pages (``own_sites``) are allowed; the platform's site name used as a word
    ("I bought it on Amazon.com") is not a link at all.
    """
    kind = params["kind"]
    own = tuple(params.get("own_sites", ()))
    shorteners = load_lexicon("shorteners")
    own_short = load_lexicon("own_shorteners") if own else ()
    for fname in _fields(params):
        for ln in _find_links(rv, fname):
            is_short = _host_is(ln.host, shorteners)
            is_own_short = _host_is(ln.host, own_short)
            is_own = _is_own_site(ln.host, own)
            if kind == "shortener" and is_short and not is_own_short:
                yield _finding(rv, fname, ln.start, ln.end, f"URL shortener {ln.host}: target hidden")
            elif kind == "own_shortener" and is_own_short:
                yield _finding(rv, fname, ln.start, ln.end,
                               f"{ln.host} is the platform's own shortener; the target (and any affiliate tag) is "
                               "hidden, so a person should open it")
            elif kind == "affiliate":
                rx = _OWN_SITE_REFERRAL if is_own else _REFERRAL_PARAM
                m = rx.search(ln.path)
                if m:
                    yield _finding(rv, fname, ln.start, ln.end, f"referral/affiliate parameter {m.group(0)[1:]!r}")
            elif kind == "external" and not (is_short or is_own_short or is_own):
                text = rv.get(fname)
                if not ln.has_scheme and not ln.path and text[ln.start].isupper():
                    yield _finding(rv, fname, ln.start, ln.end,
                                   f"{text[ln.start:ln.end]!r} is capitalised like a company name (\"Walmart.com\"), "
                                   "so it probably names a store rather than links to it", weak=True, not_removal=True)
                elif (not ln.has_scheme and not ln.path and ln.host.count(".") == 1
                      and not _LINK_CUE.search(text[max(0, ln.start - LINK_CUE_WINDOW): ln.start])):
                    yield _finding(rv, fname, ln.start, ln.end,
                                   f"bare domain {ln.host} may name a company (\"put us in touch with hotels.com\") "
                                   "rather than send readers there; a person should read it", weak=True)
                else:
                    how = "link" if ln.has_scheme else "bare domain"
                    yield _finding(rv, fname, ln.start, ln.end, f"{how} to outside site {ln.host}")


# ------------------------------------------------------------------------------------------------- spam

_CHAR_RUN = re.compile(r"(\S)\1{%d,}" % (SPAM_CHAR_RUN - 1))
_WORD_RUN = re.compile(r"\b(\w+)(?:[\s,.!]+\1\b){%d,}" % (SPAM_WORD_RUN - 1), re.IGNORECASE)
_SYMBOL_RUN = re.compile(r"[^\w\s](?:\s*[^\w\s]){%d,}" % (SPAM_SYMBOL_RUN - 1))
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
#: At least LANGUAGE_MIN_CHARS letters (``_LETTER``) from the start: letters and non-letters are complementary
#: classes, so one possessive match decides it without a match object per letter.
_ENOUGH_LETTERS = re.compile(r"[\W\d_]*+(?:[^\W\d_][\W\d_]*+){%d}" % LANGUAGE_MIN_CHARS)
#: At least SPAM_CHAR_RUN_OTHER_LETTERS letters, the same way.
_RUN_OTHER_LETTERS = re.compile(r"[\W\d_]*+(?:[^\W\d_][\W\d_]*+){%d}" % SPAM_CHAR_RUN_OTHER_LETTERS)
_SYMBOL_CHAR = re.compile(r"[^\w\s.,!?'\"\-:;()]")
#: The most frequent English function words; a text with two of them is not gibberish.
_COMMON_WORDS = re.compile(r"\b(?:the|and|is|it|to|of|for|this|was|in|my|with|but|not|on|that|have|you|are|they|i)\b")
_VOWELS = frozenset("aeiouyäöüáéíóúàèìòùâêîôûåæøœ")


#: Whether :func:`_detect_char_run` cuts the field's runs out by the spans it already found instead of a second
#: ``_CHAR_RUN.sub`` scan (a switch for A/B timing: the same string either way).
_CHAR_RUN_REST_FROM_RUNS: bool = True


@_detector("char_run")
def _detect_char_run(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """The same character 10+ times in a row. Strong only when the field is essentially nothing but runs
    (fewer than :data:`SPAM_CHAR_RUN_OTHER_LETTERS` other letters); emphasis or padding after a real opinion
    ("Works great!!!!!!!!!!!!", "Son loves it........") is common in genuine reviews and is only a weak note."""
    for fname in _fields(params):
        s = rv.get(fname)
        runs = list(_CHAR_RUN.finditer(s))
        if not runs:
            continue
        if _CHAR_RUN_REST_FROM_RUNS:  # the field without its runs: what sub("") leaves (the same matches)
            cuts = [0] + [i for m in runs for i in m.span()] + [len(s)]
            rest = "".join([s[cuts[i]: cuts[i + 1]] for i in range(0, len(cuts), 2)])
        else:
            rest = _CHAR_RUN.sub("", s)
        only = _RUN_OTHER_LETTERS.match(rest) is None  # fewer than SPAM_CHAR_RUN_OTHER_LETTERS letters
        for m in runs:
            yield _finding(rv, fname, m.start(), m.end(), f"{m.end() - m.start()} x {m.group(1)!r}"
                           + ("" if only else "; the field has other content, so emphasis or padding"),
                           weak=not only, not_removal=not only)


@_detector("word_run")
def _detect_word_run(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """The same word :data:`SPAM_WORD_RUN`+ times in a row, when the run dominates the review (title and text,
    :data:`SPAM_WORD_RUN_SHARE`), is non-lexical, or is long (:data:`SPAM_WORD_LONG_RUN`) and not an
    emphatic word. A short emphatic run inside real text ("love love love love love the soap") is no hit."""
    for fname in _fields(params):
        s = rv.get(fname)
        runs = list(_WORD_RUN.finditer(s))
        if not runs:
            continue
        total = len(_WORDS.findall(rv.title)) + len(_WORDS.findall(rv.text))  # the whole review, not one field
        emphatic = frozenset(load_lexicon("emphatic_words"))
        for m in runs:
            word = m.group(1)
            reps = len(_WORDS.findall(m.group(0)))
            share = reps / total if total else 1.0
            if share >= SPAM_WORD_RUN_SHARE:
                why = f"{reps} of the field's {total} words"
            elif _implausible(word) or not any(c.isalpha() for c in word):
                why = "not a word"
            elif reps >= SPAM_WORD_LONG_RUN and word.lower() not in emphatic:
                why = f"a run of {reps}"
            else:
                continue
            yield _finding(rv, fname, m.start(), m.end(), f"{word!r} repeated {reps} times ({why})")


@_detector("symbols")
def _detect_symbols(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """``mode=only``: a field with no letters or digits at all (>= 12 non-space chars), or such a run of 12+
    symbols inside text (weak, e.g. separators). ``mode=share``: symbol/emoji share above the threshold."""
    mode = params.get("mode", "only")
    for fname in _fields(params):
        s = rv.get(fname)
        if not s:
            continue
        if mode == "only":
            if _ALNUM.search(s) is None and len("".join(s.split())) >= SPAM_SYMBOL_RUN:
                a = len(s) - len(s.lstrip())
                yield _finding(rv, fname, a, len(s.rstrip()), "no letters or digits at all")
            else:
                for m in _SYMBOL_RUN.finditer(s):
                    yield _finding(rv, fname, m.start(), m.end(), "run of symbols inside the text",
                                   weak=True, not_removal=True)
        elif mode == "share":
            nonspace = len("".join(s.split()))
            if nonspace < SPAM_SYMBOL_RUN or _ALNUM.search(s) is None:
                continue  # the "only" rule covers all-symbol fields
            share = len(_SYMBOL_CHAR.findall(s)) / nonspace
            if share > SPAM_SYMBOL_SHARE:
                a = len(s) - len(s.lstrip())
                yield _finding(rv, fname, a, len(s.rstrip()), f"symbol/emoji share {share:.2f} > {SPAM_SYMBOL_SHARE}")


def _implausible(token: str) -> bool:
    t = token.lower()
    if len(t) <= 3:
        return False
    if not any(c in _VOWELS for c in t):
        return True
    run = 0
    for c in t:
        run = 0 if c in _VOWELS else run + 1
        if run >= 5:
            return True
    return len(t) > 25


@_detector("gibberish")
def _detect_gibberish(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Low share of pronounceable words (vowel/consonant heuristic, Latin script only). Weak by design."""
    for fname in _fields(params):
        s = rv.get(fname)
        if len(_COMMON_WORDS.findall(rv.lower(fname))) >= 2:
            continue  # two ordinary function words: real language, whatever else is in it
        toks = [m for m in _TOKEN.finditer(s) if m.group(0).isascii()]
        if len(toks) < GIBBERISH_MIN_TOKENS:
            continue
        bad = [m for m in toks if _implausible(m.group(0))]
        share = len(bad) / len(toks)
        if share >= GIBBERISH_SHARE:
            yield _finding(rv, fname, toks[0].start(), toks[-1].end(),
                           f"{len(bad)} of {len(toks)} words look unpronounceable (share {share:.2f} >= {GIBBERISH_SHARE})")


# --------------------------------------------------------------------------------------------- language


#: English function words that are not also common words in German, Dutch, French, Spanish, Italian or
#: Portuguese ("in", "was", "is", "on", "a", "die" are left out for that reason).
_ENGLISH_ONLY_WORDS: Final[frozenset[str]] = frozenset(
    "the and it to of for this that with but not you they have are be at very would these from just one all if my "
    "your them their were been has had which what when will can could should".split())
#: Fast path: at least this many of those words, making at least this share of the tokens, is English.
ENGLISH_FAST_MIN_WORDS: Final[int] = 4
ENGLISH_FAST_MIN_SHARE: Final[float] = 0.2


@functools.lru_cache(maxsize=4096)
def _plainly_english(low: str) -> bool:
    """True when English function words are frequent enough that language identification is not needed."""
    toks = _ANCHOR_TOKEN.findall(low)
    n = sum(1 for t in toks if t in _ENGLISH_ONLY_WORDS)
    return n >= ENGLISH_FAST_MIN_WORDS and n >= ENGLISH_FAST_MIN_SHARE * len(toks)


@functools.cache
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


#: Distinct texts whose identified language is remembered, so sentiment and the language check classify a
#: review's text once per run (about 300 characters each: at most ~20 MB).
_LANGUAGE_CACHE_SIZE: Final[int] = 1 << 16


_CLASSIFIED: dict[str, tuple[str, float, float]] = {}


def _from_ranked(ranked: list[tuple[str, float]]) -> tuple[str, float, float]:
    lang, conf = ranked[0]
    p_en = next((float(p) for code, p in ranked if code == "en"), 0.0)
    return str(lang), float(conf), p_en


_CLASSIFIED_LOCK = threading.Lock()


def _remember(head: str, result: tuple[str, float, float]) -> None:
    with _CLASSIFIED_LOCK:
        if len(_CLASSIFIED) >= _LANGUAGE_CACHE_SIZE:
            _CLASSIFIED.pop(next(iter(_CLASSIFIED)))  # oldest first: results never depend on what is cached
        _CLASSIFIED[head] = result


def _remember_all(heads: list[str], results: list[tuple[str, float, float]]) -> None:
    """:func:`_remember` of each pair in turn, under one acquisition of the lock."""
    with _CLASSIFIED_LOCK:
        for head, result in zip(heads, results):
            if len(_CLASSIFIED) >= _LANGUAGE_CACHE_SIZE:
                _CLASSIFIED.pop(next(iter(_CLASSIFIED)))
            _CLASSIFIED[head] = result


def _classify(head: str) -> tuple[str, float, float]:
    """(most likely language, its probability, the probability of English), normalised py3langid probabilities.

    Memoised per text (shared by the language check and :func:`detect_language`, i.e. sentiment);
    :func:`_classify_many` fills the memo for many texts at once.
    """
    hit = _CLASSIFIED.get(head)
    if hit is None:
        hit = _from_ranked(_language_identifier().rank(head))
        _remember(head, hit)
    return hit


#: Texts walked through py3langid's byte automaton together (bounds the byte matrix to a few tens of MB).
_CLASSIFY_BLOCK: Final[int] = 8192


def _classify_many(heads: Iterable[str]) -> None:
    """Classify the texts not yet memoised, many at once: py3langid's per-byte automaton walk (a Python loop
    per byte in ``visit_counts``) runs for all texts in lock-step as numpy array steps, and the rest of
    py3langid's scoring runs block-wide wherever its floats do not depend on it (:func:`_rank_block`), so
    each result equals ``_from_ranked(_language_identifier().rank(head))`` exactly (tested).
    Falls back to one text at a time when the identifier lacks the internals this relies on."""
    todo = [h for h in dict.fromkeys(heads) if h not in _CLASSIFIED]
    if not todo:
        return
    ident = _language_identifier()
    needed = ("_encode", "_norm_probs", "_alias_pairs", "tk_nextmove", "_rowbase", "tk_output", "nb_ptc", "nb_pc",
              "nb_classes")
    if not all(hasattr(ident, a) for a in needed):  # pragma: no cover - another py3langid version
        for h in todo:
            _classify(h)
        return
    for a in range(0, len(todo), _CLASSIFY_BLOCK):
        block = todo[a: a + _CLASSIFY_BLOCK]
        _remember_all(block, _rank_block(ident, block))


@functools.cache
def _automaton(ident: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """py3langid's transition table, row offsets and output per state as arrays; the table (about 10 M
    entries, an ``array.array``) is read in place rather than copied to int64 (78 MB per process)."""
    move = ident.tk_nextmove
    if isinstance(move, array.array) and move.typecode in "bBhHiIlLqQ":
        nextmove = np.frombuffer(move, dtype=np.dtype(move.typecode))
    else:  # pragma: no cover - another py3langid version
        nextmove = np.asarray(move, dtype=np.int64)
    return nextmove, np.asarray(ident._rowbase, dtype=np.int64), np.asarray(ident.tk_output, dtype=np.int64)


#: Bound on the (row, feature, position) sort keys of :func:`_rank_block` (int64); a block past it is halved.
_SORT_KEY_LIMIT: Final[int] = 1 << 62


def _rank_block(ident: Any, heads: list[str]) -> list[tuple[str, float, float]]:
    """``[_from_ranked(ident.rank(h)) for h in heads]`` for a block of texts, with the same floats.

    Each text's distinct features (first-seen order, as py3langid's ``Counter``) and their counts come from
    :func:`_visits`; the one step whose float result depends on its summation order, py3langid's
    ``log1p(counts) @ nb_ptc[features] + nb_pc`` (a BLAS product), runs per text exactly as py3langid writes
    it; the rest of ``_decide`` (length scaling, ``exp``, normalisation, alias merging) is element-wise or per
    row, so it runs once on the block's (texts x classes) matrix, and the top label and English are read from
    the labels' first columns."""
    if not getattr(ident, "_norm_probs", False):  # pragma: no cover - _language_identifier() normalises
        return [_from_ranked(ident.rank(h)) for h in heads]
    encoded = _encoded(ident, heads)
    n = len(encoded)
    if not n:
        return []
    n_cls = len(ident.nb_classes)
    raw = _raw_native(ident, encoded)
    if raw is None:
        table = ident.nb_ptc
        core = _weights_core(table)
        visits = _visits_native(ident, encoded, core) if core is not None else None
        if visits is None:
            width = max(max(map(len, encoded)), 1)
            if n > 1 and n * int(table.shape[0]) * (width + 1) >= _SORT_KEY_LIMIT:
                half = n // 2
                return _rank_block(ident, heads[:half]) + _rank_block(ident, heads[half:])
            visits = _visits_numpy(ident, encoded, width)
        feat, counts, starts, ends = visits
        weights = np.log1p(counts.astype(np.float32))  # element-wise: the same floats as py3langid's per text
        raw = np.zeros((n, n_cls), dtype=np.float32)  # a text without features: py3langid's 0.0 fill
        if core is not None:  # float16 rows widened by the native core: the very floats numpy's cast gives
            feat = feat.astype(np.int64, copy=False)
            scratch = np.empty((int((ends - starts).max(initial=0)), n_cls), dtype=np.float32)
            bits, lut = table.view(np.uint16), _f16_to_f32()
            for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
                if b > a:
                    rows_w = scratch[: b - a]
                    core.lut_rows(bits, n_cls, feat[a:b], lut, rows_w)
                    raw[i] = weights[a:b] @ rows_w + ident.nb_pc
        else:
            for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
                if b > a:
                    raw[i] = weights[a:b] @ table[feat[a:b]] + ident.nb_pc
    scale = np.array([1.0 / math.sqrt(len(e) or 1) for e in encoded], dtype=np.float64).astype(np.float32)
    raw *= scale[:, None]
    raw -= raw.max(axis=1, keepdims=True)
    np.exp(raw, out=raw)
    raw /= raw.sum(axis=1, keepdims=True)
    for i, j in ident._alias_pairs:
        raw[:, i] += raw[:, j]
        raw[:, j] = 0.0
    first_cols, labels = _label_columns(tuple(ident.nb_classes))
    merged = raw.take(first_cols, axis=1)  # C-ordered (raw[:, cols] is F-ordered: a slow row-wise argmax)
    top = merged.argmax(axis=1)
    conf = merged[np.arange(n), top].tolist()
    en = labels.index("en") if "en" in labels else None
    p_en = merged[:, en].tolist() if en is not None else [0.0] * n
    return [(labels[t], float(c), float(e)) for t, c, e in zip(top.tolist(), conf, p_en)]


#: ASCII texts :func:`_ascii_encode_checked` tries ``_encode`` on: upper case (lowered), mixed, lower, empty.
_ENCODE_CHECK: Final[tuple[str, ...]] = ("", "ABC DEF!", "AbC dEf 12", "abc", "THE 1ST, OK?", "A", "1 2", " \t\n",
                                         "Das ist SEHR gut.", "HELLO world")


@functools.cache
def _ascii_encode_checked(ident: Any) -> bool:
    """Whether ``ident._encode`` of an ASCII str is ``(s.lower() if s.isupper() else s).encode()`` (py3langid's:
    NFC leaves ASCII as it is and its UTF-8 is itself), checked once on a few texts: :func:`_encoded` then
    encodes ASCII texts without the call."""
    try:
        return all(ident._encode(t) == (t.lower() if t.isupper() else t).encode() for t in _ENCODE_CHECK)
    except Exception:  # pragma: no cover - another identifier
        return False


def _encoded(ident: Any, heads: list[str]) -> list[bytes]:
    """``[ident._encode(h) for h in heads]``, an ASCII head encoded in place when :func:`_ascii_encode_checked`."""
    if not _ascii_encode_checked(ident):
        return [ident._encode(h) for h in heads]
    enc = ident._encode
    return [(h.lower() if h.isupper() else h).encode() if type(h) is str and h.isascii() else enc(h) for h in heads]


def _raw_native(ident: Any, encoded: list[bytes]) -> np.ndarray | None:
    """py3langid's raw scores (``_raw_score``, before ``_decide``) of the encoded texts as a (texts x classes)
    float32 matrix, by the optional native module (``reviewtools._langcore.raw_scores``): its automaton walk,
    each text's features in first-seen order with their counts, and ``log1p(counts) @ nb_ptc[features] +
    nb_pc`` with the float16 rows widened exactly, the ``log1p`` of each count read from numpy's own
    element-wise ``log1p`` of 0..longest, and the product made by the BLAS function numpy's matmul calls for it
    (:func:`_numpy_sgemv`), so its summation order is numpy's. A text with one distinct feature (numpy does not
    call BLAS for it) is scored here by py3langid's own expression. None when the module, numpy's sgemv or the
    model's layout is not there (the numpy/``_vadercore`` path then)."""
    core = _lang_core()
    if core is None:
        return None
    sgemv = _numpy_sgemv(core)
    table, pc = ident.nb_ptc, ident.nb_pc
    if (sgemv is None or table.dtype != np.float16 or table.ndim != 2 or not table.flags.c_contiguous
            or pc.dtype != np.float32 or pc.shape != (table.shape[1],) or not pc.flags.c_contiguous
            or table.shape[1] != len(ident.nb_classes) or table.shape[1] < 2):  # one class: numpy's dot, not sgemv
        return None
    nextmove = _automaton(ident)[0]
    states = _automaton_states(ident)
    if nextmove.dtype != np.uint32 or states is None:  # pragma: no cover - another py3langid version
        return None
    n, n_cls = len(encoded), int(table.shape[1])
    lens = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    if offsets[-1] >= _NATIVE_BYTES_LIMIT:
        return None
    log1p = np.log1p(np.arange(int(lens.max(initial=0)) + 1, dtype=np.float32))  # a count <= the text's bytes
    raw = np.zeros((n, n_cls), dtype=np.float32)  # a text without features: py3langid's 0.0 fill
    single = np.full((n, 2), -1, dtype=np.int64)
    core.raw_scores(b"".join(encoded), offsets, nextmove, states, table.view(np.uint16), n_cls, log1p,
                    _f16_to_f32(), pc, sgemv, raw, single)
    for i in np.flatnonzero(single[:, 0] >= 0).tolist():
        f, c = single[i].tolist()
        raw[i] = np.log1p(np.array([c], dtype=np.float32)) @ table[[f]] + pc  # as py3langid's _sparse_score
    return raw


#: The native scores take a block of fewer bytes than this (int32 positions); a larger one takes the numpy path.
_NATIVE_BYTES_LIMIT: Final[int] = (1 << 31) - 1


def _lang_core() -> Any:
    """The optional native module ``reviewtools._langcore`` (``raw_scores``), or None (not built, or
    ``REVIEWTOOLS_PURE_PYTHON=1``): :func:`_rank_block`'s numpy path (with ``_vadercore``'s walk) then."""
    from .vader import PURE_PYTHON_ENV

    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _langcore  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _langcore


#: Shapes (features, classes) of :func:`_numpy_sgemv`'s check against numpy's own product.
_SGEMV_CHECK_SHAPES: Final[tuple[tuple[int, int], ...]] = ((2, 142), (3, 7), (17, 142), (64, 142), (65, 142),
                                                          (130, 142), (700, 142), (33, 2))


@functools.cache
def _numpy_sgemv(core: Any) -> int | None:
    """The address of the BLAS function numpy's matmul calls for a float32 ``vector @ matrix`` (C-contiguous, at
    least two rows): ``cblas_sgemv(RowMajor, Trans, k, classes, 1, rows, classes, x, 1, 0, y, 1)`` of numpy's
    bundled OpenBLAS (``scipy_cblas_sgemv64_``, 64-bit integers), found among the libraries of numpy's own
    extension module, so the very kernel, threading and summation order numpy's product has. Checked once
    against numpy's product on a few random shapes; None for another BLAS or a mismatch."""
    import ctypes

    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        if blas.get("name") != "scipy-openblas" or "USE64BITINT" not in str(blas.get("openblas configuration")):
            return None
        from numpy._core import _multiarray_umath

        addr = ctypes.cast(ctypes.CDLL(_multiarray_umath.__file__).scipy_cblas_sgemv64_, ctypes.c_void_p).value
    except (AttributeError, KeyError, TypeError, OSError, ImportError):
        return None
    if not addr:
        return None
    rng = np.random.default_rng(8)
    for k, m in _SGEMV_CHECK_SHAPES:
        rows = rng.standard_normal((k, m)).astype(np.float32)
        x = np.log1p(rng.integers(1, 9, k).astype(np.float32))
        y = np.empty(m, dtype=np.float32)
        core.product(addr, rows, m, x, y)
        if y.tobytes() != (x @ rows).tobytes():
            return None
    return int(addr)


@functools.cache
def _automaton_states(ident: Any) -> np.ndarray | None:
    """Per automaton state, its row offset and output feature as an int32 pair (one read per byte walked in
    ``_langcore``), or None when they do not fit in int32."""
    _, rowbase, output = _automaton(ident)
    lim = np.iinfo(np.int32)
    if len(rowbase) != len(output) or (len(rowbase) and (rowbase.max() > lim.max or rowbase.min() < 0
                                                          or output.max() > lim.max or output.min() < lim.min)):
        return None  # pragma: no cover - another model
    return np.ascontiguousarray(np.stack([rowbase, output], axis=1), dtype=np.int32)


_Visits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _visits_native(ident: Any, encoded: list[bytes], core: Any) -> _Visits | None:
    """py3langid's ``visit_counts`` for every text by the native core (``_vadercore.lang_visits``): the
    features of text ``i`` in first-seen order are ``feat[starts[i]:ends[i]]``, with their counts. None when
    the core or the automaton's layout does not allow it (the numpy walk then)."""
    if not hasattr(core, "lang_visits"):
        return None
    nextmove, rowbase, output = _automaton(ident)
    if nextmove.dtype != np.uint32:  # pragma: no cover - another py3langid version
        return None
    n = len(encoded)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=n), out=offsets[1:])
    total = int(offsets[-1])
    feat = np.empty(total, dtype=np.int64)
    counts = np.zeros(total, dtype=np.int64)  # slots past a text's end stay 0 (log1p reads them)
    ends = np.empty(n, dtype=np.int64)
    core.lang_visits(b"".join(encoded), offsets, nextmove, rowbase, output, int(ident.nb_ptc.shape[0]), feat,
                     counts, ends)
    return feat, counts, offsets[:-1], ends


def _visits_numpy(ident: Any, encoded: list[bytes], width: int) -> _Visits:
    """:func:`_visits_native` in numpy: the automaton walk for all texts in lock-step, then the distinct
    features per text in first-seen order and their counts from two sorts over the whole block."""
    nextmove, rowbase, output = _automaton(ident)
    n = len(encoded)
    lens = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    order = np.argsort(-lens, kind="stable")  # longest first: the texts still walking are a prefix
    data = np.zeros((n, width), dtype=np.uint8)
    for r, i in enumerate(order.tolist()):
        if lens[i]:
            data[r, : lens[i]] = np.frombuffer(encoded[i], dtype=np.uint8)
    sorted_lens = lens[order]
    feats = np.full((n, width), -1, dtype=np.int32)  # feature ids < 2**31 (about 10**5 in py3langid's model)
    state = np.zeros(n, dtype=np.int64)
    active = n
    for p in range(width):
        while active and sorted_lens[active - 1] <= p:
            active -= 1
        st = nextmove[rowbase[state[:active]] + data[:active, p]]
        state[:active] = st
        feats[:active, p] = output[st]
    # One feature per position, so a (row, first position) pair names a (row, feature) group: sort (row,
    # feature, position) keys, take each group's first position and size, then sort the groups by (row, first
    # position).
    n_feat, w = int(ident.nb_ptc.shape[0]), width + 1
    rr, pp = np.nonzero(feats >= 0)  # row-major: by row, then position
    s2 = np.sort((rr * n_feat + feats[rr, pp].astype(np.int64)) * w + pp)
    grp = s2 // w
    first = np.flatnonzero(np.concatenate(([True], grp[1:] != grp[:-1]))) if len(s2) else np.zeros(0, np.int64)
    counts = np.diff(np.append(first, len(s2)))
    s3 = np.sort(((grp[first] // n_feat) * w + s2[first] % w) * w + counts)
    counts = s3 % w
    row_pos = s3 // w
    rows = row_pos // w
    feat = feats[rows, row_pos % w].astype(np.int64)
    bounds = np.searchsorted(rows, np.arange(n + 1))
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    starts[order] = bounds[:-1]
    ends[order] = bounds[1:]
    return feat, counts, starts, ends


def _weights_core(table: np.ndarray) -> Any:
    """The native core (``reviewtools._vadercore.lut_rows``) for a C-contiguous float16 weight table, else None
    (not built, stale, an older build, or disabled by ``REVIEWTOOLS_PURE_PYTHON=1``): numpy's gather then."""
    from .vader import native_module

    core = native_module()
    if core is None or not hasattr(core, "lut_rows"):
        return None
    if table.dtype != np.float16 or not table.flags.c_contiguous or table.ndim != 2:
        return None
    return core


@functools.cache
def _f16_to_f32() -> np.ndarray:
    """numpy's own float16 -> float32 conversion of all 65,536 bit patterns (the native gather's table)."""
    return np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)


@functools.cache
def _label_columns(classes: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """Each distinct label's first column (where ``_decide`` merges its aliases), in column order."""
    first: dict[str, int] = {}
    for i, c in enumerate(classes):
        first.setdefault(c, i)
    return np.fromiter(first.values(), dtype=np.intp, count=len(first)), [str(c) for c in first]


class LanguageGuess(NamedTuple):
    """What :func:`detect_language` could tell about a text.

    ``language``: ISO 639 code when confident (else None); ``likely`` and ``confidence``: the identifier's top
    language and its probability (None when it did not run); ``english``: the probability that the text is
    English (1.0 on the English fast path, None when too short); ``note``: how it was decided or why not.
    """

    language: str | None
    likely: str | None
    confidence: float | None
    english: float | None
    note: str

    @property
    def not_english(self) -> bool:
        """True when the text is confidently not English: English at most 1 − LANGUAGE_MIN_CONFIDENCE and the
        identifier's top language at least :data:`LANGUAGE_LIKELY_MIN` (Arabic at 0.81 beside its dialects
        counts; shouted or stretched English, where no language scores, does not)."""
        return (self.english is not None and self.english <= 1.0 - LANGUAGE_MIN_CONFIDENCE
                and self.confidence is not None and self.confidence >= LANGUAGE_LIKELY_MIN)


#: Whether :func:`_letters_upto_min` counts an ASCII string's letters by ``bytes.translate`` (a switch for A/B
#: timing: the count is the same either way).
_ASCII_LETTER_COUNT: bool = True
_ASCII_LETTER_BYTES: Final[bytes] = bytes(c for c in range(128) if chr(c).isalpha())


def _letters_upto_min(s: str) -> int:
    r"""``min(len(_LETTER.findall(s)), LANGUAGE_MIN_CHARS)``: one match when there are enough letters. In an ASCII
    string ``_LETTER`` (``[^\W\d_]``) matches exactly the ASCII letters: their bytes, counted by deleting them
    from the string's bytes (one C pass; the regexes cost ~10 us on a short text's two failed scans)."""
    if _ASCII_LETTER_COUNT and s.isascii():
        b = s.encode("ascii")
        return min(len(b) - len(b.translate(None, _ASCII_LETTER_BYTES)), LANGUAGE_MIN_CHARS)
    return LANGUAGE_MIN_CHARS if _ENOUGH_LETTERS.match(s) else len(_LETTER.findall(s))


def detect_language(text: str | None) -> LanguageGuess:
    """The language of a review text, when it can be told (see :class:`LanguageGuess`).

    Same rules as the ``unsupported_language`` check: fewer than :data:`LANGUAGE_MIN_CHARS` letters is too
    short to tell; text with frequent English-only function words is English without the identifier; else
    py3langid on the first :data:`LANGUAGE_MAX_CHARS` characters, a language accepted at
    :data:`LANGUAGE_MIN_CONFIDENCE`. Results are cached, so the language check and sentiment classify once.

    >>> detect_language("Das Produkt ist nach zwei Wochen kaputt gegangen, leider sehr enttäuschend.").language
    'de'
    >>> detect_language("Too short").note
    'text too short for language detection (8 letters < 40)'
    """
    s = (text or "").strip()
    letters = _letters_upto_min(s)
    if letters < LANGUAGE_MIN_CHARS:
        return LanguageGuess(None, None, None, None,
                             f"text too short for language detection ({letters} letters < {LANGUAGE_MIN_CHARS})")
    if _plainly_english(s[:LANGUAGE_MAX_CHARS].lower()):
        return LanguageGuess("en", None, None, 1.0, "English function words")
    return _identified(*_classify(s[:LANGUAGE_MAX_CHARS]))


def _identified(lang: str, conf: float, p_en: float) -> LanguageGuess:
    """:func:`detect_language`'s guess from the identifier's (language, probability, probability of English)."""
    if conf < LANGUAGE_MIN_CONFIDENCE:
        return LanguageGuess(None, lang, conf, p_en,
                             f"language detector not confident ({lang} p={conf:.2f} < {LANGUAGE_MIN_CONFIDENCE})")
    return LanguageGuess(lang, lang, conf, p_en, f"py3langid {lang} p={conf:.2f}")


def detect_languages(texts: Iterable[str | None]) -> list[LanguageGuess]:
    """:func:`detect_language` for many texts: the ones that need the identifier are classified together
    first (:func:`_classify_many`, several times faster than one at a time), with the same results.

    >>> [g.language for g in detect_languages(["Too short", "Das Produkt ist nach zwei Wochen kaputt gegangen."])]
    [None, 'de']
    """
    texts = list(texts)
    heads = []
    for text in texts:
        s = (text or "").strip()
        if len(s) >= LANGUAGE_MIN_CHARS and not _plainly_english(s[:LANGUAGE_MAX_CHARS].lower()):
            heads.append(s[:LANGUAGE_MAX_CHARS])
    _classify_many(heads)
    return [detect_language(t) for t in texts]


def detect_languages_brief(texts: Sequence[str | None],
                           heads: Sequence[str | None]) -> tuple[list[str | None], dict[int, LanguageGuess]]:
    """What sentiment reads of ``detect_languages(texts)``, without a :class:`LanguageGuess` per text.

    Returns each text's language (``g.language``, or ``g.language or g.likely`` when ``g.not_english``) and the
    guesses ``g`` that are ``not_english``, by position. ``heads[i]``, when not None, is what the caller already
    knows of ``texts[i]``: ``texts[i].strip()[:LANGUAGE_MAX_CHARS]``, with at least :data:`LANGUAGE_MIN_CHARS`
    letters and not ``_plainly_english`` of its lower case (so it needs the identifier); None: decided here as
    :func:`detect_language` decides, stripping and testing the function words once per text. The identifier's
    memo ends up holding the same texts in the same order as after :func:`detect_languages` (tested).
    """
    n = len(texts)
    need: list[str | None] = list(heads)
    todo: list[str] = []  # detect_languages' batch: stripped length >= LANGUAGE_MIN_CHARS and not plainly English
    for i in range(n):
        h = need[i]
        if h is None:
            s = (texts[i] or "").strip()
            head = s[:LANGUAGE_MAX_CHARS]
            plain = _plainly_english(head.lower())
            if len(s) >= LANGUAGE_MIN_CHARS and not plain:
                todo.append(head)
            if _letters_upto_min(s) < LANGUAGE_MIN_CHARS:
                need[i] = ""  # too short to tell: no language
            elif plain:
                need[i] = "en"  # English function words (never a head: a known head is not plainly English)
            else:
                need[i] = head
        else:
            todo.append(h)
    _classify_many(todo)
    language: list[str | None] = [None] * n
    foreign: dict[int, LanguageGuess] = {}
    low, likely = LANGUAGE_MIN_CONFIDENCE, LANGUAGE_LIKELY_MIN
    for i, h in enumerate(need):
        if not h:
            continue
        if h == "en" and heads[i] is None:
            language[i] = "en"
            continue
        lang, conf, p_en = _classify(h)
        if p_en <= 1.0 - low and conf >= likely:  # LanguageGuess.not_english
            foreign[i] = _identified(lang, conf, p_en)
            language[i] = lang  # g.language or g.likely: both lang
        elif conf >= low:
            language[i] = lang
    return language, foreign


@functools.cache
def load_language_allow_lists() -> Mapping[str, Any]:
    """Per-marketplace allowed languages (``resources/rules/markets/languages.json``)."""
    return MappingProxyType(json.loads(_resource_text("markets", "languages.json")))


def _allowed_languages(marketplace: str | None) -> tuple[str | None, tuple[str, ...] | None]:
    if not marketplace:
        return None, None
    data = load_language_allow_lists()
    m = marketplace.strip().lower()
    m = data["aliases"].get(m, m)
    entry = data["marketplaces"].get(m)
    return (m, tuple(entry["languages"])) if entry else (m, None)


def _too_short(letters: int) -> Finding:
    """The language check's finding on a text with ``letters`` (< :data:`LANGUAGE_MIN_CHARS`) letters."""
    return Finding(None, None, None, None,
                   f"text too short for language detection ({letters} letters < {LANGUAGE_MIN_CHARS})", "not_run")


@_detector("language")
def _detect_language(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Language of the text against the marketplace's allow-list (py3langid, offline, deterministic)."""
    s = rv.text.strip()
    market, allowed = _allowed_languages(rv.marketplace)
    if allowed is None:
        why = "no marketplace" if market is None else f"marketplace {market!r} has no allow-list"
        yield Finding(None, None, None, None, f"{why}: language allow-list unknown", "not_run")
        return
    letters = _letters_upto_min(s)  # the exact count matters only below the minimum (the note)
    if letters < LANGUAGE_MIN_CHARS:
        yield _too_short(letters)
        return
    if "en" in allowed and _plainly_english(rv.lower("text")[:LANGUAGE_MAX_CHARS]):
        return  # allowed language, decided without the (slower) identifier
    lang, conf, _ = _classify(s[:LANGUAGE_MAX_CHARS])
    if conf < LANGUAGE_MIN_CONFIDENCE:
        yield Finding(None, None, None, None,
                      f"language detector not confident ({lang} p={conf:.2f} < {LANGUAGE_MIN_CONFIDENCE})", "not_run")
        return
    if lang not in allowed:
        a = rv.text.find(s)
        verified = bool(load_language_allow_lists()["marketplaces"][market].get("verified"))
        note = f"detected {lang} (p={conf:.2f}); {market} allows {', '.join(allowed)}"
        if not verified:
            note += " (allow-list unverified, so not a removal basis)"
        yield Finding("text", a, a + len(s), s, note, weak=not verified, not_removal=not verified)


# ----------------------------------------------------------------------------------------- compensated


@_detector("compensated")
def _detect_compensated(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Disclosure phrases; never for a Vine review (Amazon labels Vine itself); weak when Vine is unknown,
    because Vine reviewers often write the same disclosure."""
    if rv.vine is True:
        return
    for f in _detect_phrases(rv, params):
        if rv.vine is None:
            yield f._replace(note="vine status unknown: if this is a Vine review the rule does not apply",
                             weak=True)
        else:
            yield f._replace(note="not a Vine review")


# -------------------------------------------------------------------------------------- seller feedback

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_WORDS = re.compile(r"\w+")


def _sentences(s: str) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(s):
        a, b = m.start(), m.end()
        while a < b and s[a].isspace():
            a += 1
        while b > a and s[b - 1].isspace():
            b -= 1
        if any(c.isalnum() for c in s[a:b]):
            yield a, b


@_detector("seller_feedback")
def _detect_seller_feedback(rv: _Review, params: Mapping[str, Any]) -> Iterator[Finding]:
    """Share of content sentences (title and text) about the seller, order, delivery or service.

    Each sentence is one of:

    * *logistics*: a logistics cue (``phrases/logistics.txt``) and no product cue (``phrases/product_cues.txt``);
    * *product*: a product cue, or, when it has no logistics cue, an evaluative word (``lexicons/evaluative.txt``:
      "very nice", "Great", "yum"), however short; or any other sentence of more than
      :data:`SELLER_FEEDBACK_FILLER_WORDS` words;
    * *filler*: short and neither ("Very disappointed.", star-count titles such as "Five Stars"): left out.

    All content sentences logistics -> a removal-basis hit spanning them (weak when one is longer than
    :data:`SELLER_FEEDBACK_STRONG_MAX_WORDS` words, a likely run-on); a mixed review with at least
    :data:`SELLER_FEEDBACK_MIXED_SHARE` -> a weak, non-removal hit on its first logistics sentence. The note
    always gives the share.
    """
    anchors = _anchors(params)
    if rv.lacks(anchors):
        return
    logistic = _phrase_regex("logistics")
    product = _phrase_regex("product_cues")
    evaluative = _word_regex("evaluative")
    # First pass: the logistics cue of each sentence. Without one in any sentence there is no hit, so the
    # product and evaluative searches (two long alternations per sentence) run only on reviews that have one.
    # The anchor contract (every logistics match contains an anchor word) holds per sentence as it does per
    # review (sentences end at non-word characters, so they split no token): the long logistics alternation
    # runs only on the sentences that have an anchor word.
    # Every logistics sentence counts and at most those are spans; every other sentence of more than
    # SELLER_FEEDBACK_FILLER_WORDS words counts too. So the share below is at most logistics / (logistics + longer)
    # (and, before the logistics searches, at most anchored / (anchored + longer ones without an anchor)): under
    # the lower threshold there is no finding, and the searches need not run.
    lowest = min(SELLER_FEEDBACK_MIXED_SHARE, SELLER_FEEDBACK_REMOVABLE_SHARE)
    pending: list[tuple[str, int, int, str, str, bool]] = []
    for fname in FIELDS:
        s = rv.get(fname)
        low = rv.lower(fname)
        if fname == "title" and _STAR_TITLE.match(s):
            continue
        for a, b in _sentences(s):
            sent, lsent = s[a:b], low[a:b]
            anchored = anchors is None or not anchors.isdisjoint(_ANCHOR_TOKEN.findall(lsent))
            pending.append((fname, a, b, sent, lsent, anchored))
    anchored_n = sum(1 for sn in pending if sn[5])
    if not anchored_n:
        return
    words = [len(_WORDS.findall(sn[3])) for sn in pending]
    unanchored_longer = sum(1 for sn, n in zip(pending, words) if not sn[5] and n > SELLER_FEEDBACK_FILLER_WORDS)
    if anchored_n / (anchored_n + unanchored_longer) < lowest:
        return
    # The logistics cue of each anchored sentence (longer ones first), stopping as soon as the share can no
    # longer reach the lower threshold: with ``found`` cues so far and ``left`` sentences not searched, the
    # final count of logistics sentences is at most found + left and the longer ones without a cue at least
    # ``longer``, and the share x / (x + y) only falls as x falls and y grows (float division rounds
    # monotonically, so the final share, computed as before, is below the threshold too). A review that
    # stops here is one the full searches would end with no finding (no logistics sentence, or the share
    # under ``lowest``); the searches are independent, so their order changes no flag.
    flags = [False] * len(pending)
    left, found, longer = anchored_n, 0, unanchored_longer
    for i in sorted((i for i, sn in enumerate(pending) if sn[5]),
                    key=lambda i: words[i] <= SELLER_FEEDBACK_FILLER_WORDS):
        sn = pending[i]
        flags[i] = logistic.search_in(sn[4], sn[3])
        left -= 1
        if flags[i]:
            found += 1
        elif words[i] > SELLER_FEEDBACK_FILLER_WORDS:
            longer += 1
        most = found + left
        if not most or most / (most + longer) < lowest:
            return
    sentences = [sn[:5] + (flag,) for sn, flag in zip(pending, flags)]
    counted = 0
    longest = 0
    spans: list[tuple[str, int, int]] = []
    for (fname, a, b, sent, lsent, is_logistic), n_words in zip(sentences, words):
        if is_logistic:
            counted += 1
            if not product.search_in(lsent, sent):
                spans.append((fname, a, b))
                longest = max(longest, n_words)
        elif (n_words > SELLER_FEEDBACK_FILLER_WORDS or product.search_in(lsent, sent)
              or evaluative.search_in(lsent, sent)):
            counted += 1
    if not spans:
        return
    share = len(spans) / counted
    note = f"{len(spans)} of {counted} sentences about seller/order/delivery/service (share {share:.2f})"
    text_spans = [sp for sp in spans if sp[0] == "text"]
    if share >= SELLER_FEEDBACK_REMOVABLE_SHARE:
        weak = longest > SELLER_FEEDBACK_STRONG_MAX_WORDS
        if weak:
            note += f"; a {longest}-word sentence may say more than its logistics cue, so a person should read it"
        if text_spans:
            yield _finding(rv, "text", text_spans[0][1], text_spans[-1][2], note, weak=weak)
        else:
            yield _finding(rv, spans[0][0], spans[0][1], spans[-1][2], note, weak=weak)
    elif share >= SELLER_FEEDBACK_MIXED_SHARE:
        f, a, b = spans[0]
        yield _finding(rv, f, a, b, note + "; mixed with product content, so not removable",
                       weak=True, not_removal=True)


# --------------------------------------------------------------------------------- column-wide prefilters
#
# ``check_each_review`` runs each rule's detector only on the rows that *can* give it a finding. For every
# detector a prefilter computes, over the whole column at once (RE2 through ``pyarrow.compute``, or a C-level
# string method), a NECESSARY condition for the detector to yield anything: a superset of the rows it would
# report. The detector itself then runs unchanged on those rows, so the output is exactly the per-review
# loop's (:func:`_check_each_review_reference`, kept callable and tested for equality).
#
# Why each condition is necessary is written beside it. Three facts are used throughout:
# * Python ``\b``/``\w``/``\s`` are Unicode-aware and RE2's are ASCII, so the RE2 conditions never rely on
#   RE2's classes for non-ASCII text: a neighbour is tested with explicit ASCII classes, which every Python
#   non-word character satisfies ("not an ASCII letter or digit").
# * Literals are searched in the text as Python lower-cases it (``str.lower``), which is what the matchers'
#   fast path searches; rows where lower-casing changes a field's length (``İ``) take the IGNORECASE path
#   (``_Matcher``), whose Unicode case folds (``ſ``~``s``, ``ı``~``i``) a literal search would miss, so those
#   rows are always candidates.
# * A literal found in ``title + "\x00" + text`` is in one of the fields (no literal holds ``\x00``).

_FIELD_SEP: Final[str] = "\x00"
#: Rows checked together by ``check_each_review`` (the column copies the prefilters build are a few times the
#: text of one block: about 1 GB at 100,000 rows of 400 characters would be too much for a 1M-row partition).
_CHECK_BLOCK_ROWS: Final[int] = 50_000
#: Most strings one pattern piece may stand for before the required-literal analysis stops expanding it.
_LITERAL_EXPANSION_LIMIT: Final[int] = 64
#: RE2 class of ASCII characters that cannot belong to a Python token (``[^\W_]``) or word (``\w``, "_" left
#: out): every character outside it is either an ASCII letter/digit or possibly part of a word.
_RE2_ASCII_NONTOKEN: Final[str] = r"[\x{00}-\x{2f}\x{3a}-\x{40}\x{5b}-\x{60}\x{7b}-\x{7f}]"
_RE2_ASCII_NONWORD: Final[str] = r"[\x{00}-\x{2f}\x{3a}-\x{40}\x{5b}-\x{5e}\x{60}\x{7b}-\x{7f}]"
#: ASCII characters Python's ``\s`` matches (``str.isspace``: \t \n \v \f \r, \x1c-\x1f and space).
_ASCII_SPACE: Final[str] = "".join(chr(c) for c in range(128) if chr(c).isspace())


def _re2_escape(s: str) -> str:
    """Escape a literal for RE2: ASCII punctuation and controls as ``\\x{..}``, everything else as itself."""
    return "".join(c if (c.isascii() and c.isalnum()) or not c.isascii() else "\\x{%02x}" % ord(c) for c in s)


def _re2_class(chars: str, negate: bool = False) -> str:
    return "[" + ("^" if negate else "") + "".join("\\x{%02x}" % ord(c) for c in sorted(set(chars))) + "]"


def _parser() -> Any:
    try:
        import re._parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    return sre_parse


def _required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` (compiled case-sensitively, no flags) contains.

    A classic required-factor analysis over Python's own regex parse tree: a sequence needs what any of its
    parts needs (the most selective part is kept), an alternation needs one of its branches' needs, a
    repeat of at least one needs its body's, and zero-width items (``\\b``, lookarounds) need nothing and
    add nothing. None when some match may contain no fixed string at all.

    >>> sorted(_required_literals(r"\\bship(?:ping|ped)\\b|a\\s+cart"))
    ['cart', 'shipped', 'shipping']
    """
    sp = _parser()
    _exact, clauses = _literal_info(sp.parse(pattern, 0), sp)
    return _best(list(clauses))


def _required_sequences(pattern: str) -> tuple[tuple[frozenset[str], ...], ...] | None:
    """The pattern as alternatives, each with the literal sets its matches contain *in this order* (one string
    of each set, the occurrences not overlapping): every match satisfies at least one alternative. None when
    some alternative needs no literal.

    >>> [[sorted(c) for c in alt] for alt in _required_sequences(r"\\bi work for\\s+(?:company|brand)\\b|my\\s+shop")]
    [[['i work for'], ['brand', 'company']], [['my'], ['shop']]]
    """
    sp = _parser()
    return _alternatives(sp.parse(pattern, 0), sp)


#: Words frequent in any English text; a literal set with a string made only of them selects little.
_FUNCTION_WORDS: Final[frozenset[str]] = frozenset(
    "a an the and or but if of to in on at by for with from as is it its it's was were be been are am i you "
    "he she we they my our your his her their me us them this that these those not no so do did does have has "
    "had will would can could should must need ought where when what which who how get got go".split())


def _clause_score(c: frozenset[str]) -> tuple[bool, int, int]:
    """How selective a literal set is likely to be: no string made only of function words, then the shortest
    string's length, then fewer strings."""
    common = any(all(w in _FUNCTION_WORDS for w in x.split()) for x in c)
    return (not common, min(len(x) for x in c), -len(c))


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    cands = [c for c in cands if c and "" not in c]
    if not cands:
        return None
    best = max(cands, key=_clause_score)
    # A string that contains another string of the set adds nothing: keep the shorter.
    kept: list[str] = []
    for x in sorted(best, key=len):
        if not any(k in x for k in kept):
            kept.append(x)
    return frozenset(kept)


# A phrase pattern that can match none of _SEGMENT_ENDS has each match inside one segment of the text between
# them. Every match also holds a string of its alternative's most selective literal set (:func:`_best`), so
# ``finditer`` over the text yields, in order, the matches of the segments holding such a string, each found by
# ``finditer(text, a, b + 1)`` over its segment [a, b) and the character ending it. Why that is the same: a
# search from ``a`` reads the text before ``a`` as it is (look-behinds, ``\b``); a match ends by ``b`` and reads
# at most the character at ``b`` past it (``\b``; no look-ahead or end anchor is allowed); the whole-text scan
# enters each segment at or before its start (a match never ends past a segment's end), and a pattern that
# cannot match the empty string never matches at a segment end itself.

#: Characters that end a segment for :func:`_segment_matches` (sentence punctuation: phrases stay inside).
_SEGMENT_ENDS: Final[str] = ".!?"
_CATEGORY_PATTERN: Final[dict[str, str]] = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _class_may_hold(items: Any, c: str, sp: Any) -> bool:
    """Whether the parsed character class ``items`` (an ``IN``) may match ``c`` (True when unsure)."""
    negate, hit = False, False
    for op, av in items:
        if op is sp.NEGATE:
            negate = True
        elif op is sp.LITERAL:
            hit |= av == ord(c)
        elif op is sp.RANGE:
            hit |= av[0] <= ord(c) <= av[1]
        elif op is sp.CATEGORY and str(av) in _CATEGORY_PATTERN:
            hit |= re.fullmatch(_CATEGORY_PATTERN[str(av)], c) is not None
        else:
            return True
    return hit != negate


def _stays_in_segment(items: Any, ends: str, sp: Any) -> bool:
    """Whether a match of the parsed ``items`` (flag-free) never holds a character of ``ends`` and reads no text
    after itself but the next character: no look-ahead, end anchor or back-reference (look-behinds and ``\b``
    are fine); False when unsure."""
    repeats = (sp.MAX_REPEAT, sp.MIN_REPEAT, getattr(sp, "POSSESSIVE_REPEAT", sp.MAX_REPEAT))
    backward = (sp.AT_BEGINNING, sp.AT_BEGINNING_STRING, sp.AT_BOUNDARY, sp.AT_NON_BOUNDARY)
    for op, av in items:
        if op is sp.LITERAL:
            ok = chr(av) not in ends
        elif op is sp.IN:
            ok = not any(_class_may_hold(av, c, sp) for c in ends)
        elif op in repeats:
            ok = _stays_in_segment(av[2], ends, sp)
        elif op is sp.SUBPATTERN:
            ok = not av[1] and not av[2] and _stays_in_segment(av[3], ends, sp)
        elif op is sp.BRANCH:
            ok = all(_stays_in_segment(b, ends, sp) for b in av[1])
        elif op is getattr(sp, "ATOMIC_GROUP", object()):
            ok = _stays_in_segment(av, ends, sp)
        elif op is sp.AT:
            ok = av in backward
        elif op is sp.ASSERT or op is sp.ASSERT_NOT:
            ok = av[0] < 0  # a look-behind reads only the text before
        else:
            ok = False  # any character, a negated literal, a back-reference, ...
        if not ok:
            return False
    return True


_BY_PATTERN: dict[tuple[str, int], tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}


def _by_pattern(kind: str, rx: re.Pattern[str] | None,
                make: Callable[[re.Pattern[str] | None], re.Pattern[str] | None]) -> re.Pattern[str] | None:
    """``make(rx)``, memoised by the pattern's identity (hashing a compiled pattern hashes its whole program,
    tens of microseconds for a long phrase list: too slow per review or sentence)."""
    hit = _BY_PATTERN.get((kind, id(rx)))
    if hit is not None and hit[0] is rx:
        return hit[1]
    out = make(rx)
    _BY_PATTERN[kind, id(rx)] = (rx, out)  # keeps the pattern alive, so its id stays unique
    return out


def _literal_starts(rx: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """For a matcher's lower-case (fast path) pattern: the literals one of which each match holds (each
    alternative's most selective set, :func:`_best` of :func:`_alternative_items`), as one pattern; None when
    some match needs no literal."""
    return _by_pattern("literals", rx, _literal_starts_of)


def _literal_starts_of(rx: re.Pattern[str] | None) -> re.Pattern[str] | None:
    if rx is None or rx.flags & re.IGNORECASE:
        return None
    sp = _parser()
    try:
        alts = _alternative_items(sp.parse(rx.pattern, 0), sp)
    except (TypeError, ValueError, IndexError, re.error):  # pragma: no cover - a parse tree this does not know
        return None
    if alts is None:
        return None
    lits: set[str] = set()
    for clauses, _ in alts:
        best = _best(list(clauses))
        if best is None:
            return None
        lits |= best
    if not lits or "" in lits:
        return None
    starts = re.compile("|".join(re.escape(x) for x in sorted(lits, key=len, reverse=True)))
    _STARTS_LITERALS[id(starts)] = (starts, tuple(sorted(lits)))  # keeps the pattern alive: its id stays unique
    return starts


#: The literals of each pattern :func:`_literal_starts_of` made, by the pattern's identity.
_STARTS_LITERALS: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}
#: Whether :func:`_segment_matches` finds the literals by ``str.find`` (a switch for A/B timing: the same matches).
_SEGMENT_FIND: bool = True


def _segment_literals(rx: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """:func:`_literal_starts` of a pattern for which :func:`_segment_matches` gives its ``finditer`` (see the
    comment above); else None."""
    return _by_pattern("segments", rx, _segment_literals_of)


def _segment_literals_of(rx: re.Pattern[str] | None) -> re.Pattern[str] | None:
    starts = _literal_starts(rx)
    if rx is None or starts is None:
        return None
    sp = _parser()
    try:
        items = sp.parse(rx.pattern, 0)
        if items.getwidth()[0] < 1 or not _stays_in_segment(items, _SEGMENT_ENDS, sp):
            return None
    except (TypeError, ValueError, IndexError, re.error):  # pragma: no cover - a parse tree this does not know
        return None
    if any(c in starts.pattern for c in _SEGMENT_ENDS):  # a literal holding one (re.escape keeps the character)
        return None
    return starts


def _segment_matches(rx: re.Pattern[str], starts: re.Pattern[str], s: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(s)`` for a pattern whose matches stay inside the segments between :data:`_SEGMENT_ENDS` and
    hold a match of ``starts`` (:func:`_segment_literals`): ``rx`` runs only on the segments that hold one.

    The next literal is found by ``str.find`` of each of the pattern's literals (:data:`_STARTS_LITERALS`), the
    nearest one kept, each literal's next place looked for again only once the scan has passed it: the same
    place as ``starts.search(s, pos).start()`` (the leftmost start of any of them), without the regex trying its
    alternation at every character."""
    known = _STARTS_LITERALS.get(id(starts)) if _SEGMENT_FIND else None
    lits = known[1] if known is not None and known[0] is starts else None
    nxt = [s.find(x) for x in lits] if lits is not None else []
    pos = 0
    while True:
        if lits is None:
            lit = starts.search(s, pos)
            if lit is None:
                return
            p = lit.start()
        else:
            p = -1
            for k, at in enumerate(nxt):
                if 0 <= at < pos:
                    nxt[k] = at = s.find(lits[k], pos)
                if at >= 0 and (p < 0 or at < p):
                    p = at
            if p < 0:
                return
        a = max(s.rfind(c, 0, p) for c in _SEGMENT_ENDS) + 1
        b = min((i for i in (s.find(c, p) for c in _SEGMENT_ENDS) if i >= 0), default=len(s))
        yield from rx.finditer(s, a, b + 1)
        pos = b + 1


def _alternatives(items: Any, sp: Any) -> tuple[tuple[frozenset[str], ...], ...] | None:
    alts = _alternative_items(items, sp)
    return None if alts is None else tuple(c for c, _ in alts)


def _alternative_items(items: Any, sp: Any) -> list[tuple[tuple[frozenset[str], ...], Any]] | None:
    """Top-level alternatives of a parsed pattern: (their ordered literal sets, their parse items)."""
    core = [(op, av) for op, av in items if op is not sp.AT and op is not sp.ASSERT_NOT and op is not sp.ASSERT]
    if len(core) == 1:
        op, av = core[0]
        if op is sp.BRANCH:
            out: list[tuple[tuple[frozenset[str], ...], Any]] = []
            for branch in av[1]:
                alts = _alternative_items(branch, sp)
                if alts is None:
                    return None
                out.extend(alts)
            return out
        if op is sp.SUBPATTERN and not av[1] and not av[2]:
            return _alternative_items(av[3], sp)
    _exact, clauses = _literal_info(items, sp)
    kept = tuple(c for c in clauses if c and "" not in c)
    return [(kept, items)] if kept else None


@functools.cache
def _wide_space() -> re.Pattern[str]:
    """Every non-ASCII character Python's ``\\s`` matches (``sub(" ", ...)`` makes each an ASCII space)."""
    return re.compile("[" + "".join(c for c in _python_spaces() if not c.isascii()) + "]")


@functools.cache
def _python_spaces() -> str:
    """Every character Python's ``\\s`` matches (``str.isspace``), listed from Python itself."""
    import sys

    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def _python_space_class() -> str:
    """RE2 class of every character Python's ``\\s`` matches."""
    return "[" + "".join("\\x{%x}" % ord(c) for c in _python_spaces()) + "]"


#: RE2 supersets of Python's Unicode classes: \w and \d may be any character but the ASCII ones they exclude.
_RE2_SUPERSET_CLASS: Final[dict[str, str]] = {
    "CATEGORY_WORD": _RE2_ASCII_NONWORD.replace("[", "[^", 1),
    "CATEGORY_NOT_WORD": "[^a-zA-Z0-9_]",
    "CATEGORY_DIGIT": r"[^\x{00}-\x{2f}\x{3a}-\x{7f}]",
    "CATEGORY_NOT_DIGIT": "[^0-9]",
    "CATEGORY_NOT_SPACE": "[^" + "".join("\\x{%02x}" % ord(c) for c in _ASCII_SPACE) + "]",
}
#: Largest repeat count RE2 accepts.
_RE2_MAX_REPEAT: Final[int] = 1000


def _re2_superset(items: Any, sp: Any) -> str | None:
    """An RE2 pattern matching every string the (flag-free, case-sensitive) Python pattern ``items`` matches,
    and maybe more: assertions (``\\b``, lookarounds, anchors) are dropped, Unicode classes widened to what
    RE2 can say without Unicode tables, back-references become "anything". None for anything else (inline
    flags), so the caller keeps its literal sequences."""
    out = []
    items = list(items)
    zero_width = [op is sp.AT or op is sp.ASSERT or op is sp.ASSERT_NOT for op, _ in items]
    tail = ""
    for k, (op, av) in enumerate(items):
        if op is sp.ASSERT and not tail and av[0] == 1 and all(zero_width[k + 1:]):
            # A lookahead after the last consuming item reads the text right after the match: append it.
            tail = _re2_superset(av[1], sp) or ""
            continue
        if op is sp.ASSERT and not out and av[0] == -1 and all(zero_width[:k]):
            # A lookbehind before the first consuming item reads the text right before the match: prepend it.
            head = _re2_superset(av[1], sp)
            if head:
                out.append("(?:" + head + ")")
            continue
        if op is sp.LITERAL:
            out.append(_re2_escape(chr(av)))
        elif op is sp.NOT_LITERAL:
            out.append("[^" + _re2_escape(chr(av)) + "]")
        elif op is sp.ANY:
            out.append("[^\\n]")
        elif op is sp.AT or op is sp.ASSERT or op is sp.ASSERT_NOT:
            continue
        elif op is sp.IN:
            cls = _re2_superset_class(av, sp)
            if cls is None:
                return None
            out.append(cls)
        elif op is sp.BRANCH:
            parts = [_re2_superset(b, sp) for b in av[1]]
            if any(x is None for x in parts):
                return None
            out.append("(?:" + "|".join(parts) + ")")  # type: ignore[arg-type]
        elif op is sp.SUBPATTERN:
            if av[1] or av[2]:
                return None
            inner = _re2_superset(av[3], sp)
            if inner is None:
                return None
            out.append("(?:" + inner + ")")
        elif op is getattr(sp, "ATOMIC_GROUP", object()):
            inner = _re2_superset(av, sp)
            if inner is None:
                return None
            out.append("(?:" + inner + ")")
        elif op in (sp.MAX_REPEAT, sp.MIN_REPEAT, getattr(sp, "POSSESSIVE_REPEAT", sp.MAX_REPEAT)):
            lo, hi, body = av
            inner = _re2_superset(body, sp)
            if inner is None:
                return None
            lo = min(lo, _RE2_MAX_REPEAT)
            upper = "" if hi is sp.MAXREPEAT or hi > _RE2_MAX_REPEAT else str(hi)
            out.append("(?:" + inner + "){%d,%s}" % (lo, upper))
        elif op is sp.GROUPREF or op is getattr(sp, "GROUPREF_EXISTS", object()):
            out.append("(?s:.*)")
        else:
            return None
    return "".join(out) + ("(?:" + tail + ")" if tail else "")


def _re2_superset_class(items: Any, sp: Any) -> str | None:
    negate = bool(items) and items[0][0] is sp.NEGATE
    chars: list[str] = []
    wide: list[str] = []
    for op, av in (items[1:] if negate else items):
        if op is sp.LITERAL:
            chars.append(_re2_escape(chr(av)))
        elif op is sp.RANGE:
            chars.append(_re2_escape(chr(av[0])) + "-" + _re2_escape(chr(av[1])))
        elif op is sp.CATEGORY:
            name = str(av)
            if name == "CATEGORY_SPACE":
                wide.append(_python_space_class())
            elif name in _RE2_SUPERSET_CLASS:
                wide.append(_RE2_SUPERSET_CLASS[name])
            else:
                return None
        else:
            return None
    if negate:
        return "(?s:.)" if wide else "[^" + "".join(chars) + "]"  # a widened class negated narrows: give up
    return "(?:" + "|".join((["[" + "".join(chars) + "]"] if chars else []) + wide) + ")"


def _literal_info(items: Any, sp: Any) -> tuple[frozenset[str] | None, tuple[frozenset[str], ...]]:
    """(every string a sequence can match, when few; literal sets its matches contain, in order)."""
    cur: set[str] | None = {""}
    broken = False
    clauses: list[frozenset[str]] = []
    items = list(items)
    zero_width = [op is sp.AT or op is sp.ASSERT or op is sp.ASSERT_NOT for op, _ in items]
    head: tuple[frozenset[str], ...] = ()
    tail: tuple[frozenset[str], ...] = ()
    for k, (op, av) in enumerate(items):
        if op is sp.ASSERT:
            # A lookahead after the last consuming item reads text after every literal of the match; a
            # lookbehind before the first one, text before them: their literals extend the ordered sequence.
            direction, body = av
            if direction == 1 and all(zero_width[k + 1:]):
                tail = _literal_info(body, sp)[1]
            elif direction == -1 and all(zero_width[:k]):
                head = _literal_info(body, sp)[1]
        ex, sub = _node_info(op, av, sp)
        if ex is not None and cur is not None and len(cur) * len(ex) <= _LITERAL_EXPANSION_LIMIT:
            cur = {a + b for a in cur for b in ex}
            continue
        broken = True
        if cur is not None and "" not in cur:
            clauses.append(frozenset(cur))
        if ex is not None:
            cur = set(ex)
        else:
            cur = {""}
            clauses.extend(sub)
    if cur is not None and "" not in cur:
        clauses.append(frozenset(cur))
    exact = None if broken or cur is None else frozenset(cur)
    return exact, (*head, *clauses, *tail)


def _node_info(op: Any, av: Any, sp: Any) -> tuple[frozenset[str] | None, tuple[frozenset[str], ...]]:
    if op is sp.LITERAL:
        return frozenset({chr(av)}), ()
    if op is sp.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is sp.LITERAL:
                chars.add(chr(iav))
            elif iop is sp.RANGE and iav[1] - iav[0] < 16:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:
                return None, ()
        return frozenset(chars), ()
    if op is sp.AT or op is sp.ASSERT or op is sp.ASSERT_NOT:
        return frozenset({""}), ()  # zero-width
    if op is sp.BRANCH:
        infos = [_literal_info(b, sp) for b in av[1]]
        exact: frozenset[str] | None = None
        if all(e is not None for e, _ in infos):
            u = frozenset().union(*(e for e, _ in infos))  # type: ignore[misc]
            exact = u if len(u) <= _LITERAL_EXPANSION_LIMIT else None
        bests = [_best(list(c) + ([e] if e is not None else [])) for e, c in infos]
        if any(b is None for b in bests):
            return exact, ()
        return exact, (frozenset().union(*bests),)  # type: ignore[misc]
    if op is sp.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if add_flags or del_flags:
            return None, ()  # inline flags change what a literal matches: no claim
        return _literal_info(p, sp)
    if op is getattr(sp, "ATOMIC_GROUP", object()):
        return _literal_info(av, sp)
    if op in (sp.MAX_REPEAT, sp.MIN_REPEAT, getattr(sp, "POSSESSIVE_REPEAT", sp.MAX_REPEAT)):
        lo, hi, p = av
        e, c = _literal_info(p, sp)
        if lo == 0:
            return (frozenset({""}) | e if hi == 1 and e is not None else None), ()
        if lo == hi == 1:
            return e, c
        return None, (c if c else ((e,) if e is not None and "" not in e else ()))
    return None, ()


#: Literal sets per alternative used in the second, ordered-conjunction prefilter pass.
_SEQUENCE_CLAUSES: Final[int] = 6


@functools.cache
def _matcher_prefilter(m: _Matcher) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """For a matcher's lower-case (fast path) pattern: the literals one of which every match contains (each
    alternative's most selective set, together), and RE2 patterns, one of which every field with a match
    satisfies: the alternatives' superset translations (:func:`_re2_superset`) joined in one pattern, and each
    alternative that cannot be translated as its most selective literal sets in their order, one pattern each
    (joined, such "(?s:.*)" sequences have so many DFA states that RE2 falls back to its slow engine, 10-25x
    slower on review text). None when some match needs no literal."""
    if m.lower is None or m.lower.flags & re.IGNORECASE:
        return None
    sp = _parser()
    alts = _alternative_items(sp.parse(m.lower.pattern, 0), sp)
    if alts is None:
        return None
    seqs = [c for c, _ in alts]
    lits = frozenset().union(*(_best(list(alt)) for alt in seqs))  # type: ignore[misc]
    if any(_FIELD_SEP in x for alt in seqs for c in alt for x in c):
        return None
    parts = []
    for alt, items in alts:
        superset = _re2_superset(items, sp)
        if superset is not None and _re2_compiles(superset):
            parts.append(superset)
            continue
        ranked = sorted(range(len(alt)), key=lambda i: _clause_score(alt[i]), reverse=True)[:_SEQUENCE_CLAUSES]
        steps = [alt[i] for i in sorted(ranked)]  # the most selective sets, in the pattern's order
        parts.append("(?s:.*)".join("(?:" + "|".join(_re2_escape(x) for x in sorted(c)) + ")" for c in steps))
    # Alternatives without an unbounded gap share one RE2 pattern (2-4x faster than one pass each); each
    # literal sequence ("(?s:.*)" gaps) gets its own, because together their DFA states multiply.
    bounded = [x for x in dict.fromkeys(parts) if "(?s:.*)" not in x]
    gapped = [x for x in dict.fromkeys(parts) if "(?s:.*)" in x]
    combined = "|".join(bounded)
    if bounded and not _re2_compiles(combined):  # pragma: no cover - too big for RE2: one at a time
        return lits, tuple(bounded + gapped)
    return lits, tuple(([combined] if bounded else []) + gapped)


def _re2_compiles(pattern: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], type=pa.large_string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # pragma: no cover - RE2 refused it
        log.debug("RE2 refused a prefilter pattern; using literal sequences: %.80s", pattern)
        return False
    return True


def _matcher_literals(m: _Matcher) -> frozenset[str] | None:
    """Required literals of a matcher's lower-case (fast path) pattern; None when it has none."""
    pre = _matcher_prefilter(m)
    return None if pre is None else pre[0]


# A phrase's words are joined by ``\s+``, which keeps its literals short ("i", "am", "the seller"). In a text
# whose whitespace runs are each made one space ("normalised"), every match reads with single spaces, so its
# literal sets can be read across those gaps ("i am the seller"): far fewer rows hold one of each set.
#
# Why it is sound: take the pattern with each item that matches only whitespace characters (``\s``, a class
# or literal of them; repeated at least once, or optional) replaced by one space (or an optional space). For a
# match X of the pattern, the string Y that the replaced pattern matches (each such item's run made a space,
# an empty run left empty) normalises to the same text as X: both have the same non-whitespace characters, and
# whitespace between the same two of them. The required-literal analysis (:func:`_alternative_items`) of the
# replaced pattern says Y contains a string of each of some alternative's clauses; the normalised form of a
# string inside Y is inside the normalised Y (a whitespace run cut at its edge normalises to a space at the
# edge), so inside the normalised field (and the normalised ``title NUL text``: NUL is no whitespace).

#: Whether :func:`_phrase_candidates` narrows a phrase's rows by :meth:`_Batch.ws_rows` before its RE2 refine
#: (a switch for A/B timing: the output is the same either way).
_WS_CONJUNCTION: bool = True
#: Clauses (the most selective, by :func:`_clause_score`) an alternative keeps in the normalised conjunction.
_WS_CLAUSES: Final[int] = 2
#: A run of characters Python's ``\s`` matches (``str.isspace``).
_WS_RUN = re.compile(r"\s+")


def _ws_norm(s: str) -> str:
    """``s`` with each maximal run of whitespace characters (``str.isspace``) made one space."""
    return _WS_RUN.sub(" ", s)


def _ws_only(op: Any, av: Any, sp: Any) -> bool:
    """Whether the parse item matches only a whitespace character."""
    if op is sp.LITERAL:
        return chr(av).isspace()
    if op is sp.IN:
        return bool(av) and all((iop is sp.CATEGORY and str(iav) == "CATEGORY_SPACE")
                                or (iop is sp.LITERAL and chr(iav).isspace()) for iop, iav in av)
    return False


def _ws_replaced(items: Any, sp: Any) -> list[tuple[Any, Any]]:
    """The parse ``items`` with each whitespace-only item (see :func:`_ws_only`) a space, each repeat of one a
    space (at least once) or an optional space (``lo == 0``), recursively (groups, branches, lookarounds)."""
    repeats = (sp.MAX_REPEAT, sp.MIN_REPEAT, getattr(sp, "POSSESSIVE_REPEAT", sp.MAX_REPEAT))
    out: list[tuple[Any, Any]] = []
    for op, av in items:
        if _ws_only(op, av, sp):
            out.append((sp.LITERAL, 32))
        elif op in repeats:
            lo, hi, body = av
            body = list(body)
            if len(body) == 1 and _ws_only(*body[0], sp) and hi != 0:
                out.append((sp.LITERAL, 32) if lo >= 1 else (sp.MAX_REPEAT, (0, 1, [(sp.LITERAL, 32)])))
            else:
                out.append((op, (lo, hi, _ws_replaced(body, sp))))
        elif op is sp.BRANCH:
            out.append((op, (av[0], [_ws_replaced(b, sp) for b in av[1]])))
        elif op is sp.SUBPATTERN:
            out.append((op, (av[0], av[1], av[2], _ws_replaced(av[3], sp))))
        elif op is sp.ASSERT or op is sp.ASSERT_NOT:
            out.append((op, (av[0], _ws_replaced(av[1], sp))))
        elif op is getattr(sp, "ATOMIC_GROUP", object()):
            out.append((op, _ws_replaced(av, sp)))
        else:
            out.append((op, av))
    return out


@functools.cache
def _ws_alternatives(m: _Matcher) -> tuple[tuple[frozenset[str], ...], ...] | None:
    """For a matcher's lower-case (fast path) pattern: per alternative, up to :data:`_WS_CLAUSES` literal sets
    (normalised, each string of 3+ UTF-8 bytes and no NUL) such that every field with a match, normalised
    (:func:`_ws_norm`), holds a string of each set of some alternative (see the comment above); None when an
    alternative keeps no set (the test would rule nothing out) or the pattern has no such analysis."""
    if m.lower is None or m.lower.flags & re.IGNORECASE:
        return None
    sp = _parser()
    try:
        alts = _alternative_items(_ws_replaced(sp.parse(m.lower.pattern, 0), sp), sp)
    except (TypeError, ValueError, IndexError):  # pragma: no cover - a parse tree this does not know
        return None
    if alts is None:
        return None
    out = []
    for clauses, _ in alts:
        sets = [frozenset(_ws_norm(x) for x in c) for c in clauses]
        sets = [c for c in sets if all(len(x.encode("utf-8")) >= 3 and _FIELD_SEP not in x for x in c)]
        if not sets:
            return None
        out.append(tuple(sorted(dict.fromkeys(sets), key=_clause_score, reverse=True)[:_WS_CLAUSES]))
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=64)
def _ws_plan(matchers: tuple[_Matcher, ...]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray, int, np.ndarray,
                                                        np.ndarray, tuple[_Matcher, ...]] | None:
    """Those of ``matchers`` (at most 64) with :func:`_ws_alternatives`, as ``_checkcore.ws_literal_rows`` takes
    them: the literals' UTF-8 bytes concatenated, their int32 lengths, the int32 word and uint64 bit of the
    clause each stands for (one bit per distinct clause), the number of words, each alternative's required
    words (uint64, alternatives x words) and its matcher's bit (bit k: the k-th matcher of the returned order)."""
    order: list[_Matcher] = []
    clause_at: dict[frozenset[str], int] = {}
    alts: list[tuple[tuple[int, ...], int]] = []
    for m in matchers:
        ws = _ws_alternatives(m)
        if ws is None or len(order) >= 64 or m in order:
            continue
        for alt in ws:
            alts.append((tuple(clause_at.setdefault(c, len(clause_at)) for c in alt), len(order)))
        order.append(m)
    if not order:
        return None
    nwords = (len(clause_at) + 63) // 64
    lits: dict[tuple[bytes, int], int] = {}
    for c, i in clause_at.items():
        for x in c:
            key = (x.encode("utf-8"), i // 64)
            lits[key] = lits.get(key, 0) | 1 << (i % 64)
    req = np.zeros((len(alts), nwords), dtype=np.uint64)
    for a, (clauses, _) in enumerate(alts):
        for i in clauses:
            req[a, i // 64] |= np.uint64(1 << (i % 64))
    return (b"".join(b for b, _ in lits), np.asarray([len(b) for b, _ in lits], dtype=np.int32),
            np.asarray([w for _, w in lits], dtype=np.int32), np.asarray(list(lits.values()), dtype=np.uint64),
            nwords, req, np.asarray([1 << k for _, k in alts], dtype=np.uint64), tuple(order))


def _ws_rows_reference(lowered: Sequence[str], m: _Matcher) -> np.ndarray:
    """The rows (lower-cased ``title NUL text`` strings) whose normalised text holds a string of each clause of
    some alternative of :func:`_ws_alternatives` (all rows when there are none): what the native pass gives."""
    ws = _ws_alternatives(m)
    if ws is None:
        return np.ones(len(lowered), dtype=bool)
    out = np.zeros(len(lowered), dtype=bool)
    for j, s in enumerate(lowered):
        t = _ws_norm(s)
        out[j] = any(all(any(x in t for x in c) for c in alt) for alt in ws)
    return out


class _Constant(NamedTuple):
    """A prefilter's proof that the detector yields these same findings for every row."""

    findings: tuple[Finding, ...]


class _Selection(NamedTuple):
    """A prefilter's candidate rows (``mask``), and the rows among them where the rule's ``anchors`` are proven
    to be among the review's tokens (``sure``), so the detector need not tokenise the review to know it."""

    mask: np.ndarray
    anchors: frozenset[str] | None = None
    sure: np.ndarray | None = None
    #: Rows outside ``mask`` whose findings the prefilter already knows: (rows, the findings each of them gets)
    #: per group, added to the hits column-wise (:meth:`_Hits.add_constant`) without running the detector.
    known: tuple[tuple[np.ndarray, tuple[Finding, ...]], ...] = ()


#: Rows per block when counting bytes column-wide (bounds the temporary arrays to a few tens of MB).
_BYTE_BLOCK_ROWS: Final[int] = 20_000


def _checks_core() -> Any:
    """The native core (``reviewtools._vadercore``) with the checks' byte passes (``class_counts``,
    ``char_runs``, ``repeated_tokens``), or None (not built, an older build, or ``REVIEWTOOLS_PURE_PYTHON=1``):
    the numpy and RE2 passes then, which give the same masks (tests compare the two)."""
    from .vader import native_module

    core = native_module()
    return core if core is not None and hasattr(core, "repeated_tokens") else None


def _byte_table(ascii_chars: str = "", non_ascii: bool = False) -> np.ndarray:
    """A 256-entry 0/1 table over UTF-8 bytes: the given ASCII characters, and (``non_ascii``) the lead byte of
    every non-ASCII character (continuation bytes 0x80-0xBF never count, so each character counts once)."""
    t = np.zeros(256, dtype=np.uint8)
    for c in ascii_chars:
        assert c.isascii()
        t[ord(c)] = 1
    if non_ascii:
        t[0xC0:] = 1
    return t


# ------------------------------------------------------------------------------ one-pass multi-pattern scan
#
# The phrase, word and seller-feedback prefilters each start with a whole-column RE2 search for their matcher's
# required literals (:meth:`_Batch.literals`): about 14 passes over the lower-cased title NUL text per block.
# With the optional ``hyperscan`` package (manylinux wheels that bundle the library) a platform's literal sets
# are compiled into one database and each row is scanned once (``HS_FLAG_SINGLEMATCH``: at most one report per
# pattern and row): on the 20k benchmark corpus 0.04 CPU s instead of 0.14. Only :meth:`_Batch.maybe` uses it,
# where a superset of RE2's rows is enough; exact uses (negated masks, the ``sure`` anchor proofs, counts) stay
# on RE2. A pattern goes to Hyperscan only when written in the RE2 subset whose Hyperscan meaning includes all
# of RE2's matches (:func:`_hs_compatible`; a literal alternation means the same in both); anything else, or
# anything Hyperscan rejects, is RE2's search as before, and without the package every search is. Measured and
# left on RE2: the anchored word and literal-sequence patterns (Hyperscan over every row cost more than RE2 over
# the literal rows) and the 8 patterns over the unlowered view (0.056 s against 0.052 s of RE2 passes).

#: Regex syntax Hyperscan (PCRE semantics, UTF-8 mode, no UCP) reads as RE2 does, or more widely: ``\x{..}``,
#: escaped punctuation, groups ``(?:``, ``(?s)``, classes, repeats, ``^``/``$`` (Hyperscan's ``$`` also matches
#: before a final newline: a wider match). Backslash letters (``\b \w \s \d \p``, whose ASCII/Unicode meanings
#: differ between the two) and other ``(?`` constructs are not in it.
_HS_UNSAFE: Final[re.Pattern[str]] = re.compile(r"\\(?!x\{[0-9a-fA-F]+\})[A-Za-z0-9]|\(\?(?!:|s\))")
#: Most patterns one view's database holds (a plan is a platform's rule set: about 40 patterns today).
_HS_MAX_PATTERNS: Final[int] = 512


def _hyperscan() -> Any:
    """The ``hyperscan`` module, or None when it is not installed (every search is then RE2's)."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - exercised by the fallback tests through _HS_DISABLED
        return None
    return hyperscan


#: Tests set this to force the RE2-only path (the results must be the same either way).
_HS_DISABLED: bool = False


# The refines (:meth:`_Batch.refine`) search a few rows each with long patterns (price_comparison's phrase list
# is 37.7k characters, over ~1.2k of a 25k partition's rows). pyarrow's ``match_substring_regex`` compiles its
# pattern on every call and RE2 builds its DFA states again for each compile: ~8 ms a call for that one pattern
# alone, whatever the rows. google-re2 (``import re2``: Google's own binding of the same RE2 library, optional like
# Hyperscan) keeps each compiled pattern, and its DFA states, for the life of the process; its search is RE2's
# (UTF-8, case-sensitive, leftmost-first, not never_nl: pyarrow's options) over each row's own bytes (the row
# is the whole text: ``^``/``$`` read as pyarrow reads them). Per row it costs a Python call, so a refine takes
# it only when the pattern is long for the rows it reads (:data:`_RE2_ROWS_PER_CHAR`); without the package,
# or with rows pyarrow marks missing, pyarrow's kernel answers, the same rows.

#: A refine searches with the kept google-re2 pattern when its rows are at most this many per pattern character
#: (measured per pattern on 25k-row partitions of the 100k corpus: at 0.5 pyarrow and the kept pattern take
#: about the same time; below it the kept pattern wins, by up to 40x for the long phrase lists).
_RE2_ROWS_PER_CHAR: Final[float] = 0.5

#: Tests set this to force pyarrow's kernels everywhere (the results must be the same either way).
_RE2_DISABLED: bool = False


@functools.lru_cache(maxsize=1)
def _re2_binding() -> tuple[Any, Any, Any] | None:
    """google-re2's compiled-pattern class (``re2._re2.RE2``), the options pyarrow's kernels give RE2 (UTF-8,
    case-sensitive, quiet; no capture groups, which change no match) and the unanchored mode, or None when the
    package is missing or does not behave as written for (a self-test: a row's slice is its whole text)."""
    try:
        import re2

        cls, anchor = re2._re2.RE2, re2._Anchor.UNANCHORED
        opts = re2.Options()
        opts.log_errors = False
        opts.never_capture = True
        probe = cls(b"(?:^|x)b$", opts)
        row = memoryview(b"abx")[1:2]
        if not probe.ok() or probe.Match(anchor, row, 0, 1)[0] != (0, 1) \
                or probe.Match(anchor, b"abx", 1, 2)[0][0] >= 0:
            return None  # pragma: no cover - another binding's API
    except Exception:  # noqa: BLE001 - missing or another version: pyarrow's kernels instead
        return None
    return cls, opts, anchor


@functools.lru_cache(maxsize=256)
def _re2_kept(pattern: str) -> Any:
    """The ``Match`` method of ``pattern`` compiled once per process by google-re2 (its DFA states stay warm
    from call to call), or None (no binding, or a pattern it does not compile: pyarrow's kernel then answers,
    or raises, as before)."""
    binding = _re2_binding()
    if binding is None:
        return None
    cls, opts, _ = binding
    try:
        rx = cls(pattern.encode("utf-8"), opts)
    except Exception:  # noqa: BLE001 - e.g. a lone surrogate: pyarrow's kernel decides
        return None
    return rx.Match if rx.ok() else None


def _re2_search_rows(match: Any, data: np.ndarray, offsets: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per row of ``idx``, whether the kept pattern ``match`` (:func:`_re2_kept`) finds a match in that row's
    UTF-8 bytes ``data[offsets[i]:offsets[i + 1]]`` (each row searched as a text of its own, as
    ``pc.match_substring_regex`` does)."""
    anchor = _re2_binding()[2]  # type: ignore[index]
    view = memoryview(data)
    starts = offsets[idx].tolist()
    ends = offsets[idx + 1].tolist()
    spans = map(match, itertools.repeat(anchor), [view[a:e] for a, e in zip(starts, ends)], itertools.repeat(0),
                [e - a for a, e in zip(starts, ends)])
    return np.fromiter((s[0][0] >= 0 for s in spans), dtype=bool, count=len(idx))


def _hs_compatible(pattern: str) -> bool:
    """Whether ``pattern`` is written in the RE2 subset whose Hyperscan matches include all of RE2's."""
    return _HS_UNSAFE.search(pattern) is None


@functools.lru_cache(maxsize=64)
def _hs_database(patterns: tuple[str, ...]) -> tuple[Any, tuple[str, ...]] | None:
    """A block-mode database of those ``patterns`` Hyperscan compiles (UTF-8, single match), and their order
    (a pattern's id is its position there); None without the package or without a pattern."""
    hs = _hyperscan()
    if hs is None:
        return None
    flags = hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_UTF8

    def compile_(pats: list[str]) -> Any:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=[p.encode() for p in pats], ids=list(range(len(pats))), elements=len(pats),
                   flags=[flags] * len(pats))
        return db

    ok = []
    for p in patterns:
        if not _hs_compatible(p):
            continue
        try:
            compile_([p])
        except hs.error:
            continue
        ok.append(p)
    if not ok:
        return None
    return compile_(ok), tuple(ok)


_HS_LOCK = threading.Lock()  # a database's scratch space serves one scan at a time


def _hs_scan(db: Any, count: int, data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Scan each row's bytes (``data[offsets[j]:offsets[j+1]]``) once; an (n, count) boolean array of the
    database's patterns that match in each row."""
    n = len(offsets) - 1
    hits: list[int] = []
    add = hits.append

    def on_match(pid: int, start: int, end: int, flags: int, base: int) -> None:
        add(base + pid)

    mv = memoryview(data)
    bounds = offsets.tolist()
    with _HS_LOCK:
        scan = db.scan
        for j in range(n):
            a, b = bounds[j], bounds[j + 1]
            if a != b:  # positional (data, handler, flags, context): no keyword parsing per row
                scan(mv[a:b], on_match, 0, j * count)
    out = np.zeros(n * count, dtype=bool)
    out[np.asarray(hits, dtype=np.int64)] = True
    return out.reshape(n, count)


def _literal_core() -> Any:
    """The optional native module ``reviewtools._checkcore`` (``literal_rows``), or None (not built, or
    ``REVIEWTOOLS_PURE_PYTHON=1``): Hyperscan or RE2 then answer the literal patterns as well."""
    from .vader import PURE_PYTHON_ENV

    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _checkcore  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _checkcore


#: RE2 metacharacters: a pattern holding one unescaped is not a plain literal alternation.
_RE2_SPECIAL: Final[frozenset[str]] = frozenset("\\.+*?()|[]{}^$")
#: The neighbour classes of :func:`_re2_anchor_pattern` the native scan reads (its ``edges`` rows): a byte
#: table each, 1 where a UTF-8 byte belongs to a character of the class (bytes of non-ASCII characters: all
#: of the first, none of the second).
_LITERAL_EDGES: Final[tuple[tuple[str, np.ndarray], ...]] = (
    ("[^a-zA-Z0-9]", np.frombuffer(bytes(0 if chr(c).isascii() and chr(c).isalnum() else 1 for c in range(256)),
                                   dtype=np.uint8)),
    (_RE2_ASCII_NONTOKEN, np.frombuffer(bytes(1 if c < 128 and not chr(c).isalnum() else 0 for c in range(256)),
                                        dtype=np.uint8)),
)


def _literals_of(pattern: str) -> tuple[str, ...] | None:
    r"""The literals of ``pattern`` when it is a plain alternation of them (``a|b\x{20}c|www\.``: characters,
    ``\x{..}`` escapes and backslash-escaped ASCII punctuation, cut at ``|``); None for anything else (a
    class, a group, a repeat, an anchor, an empty alternative).

    >>> _literals_of("www\\.|a\\x{20}b|é"), _literals_of("(?:^|x)code")
    (('www.', 'a b', 'é'), None)
    """
    out: list[str] = []
    cur: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "|":
            if not cur:
                return None
            out.append("".join(cur))
            cur = []
            i += 1
        elif c == "\\":
            if pattern.startswith("\\x{", i):
                j = pattern.find("}", i)
                try:
                    cur.append(chr(int(pattern[i + 3: j], 16)))
                except ValueError:
                    return None
                i = j + 1
            elif i + 1 < n and pattern[i + 1].isascii() and not pattern[i + 1].isalnum():
                cur.append(pattern[i + 1])
                i += 2
            else:
                return None
        elif c in _RE2_SPECIAL:
            return None
        else:
            cur.append(c)
            i += 1
    if not cur:
        return None
    out.append("".join(cur))
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _literal_form(pattern: str) -> tuple[tuple[str, ...], int] | None:
    """``pattern`` as the native scan reads it: its literals and the row of :data:`_LITERAL_EDGES` bounding
    them (-1: none), for a plain literal alternation or one that :func:`_re2_anchor_pattern` wrote with one of
    those neighbour classes; None for any other pattern."""
    for k, (cls, _) in enumerate(_LITERAL_EDGES):
        head, tail = f"(?:^|{cls})(?:", f")(?:{cls}|$)"
        if pattern.startswith(head) and pattern.endswith(tail):
            lits = _literals_of(pattern[len(head): -len(tail)])
            return None if lits is None else (lits, k)
    lits = _literals_of(pattern)
    return None if lits is None else (lits, -1)


@functools.lru_cache(maxsize=64)
def _literal_plan(patterns: tuple[str, ...]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray,
                                                       tuple[str, ...]] | None:
    """Those of ``patterns`` :func:`_literal_form` reads (at most 64), as ``_checkcore.literal_rows`` takes
    them: the distinct (literal, neighbour class) pairs' UTF-8 bytes concatenated, their int32 lengths, the
    uint64 bits of the patterns holding them (bit k: the k-th pattern of the returned order), their int8
    neighbour class; None when there is none."""
    order: list[str] = []
    bits: dict[tuple[bytes, int], int] = {}
    for p in patterns:
        form = _literal_form(p)
        if form is None or len(order) >= 64 or p in order:
            continue
        for lit in form[0]:
            key = (lit.encode("utf-8"), form[1])
            bits[key] = bits.get(key, 0) | 1 << len(order)
        order.append(p)
    if not order:
        return None
    return (b"".join(b for b, _ in bits), np.asarray([len(b) for b, _ in bits], dtype=np.int32),
            np.asarray(list(bits.values()), dtype=np.uint64), np.asarray([c for _, c in bits], dtype=np.int8),
            tuple(order))


_LITERAL_EDGE_BYTES: Final[bytes] = b"".join(t.tobytes() for _, t in _LITERAL_EDGES)


class _ScanPlan:
    """The RE2 patterns a platform's prefilters ask :meth:`_Batch.maybe` for, per
    view, found by running them on an empty batch (see :func:`_scan_plan`)."""

    def __init__(self) -> None:
        self.views: dict[Any, list[str]] = {}
        self.ws: list[tuple[_Matcher, frozenset[str] | None]] = []  # what :meth:`_Batch.ws_rows` is asked for

    def add(self, view: Any, pattern: str) -> None:
        pats = self.views.setdefault(view, [])
        if pattern not in pats and len(pats) < _HS_MAX_PATTERNS:
            pats.append(pattern)


class _Plan(dict):  # type: ignore[type-arg]
    """A scan plan (:func:`_scan_plan`): per view, its patterns; ``ws``: the (matcher, anchors) pairs the
    prefilters ask :meth:`_Batch.ws_rows` for (kept beside the views: no pattern of theirs)."""

    ws: tuple[tuple[_Matcher, frozenset[str] | None], ...] = ()


_SCAN_PLANS: dict[tuple[Any, ...], dict[Any, tuple[str, ...]]] = {}
#: Plans kept (one per platform and rule set seen; a new rule set beyond this starts the cache afresh).
_SCAN_PLANS_MAX: Final[int] = 64


def _rules_key(rules: Sequence[Rule]) -> tuple[tuple[str, str, str], ...]:
    """What identifies a rule set for the caches kept per rule set (:func:`_scan_plan`, :func:`_warm_plan`)."""
    return tuple((r.rule_id, r.detector, repr(r.params)) for r in rules)


def _scan_plan(rules: Sequence[Rule], competitors: tuple[str, ...]) -> dict[Any, tuple[str, ...]]:
    """The patterns, per view, that ``rules``' prefilters search with a superset allowed: their calls on an
    empty batch, recorded (the searches a prefilter makes do not depend on the rows; one it makes only for
    some rows is searched with RE2 when it comes); under ``("exact", view)`` the patterns they refine rows
    with, which the native literal scan answers exactly where it reads them."""
    key = (_rules_key(rules), competitors)
    plan = _SCAN_PLANS.get(key)
    if plan is None:
        rec = _ScanPlan()
        empty = _Batch([], [], [], [], record=rec)
        for rule in rules:
            if rule.detector in PREFILTERS:
                PREFILTERS[rule.detector](empty, rule, competitors)
        plan = _Plan({v: tuple(p) for v, p in rec.views.items()})
        plan.ws = tuple(rec.ws)
        if len(_SCAN_PLANS) >= _SCAN_PLANS_MAX:
            _SCAN_PLANS.clear()
        _SCAN_PLANS[key] = plan
    return plan


def _arrow_bytes(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a ``large_string`` Arrow array and its rows' int64 offsets into them (no copy)."""
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
    return data, offsets


class _Batch:
    """The rows of one platform as plain lists, with the column-wide views the prefilters share (built lazily,
    once per call)."""

    def __init__(self, titles: list[str], texts: list[str], markets: list[str | None],
                 vines: list[bool | None], *, plan: Mapping[str, tuple[str, ...]] | None = None,
                 record: _ScanPlan | None = None, arrays: Mapping[str, Any] | None = None) -> None:
        self.titles, self.texts, self.markets, self.vines = titles, texts, markets, vines
        self.n = len(texts)
        # ``arrays``: a field's large_string Arrow column when the caller has it (the strings' UTF-8 bytes)
        self._memo: dict[Any, Any] = {("array", f): a for f, a in (arrays or {}).items()}
        self._plan = plan or {}  # per view, the patterns one Hyperscan pass answers (see _scan_plan)
        self._record = record  # collects the patterns maybe is asked for (on an empty batch)

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def lower(self, fname: str) -> list[str]:
        return self.memo(("lower", fname), lambda: [s.lower() for s in (self.titles if fname == "title"
                                                                          else self.texts)])

    def array(self, view: str) -> Any:
        """A pyarrow column: ``title``/``text`` (as given), ``title_low``/``text_low`` (lower-cased as Python
        does), ``joined`` (title NUL text), ``joined_low`` (the lower-cased fields so joined), ``text_low_head``
        (``text.lower()[:LANGUAGE_MAX_CHARS]``). The joined views and the head are made by Arrow from the field
        columns (the same strings as joining or slicing in Python, without a Python string per row)."""
        def make() -> Any:
            import pyarrow as pa
            import pyarrow.compute as pc

            if view in ("title", "text"):
                return pa.array(self.titles if view == "title" else self.texts, type=pa.large_string())
            if view in ("title_low", "text_low"):
                return self._lowered(view[:-4])
            if view in ("joined", "joined_low"):
                suffix = view[6:]
                return pc.binary_join_element_wise(self.array("title" + suffix), self.array("text" + suffix),
                                                   pa.scalar(_FIELD_SEP, type=pa.large_string()))
            if view == "text_low_head":  # slices code points, as Python does
                return pc.utf8_slice_codeunits(self.array("text_low"), 0, LANGUAGE_MAX_CHARS).cast(pa.large_string())
            raise ValueError(view)  # pragma: no cover - programming error

        return self.memo(("array", view), make)

    def _lowered(self, fname: str) -> Any:
        """The ``fname`` column lower-cased as Python's ``str.lower`` does, from the field's UTF-8 bytes: ASCII
        letters by one byte-wise pass (the same bytes as ``str.lower`` for any ASCII character), the rows with a
        non-ASCII character by ``str.lower`` each, written over their bytes; when one of those changes its byte
        length, the column of ``str.lower`` of every row (as :meth:`lower`)."""
        import pyarrow as pa

        arr = self.array(fname)
        if not len(arr):
            return pa.array([], type=pa.large_string())
        data, offsets = self._bytes(fname)
        lo = int(offsets[0])
        seg = data[lo: int(offsets[-1])]
        core = _checks_core()
        if core is not None and hasattr(core, "ascii_lower"):  # one C pass; numpy below is the reference
            low = np.empty_like(seg)
            core.ascii_lower(seg, low)
        else:
            low = seg + ((seg - np.uint8(65)) < 26).view(np.uint8) * np.uint8(32)  # A-Z -> a-z, all else kept
        rel = offsets - lo
        for j, lowered in self._non_ascii_lower(fname):
            b = lowered.encode("utf-8")
            a, e = int(rel[j]), int(rel[j + 1])
            if len(b) != e - a:
                return pa.array(self.lower(fname), type=pa.large_string())
            low[a:e] = np.frombuffer(b, dtype=np.uint8)
        return pa.LargeStringArray.from_buffers(len(arr), pa.py_buffer(np.ascontiguousarray(rel)), pa.py_buffer(low))

    def match(self, view: str, pattern: str) -> np.ndarray:
        """Rows whose ``view`` has a match of the RE2 ``pattern``."""
        def make() -> np.ndarray:
            import pyarrow.compute as pc

            return np.asarray(pc.match_substring_regex(self.array(view), pattern).to_numpy(zero_copy_only=False),
                              dtype=bool)

        return self.memo(("match", view, pattern), make)

    def count(self, view: str, pattern: str) -> np.ndarray:
        """Non-overlapping RE2 matches of ``pattern`` in each row's ``view``."""
        def make() -> np.ndarray:
            import pyarrow.compute as pc

            return np.asarray(pc.count_substring_regex(self.array(view), pattern).to_numpy(zero_copy_only=False),
                              dtype=np.int64)

        return self.memo(("count", view, pattern), make)

    def refine(self, view: str, rows: np.ndarray, patterns: tuple[str, ...]) -> np.ndarray:
        """``rows`` narrowed to those whose ``view`` matches one of the RE2 ``patterns`` (searched only in
        those rows, each pattern only where no earlier one matched)."""
        if self._record is not None:
            for pattern in patterns:
                self._record.add(("exact", view), pattern)

        def make() -> np.ndarray:
            import pyarrow as pa
            import pyarrow.compute as pc

            native = self._native(view)
            if all(p in native for p in patterns):  # the native scan's rows are RE2's
                out = np.zeros(self.n, dtype=bool)
                for p in patterns:
                    out |= native[p]
                return out & rows
            idx = np.flatnonzero(rows)
            out = np.zeros(self.n, dtype=bool)
            arr = self.array(view)
            kept = not _RE2_DISABLED and not arr.null_count
            for pattern in patterns:
                if not len(idx):
                    break
                match = _re2_kept(pattern) if kept and len(idx) <= _RE2_ROWS_PER_CHAR * len(pattern) else None
                if match is not None:  # the same rows as pyarrow's kernel, without compiling again
                    hit = _re2_search_rows(match, *self._bytes(view), idx)
                else:
                    hit = np.asarray(pc.match_substring_regex(arr.take(pa.array(idx)), pattern)
                                     .to_numpy(zero_copy_only=False), dtype=bool)
                out[idx[hit]] = True
                idx = idx[~hit]
            return out

        return self.memo(("refine", view, rows.tobytes(), patterns), make)

    def literal_in(self, view: str, rows: np.ndarray, pattern: str, fallback: str) -> np.ndarray:
        """``rows`` narrowed to those whose ``view`` matches ``pattern``, which :func:`_literal_form` reads, by
        the native literal scan of those rows' bytes only (``_checkcore.literal_rows`` on a copy of them; not
        part of the whole-view pass); without that module, :meth:`refine` by the RE2 ``fallback``. The caller
        makes ``pattern`` hold wherever ``fallback`` does (the rows may differ: only a superset is asked for)."""
        core = _literal_core()
        plan = None if core is None else _literal_plan((pattern,))
        if plan is None:
            return self.refine(view, rows, (fallback,))

        def make() -> np.ndarray:
            import pyarrow as pa

            idx = np.flatnonzero(rows)
            out = np.zeros(self.n, dtype=bool)
            if len(idx):
                data, offsets = _arrow_bytes(self.array(view).take(pa.array(idx)))
                blob, lens, bits, cls, _ = plan
                masks = np.zeros(len(idx), dtype=np.uint64)
                core.literal_rows(data, offsets, blob, lens, bits, cls, _LITERAL_EDGE_BYTES, masks)
                out[idx[masks != 0]] = True
            return out

        return self.memo(("literal_in", view, rows.tobytes(), pattern), make)

    def _scanned(self, view: str) -> dict[str, np.ndarray]:
        """Per pattern of the plan's ``view``, the rows where it may match: the plain literal alternations by
        one native pass (:meth:`_native`: exactly the rows holding one of the literals), the other patterns
        (all of them without that module) where Hyperscan finds a match (one scan of each row); empty without
        either or without a plan."""
        def make() -> dict[str, np.ndarray]:
            pats = self._plan.get(view)
            if not pats or not self.n:
                return {}
            got = {p: m for p, m in self._native(view).items() if p in pats}
            pats = tuple(p for p in pats if p not in got)
            found = None if _HS_DISABLED or not pats else _hs_database(pats)
            if found is not None:
                db, order = found
                data, offsets = self._bytes(view)
                hits = _hs_scan(db, len(order), data, offsets)
                got.update({p: hits[:, k] for k, p in enumerate(order)})
            return got

        return self.memo(("scanned", view), make)

    def _native(self, view: str) -> dict[str, np.ndarray]:
        """Per pattern of the plan's ``view`` (both lists) that :func:`_literal_form` reads, exactly the rows
        where RE2 would match it, by one native pass over the view's bytes (``_checkcore.literal_rows``); empty
        without the module or a plan."""
        def make() -> dict[str, np.ndarray]:
            core = _literal_core()
            pats = self._plan.get(view, ()) + self._plan.get(("exact", view), ())
            lits = None if core is None or not pats or not self.n else _literal_plan(pats)
            if lits is None:
                return {}
            data, offsets = self._bytes(view)
            blob, lens, bits, cls, order = lits
            masks = np.zeros(self.n, dtype=np.uint64)
            core.literal_rows(data, offsets, blob, lens, bits, cls, _LITERAL_EDGE_BYTES, masks)
            return {p: (masks & np.uint64(1 << k)) != 0 for k, p in enumerate(order)}

        return self.memo(("native", view), make)

    def ws_rows(self, matcher: _Matcher, anchors: frozenset[str] | None = None) -> np.ndarray | None:
        """A superset of the rows where ``matcher``'s fast path matches a field: those whose lower-cased title NUL
        text, its whitespace runs made one space, holds a string of each clause of some alternative
        (:func:`_ws_alternatives`), and every row the pass did not read. One native pass over ``joined_low``
        (``_checkcore.ws_literal_rows``) answers every (matcher, anchors) of the plan, on the rows where one of
        them may match (its required literals and, with ``anchors``, an anchor word, as
        :func:`_phrase_candidates` narrows them; no case change). None without the module, plan or analysis."""
        if self._record is not None and (matcher, anchors) not in self._record.ws:
            self._record.ws.append((matcher, anchors))

        def make() -> tuple[np.ndarray, dict[_Matcher, np.ndarray]]:
            core = _literal_core()
            asked = getattr(self._plan, "ws", ())
            plan = None if core is None or not hasattr(core, "ws_literal_rows") or not asked or not self.n \
                else _ws_plan(tuple(dict.fromkeys(m for m, _ in asked)))
            if plan is None:
                return np.zeros(self.n, dtype=bool), {}
            blob, lens, words, bits, nwords, req, alt_bits, order = plan
            need = np.zeros(self.n, dtype=bool)
            for m, anchor_set in asked:
                pre = _matcher_prefilter(m)
                if m not in order or pre is None:
                    continue
                rows = self.literals(pre[0])
                if anchor_set is not None:  # the same refine (and memo) as _phrase_candidates'
                    rows = self.refine("joined_low", rows, (_re2_anchor_pattern(anchor_set, "[^a-zA-Z0-9]"),))
                need |= rows
            read = need & ~self.case_changed()
            data, offsets = self._bytes("joined_low")
            out = np.zeros(self.n, dtype=np.uint64)
            core.ws_literal_rows(data, offsets, np.flatnonzero(read).astype(np.int64), blob, lens, words, bits,
                                 nwords, req, alt_bits, out)
            return read, {m: (out & np.uint64(1 << k)) != 0 for k, m in enumerate(order)}

        read, found = self.memo(("ws", "joined_low"), make)
        got = found.get(matcher)
        return None if got is None else got | ~read

    def maybe(self, view: str, pattern: str) -> np.ndarray:
        """A superset of :meth:`match`: rows whose ``view`` may match the RE2 ``pattern`` (Hyperscan's reading
        of it when the plan holds it, which matches wherever RE2 does; otherwise RE2's own answer)."""
        if self._record is not None:
            self._record.add(view, pattern)
        got = self._scanned(view).get(pattern)
        return self.match(view, pattern) if got is None else got

    def count_in(self, view: str, rows: np.ndarray, pattern: str) -> np.ndarray:
        """Non-overlapping RE2 matches of ``pattern`` in ``view`` on ``rows`` (0 on the other rows)."""
        def make() -> np.ndarray:
            import pyarrow as pa
            import pyarrow.compute as pc

            idx = np.flatnonzero(rows)
            out = np.zeros(self.n, dtype=np.int64)
            if len(idx):
                got = pc.count_substring_regex(self.array(view).take(pa.array(idx)), pattern)
                out[idx] = np.asarray(got.to_numpy(zero_copy_only=False), dtype=np.int64)
            return out

        return self.memo(("count_in", view, rows.tobytes(), pattern), make)

    def sentence_counts(self, view: str, rows: np.ndarray, words: tuple[str, ...] | None,
                        joint: bool = False) -> np.ndarray:
        """Per row of ``rows`` (0 on the others), ``_checkcore.sentence_counts`` of ``view``: with ``words``
        the segments holding one of them as a run of ASCII letters and digits, without them the segments
        holding more than SELLER_FEEDBACK_FILLER_WORDS pieces (see :func:`_sentence_words`); ``joint`` (with
        ``words``): the segments of the second kind that hold none of them (see :func:`_joint_sentence_counts`)."""
        def make() -> np.ndarray:
            import pyarrow as pa

            idx = np.flatnonzero(rows)
            out = np.zeros(self.n, dtype=np.int64)
            if len(idx):
                data, offsets = _arrow_bytes(self.array(view).take(pa.array(idx)))
                got = np.zeros(len(idx), dtype=np.int64)
                blob = "".join(words or ()).encode("ascii")
                lens = np.asarray([len(w) for w in words or ()], dtype=np.int32)
                pieces = 0 if words and not joint else SELLER_FEEDBACK_FILLER_WORDS + 1
                if joint:
                    _literal_core().sentence_counts(data, offsets, blob, lens, pieces,
                                                    np.zeros(len(idx), dtype=np.int64), got, 1)
                else:
                    _literal_core().sentence_counts(data, offsets, blob, lens, pieces,
                                                    got if words else np.zeros(len(idx), dtype=np.int64), got)
                out[idx] = got
            return out

        return self.memo(("sentence_counts", view, rows.tobytes(), words, joint), make)

    def has_byte(self, view: str, table: np.ndarray, pattern: str) -> np.ndarray:
        """Rows whose ``view`` holds an ASCII byte ``table`` marks, i.e. matches the RE2 class ``pattern`` of
        those bytes: the byte count (one C pass, shared with other prefilters) with the native core, else RE2."""
        if _checks_core() is None:
            return self.match(view, pattern)
        return self.byte_count(view, table) > 0

    def match_where(self, view: str, table: np.ndarray, least: int, pattern: str) -> np.ndarray:
        """:meth:`match` of the RE2 ``pattern``, searched only in the rows where ``table`` marks at least
        ``least`` bytes of ``view`` (the caller proves every match needs that many; counted by one C pass);
        without the native core, the plain RE2 pass."""
        if _checks_core() is None:
            return self.match(view, pattern)
        return self.refine(view, self.byte_count(view, table) >= least, (pattern,))

    def lengths(self, fname: str) -> np.ndarray:
        """Characters (code points, as ``len``) of each row's ``fname`` view (``title``, ``text``, or their
        lower-cased ``_low`` views), counted by Arrow on the view's column."""
        def make() -> np.ndarray:
            import pyarrow.compute as pc

            return np.asarray(pc.utf8_length(self.array(fname)).to_numpy(zero_copy_only=False), dtype=np.int64)

        return self.memo(("len", fname), make)

    def _non_ascii_lower(self, fname: str) -> list[tuple[int, str]]:
        """``(j, str.lower())`` of each row ``j`` whose ``fname`` field holds a non-ASCII character (a UTF-8 byte
        of 0x80 or more: one C pass), in row order; the other rows lower-case byte by byte."""
        def make() -> list[tuple[int, str]]:
            strings = self.titles if fname == "title" else self.texts
            return [(j, strings[j].lower()) for j in np.flatnonzero(self.byte_count(fname, _NON_ASCII) > 0).tolist()]

        return self.memo(("non_ascii_lower", fname), make)

    def case_changed(self) -> np.ndarray:
        """Rows where lower-casing changes a field's length: the matchers search those case-insensitively.
        ``lengths(f + "_low") != lengths(f)`` without counting either view: a row's ``f_low`` is its string's
        ``str.lower()`` (:meth:`_lowered`), which keeps the length of an ASCII string, so only the rows with a
        non-ASCII character (lower-cased once, shared with :meth:`_lowered`) are compared."""
        def make() -> np.ndarray:
            out = np.zeros(self.n, dtype=bool)
            for fname in FIELDS:
                strings = self.titles if fname == "title" else self.texts
                changed = [j for j, lowered in self._non_ascii_lower(fname) if len(lowered) != len(strings[j])]
                out[changed] = True
            return out

        return self.memo("case_changed", make)

    def _case_changed_reference(self) -> np.ndarray:
        """:meth:`case_changed` by counting the views' characters (Arrow), the definition it is tested against."""
        out = np.zeros(self.n, dtype=bool)
        for fname in FIELDS:
            out |= self.lengths(fname + "_low") != self.lengths(fname)
        return out

    def literals(self, lits: frozenset[str]) -> np.ndarray:
        """Rows whose lower-cased title or text contains one of ``lits`` (or that the matchers search
        case-insensitively, see :meth:`case_changed`)."""
        return self.maybe("joined_low", _re2_literal_set(lits)) | self.case_changed()

    def _bytes(self, view: str) -> tuple[np.ndarray, np.ndarray]:
        return _arrow_bytes(self.array(view))

    def byte_count(self, view: str, table: np.ndarray, run_starts: bool = False) -> np.ndarray:
        """Per row, the number of UTF-8 bytes of ``view`` that ``table`` marks (``run_starts``: only those that
        begin a run of marked bytes); with a signed table (int8), the sum of its values over the row's bytes."""
        def make() -> np.ndarray:
            data, offsets = self._bytes(view)
            out = np.zeros(self.n, dtype=np.int64)
            core = _checks_core()
            if core is not None and self.n:  # one C pass; the numpy blocks below are the reference
                core.class_counts(data, offsets, table.view(np.int8), bytes([run_starts]), out)
                return out
            for a in range(0, self.n, _BYTE_BLOCK_ROWS):
                b = min(self.n, a + _BYTE_BLOCK_ROWS)
                lo, hi = int(offsets[a]), int(offsets[b])
                rel = offsets[a: b + 1] - lo
                if hi == lo:
                    continue  # only empty strings in this block
                flag = table[data[lo:hi]]
                if run_starts and len(flag):
                    prev = np.empty_like(flag)
                    prev[0] = 0
                    prev[1:] = flag[:-1]
                    starts = rel[:-1][rel[:-1] < len(flag)]
                    prev[starts] = 0  # a row's first byte starts a run
                    flag = flag & (1 - prev)
                cs = flag.astype(np.int32 if len(flag) < 2**31 - 1 else np.int64)
                np.cumsum(cs, out=cs)  # in place: a fresh output array costs more than the sum
                ends = np.where(rel[1:] > 0, cs[np.maximum(rel[1:] - 1, 0)], 0)
                starts = np.where(rel[:-1] > 0, cs[np.maximum(rel[:-1] - 1, 0)], 0)
                out[a:b] = ends - starts
            return out

        return self.memo(("bytes", view, table.tobytes(), run_starts), make)


#: Pieces (characters) the seller-feedback prefilter cuts its logistics superset into (see
#: :func:`_pre_seller_feedback`). Measured on the 20k corpus, CPU ms on each rule's literal rows, whole -> cut
#: at 6,000: logistics (11,000 characters) 46-50 -> 20-22 (RE2 leaves its DFA for a slower matcher on the
#: whole; isolating its one branch with a ``{0,40}`` repeat gives the same), while every other rule's sequence
#: pattern got slower cut (price comparison 15 -> 40, insult 9 -> 17, danger 9 -> 16), so only it is cut.
_RE2_CHUNK_CHARS: Final[int] = 6000


@functools.lru_cache(maxsize=1024)
def _alternation_chunks(pattern: str, limit: int = _RE2_CHUNK_CHARS) -> tuple[str, ...]:
    r"""``pattern`` cut at its top-level alternatives into pieces of about ``limit`` characters (a row matches
    the pattern exactly when it matches one piece); the pattern itself when it is short or has no top-level
    ``|``. Escapes (``\x{..}``, ``\|``) and character classes are skipped over; a pattern starting with a flag
    group such as ``(?s)``, which applies to all of it, is not cut.

    >>> _alternation_chunks("ab|c(?:d|e)|[|]f", limit=4)
    ('ab', 'c(?:d|e)', '[|]f')
    """
    if len(pattern) <= limit or (pattern.startswith("(?") and not pattern.startswith("(?:")):
        return (pattern,)
    parts: list[str] = []
    depth, in_class, start, i = 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern.startswith("^", i + 1):
                i += 1
            if pattern.startswith("]", i + 1):  # a "]" first in a class is a member
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    if depth != 0 or in_class or len(parts) == 1:
        return (pattern,)
    chunks: list[str] = []
    cur: list[str] = []
    size = 0
    for part in parts:
        if cur and size + len(part) > limit:
            chunks.append("|".join(cur))
            cur, size = [], 0
        cur.append(part)
        size += len(part) + 1
    chunks.append("|".join(cur))
    return tuple(chunks)


Prefilter = Callable[[_Batch, Rule, tuple[str, ...]], "np.ndarray | _Constant | None"]
PREFILTERS: dict[str, Prefilter] = {}


def _prefilter(name: str) -> Callable[[Prefilter], Prefilter]:
    def deco(fn: Prefilter) -> Prefilter:
        PREFILTERS[name] = fn
        return fn

    return deco


def _phrase_candidates(batch: _Batch, matcher: _Matcher, anchors: frozenset[str] | None,
                       cut: int | None = None, across_spaces: bool = False,
                       narrow: Callable[[np.ndarray], np.ndarray] | None = None) -> _Selection | None:
    """Rows a phrase-style detector may report: the matcher's required literals (one column-wide pass), then,
    on those rows only, an anchor word and one of the matcher's literal sequences; and among them the rows
    where an anchor is proven a token. ``cut``: search the sequences in pieces of about that many characters
    (:func:`_alternation_chunks`: the same rows). ``across_spaces``: before the sequences, keep only the rows
    :meth:`_Batch.ws_rows` gives (the literal sets read across whitespace gaps; worth it for phrases, whose
    alternatives have several clauses, not for word lists). ``narrow``: a per-row condition the caller adds
    (it gets rows whose lower-casing keeps the fields' lengths and returns those of them it keeps), applied
    before the sequences so that they are searched in fewer rows (the same rows come out as applying it after)."""
    pre = _matcher_prefilter(matcher)
    if pre is None and anchors is None:
        return None
    mask = np.ones(batch.n, dtype=bool)
    if pre is not None:  # every match (fast path) contains one of the literals
        mask = batch.literals(pre[0])
    if anchors is not None:  # the detector returns early without an anchor token (every row: one scan)
        neighbours = _re2_anchor_pattern(anchors, "[^a-zA-Z0-9]")
        mask = batch.maybe("joined_low", neighbours) if pre is None else batch.refine("joined_low", mask,
                                                                                       (neighbours,))
    if pre is not None:  # ... and one of the literal sequences
        changed = batch.case_changed()
        seqs = pre[1] if cut is None else tuple(c for p in pre[1] for c in _alternation_chunks(p, cut))
        rows = mask & ~changed
        ws = batch.ws_rows(matcher, anchors) if across_spaces and _WS_CONJUNCTION else None
        if ws is not None:  # the literal sets across the whitespace gaps first (one native pass for all)
            rows &= ws
        if narrow is not None:
            rows = narrow(rows)
        mask = batch.refine("joined_low", rows, seqs) | (mask & changed)
    if anchors is None:
        return _Selection(mask)
    sure = batch.refine("joined_low", mask, (_re2_anchor_pattern(anchors, _RE2_ASCII_NONTOKEN, tokens_only=True),))
    return _Selection(mask, anchors, sure)


@functools.cache
def _re2_anchor_pattern(words: frozenset[str], neighbour: str, tokens_only: bool = False) -> str:
    """RE2: one of ``words`` with a ``neighbour`` character (or a field's end) on both sides. With ASCII
    non-token neighbours and words made of token characters only, a match proves the word a token."""
    kept = sorted(w for w in words if not tokens_only or _ANCHOR_TOKEN.fullmatch(w))
    if not kept:
        return r"\x{00}\A"  # matches nothing: a NUL before the start of the text
    return f"(?:^|{neighbour})(?:" + "|".join(_re2_escape(w) for w in kept) + f")(?:{neighbour}|$)"


@_prefilter("phrases")
def _pre_phrases(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | None:
    return _phrase_candidates(batch, _phrase_regex(rule.params["phrases"]), _anchors(rule.params), across_spaces=True)


@_prefilter("compensated")
def _pre_compensated(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | None:
    sel = _phrase_candidates(batch, _phrase_regex(rule.params["phrases"]), _anchors(rule.params), across_spaces=True)
    not_vine = np.fromiter(map(operator.is_not, batch.vines, itertools.repeat(True)), dtype=bool,
                           count=batch.n)  # Vine: never (``v is not True`` per row, without a Python frame each)
    return _Selection(not_vine) if sel is None else sel._replace(mask=sel.mask & not_vine)


@_prefilter("words")
def _pre_words(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | None:
    lex = rule.params["lexicon"]
    return _phrase_candidates(batch, _word_regex(lex), _lexicon_anchors(lex))


@_prefilter("seller_feedback")
def _pre_seller_feedback(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | None:
    # No finding without a sentence whose logistics cue matches (fast path: inside the lower-cased field).
    anchors = _anchors(rule.params)
    # The detector's first bound: no finding unless anchored / (anchored + unanchored sentences of more than
    # SELLER_FEEDBACK_FILLER_WORDS words) >= lowest. With A >= anchored sentences and L <= such longer
    # sentences (so unanchored longer >= L - anchored), the share is at most A / max(A, L): a finding needs
    # A >= 1 and A >= lowest * L. Rows where lower-casing changes a field's length keep no such bound (and
    # are never given to it). A per-row condition, it is applied before the logistics sequences (RE2 on the
    # rows left; most of the rows it drops hold a logistics sequence, so after them it would save nothing).
    lowest = min(SELLER_FEEDBACK_MIXED_SHARE, SELLER_FEEDBACK_REMOVABLE_SHARE)

    def share_bound(rows: np.ndarray) -> np.ndarray:
        if anchors is None or not rows.any():
            return rows
        words = _sentence_words(anchors)
        core = _literal_core()
        if core is not None and words is not None and hasattr(core, "sentence_counts"):  # one C pass per view
            a_ub = batch.sentence_counts("joined_low", rows, words)
            l_lb = batch.sentence_counts("text", rows, None)
        else:
            a_ub = batch.count_in("joined_low", rows, _re2_anchored_sentences(anchors))
            l_lb = batch.count_in("text", rows, _re2_longer_sentence())
        return rows & ~((a_ub < 1) | (a_ub < lowest * l_lb - _SHARE_SLACK))

    sel = _phrase_candidates(batch, _phrase_regex("logistics"), anchors, cut=_RE2_CHUNK_CHARS, across_spaces=True,
                             narrow=share_bound)
    # Then, on the few rows left, the same bound with C, the text's longer segments without an anchor, for the
    # second count (:func:`_joint_sentence_counts`: never looser; its pass costs ~1.5x the two counts above per
    # byte, so it reads only these rows, ~1/8 of those the first bound reads).
    words = None if anchors is None else _sentence_words(anchors)
    core = _literal_core()
    if sel is None or not words or core is None or not _joint_sentence_counts(core):
        return sel
    rows = sel.mask & ~batch.case_changed()
    if not rows.any():
        return sel
    a_ub = batch.sentence_counts("joined_low", rows, words)
    c_lb = batch.sentence_counts("text_low", rows, words, joint=True)
    mask = sel.mask & ~(rows & ((a_ub < 1) | (a_ub < lowest * (a_ub + c_lb) - _SHARE_SLACK)))
    if _LOGISTICS_SEGMENTS:
        mask &= ~_logistics_share_short(batch, mask & ~batch.case_changed(), lowest)
    return sel._replace(mask=mask)


#: Whether the seller-feedback prefilter ends with :func:`_logistics_share_short` (a switch for A/B timing: the
#: output is the same either way).
_LOGISTICS_SEGMENTS: bool = True
#: Per byte, for :func:`_logistics_share_short`: 0 an ASCII non-word character (what cuts a segment into
#: pieces), 2 an ASCII letter or digit, 1 any other byte (``_``, the bytes of non-ASCII characters).
_PIECE_BYTES: Final[np.ndarray] = np.asarray(
    [0 if c < 128 and not (chr(c).isalnum() or c == ord("_")) else 2 if c < 128 and chr(c).isalnum() else 1
     for c in range(256)], dtype=np.int8)
#: Bytes that end a segment for :func:`_logistics_share_short`: ``.!?\n`` and the NUL between the fields.
_SEGMENT_BYTES: Final[np.ndarray] = np.asarray([c in b".!?\n\x00" for c in range(256)], dtype=bool)


@functools.cache
def _ws_segment_plan(matcher: _Matcher) -> Any:
    """:func:`_ws_plan` of ``matcher`` alone when its literal sets hold no ``.``, ``!`` or ``?`` (each set's
    strings then lie inside one segment of a text cut at those); None otherwise or without an analysis."""
    ws = _ws_alternatives(matcher)
    if ws is None or any(c in x for alt in ws for cl in alt for x in cl for c in ".!?"):
        return None
    return _ws_plan((matcher,))


def _logistics_share_short(batch: _Batch, rows: np.ndarray, lowest: float) -> np.ndarray:
    """Those of ``rows`` (whose lower-casing keeps both fields' lengths) where the seller-feedback detector
    yields nothing: X < 1 or X / (X + Y) < ``lowest`` (:func:`_logistics_segment_counts`; no rows without
    those counts)."""
    out = np.zeros(batch.n, dtype=bool)
    counts = _logistics_segment_counts(batch, rows)
    if counts is not None:
        x, y = counts
        out[:] = (x >= 0) & ((x < 1) | (x < lowest * (x + y) - _SHARE_SLACK))
    return out


def _logistics_segment_counts(batch: _Batch, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    r"""Per row of ``rows`` (whose lower-casing keeps both fields' lengths; -1 on the other rows), two bounds on
    the seller-feedback detector's sentences, X and Y, computed per segment: each row's ``joined_low`` cut at
    ``.!?\n`` and the NUL between the fields, every segment read by ``_checkcore.ws_literal_rows`` with the
    logistics matcher's literal sets across whitespace gaps (:func:`_ws_alternatives`). None without that
    module, plan or analysis, or when a string of those sets holds ``.``, ``!`` or ``?``.

    * ``X``, the segments where some alternative's sets all hold, is at least the detector's logistics
      sentences ``L``: a ``_SENTENCE`` match is a segment's characters from its first one on (its
      ``[^.!?\n]+`` runs to the segment's end, ``[.!?]+`` or ``$`` then holding, or to nowhere), so there is one
      sentence at most per segment (and none across the fields' NUL); a logistics sentence's lower-cased text
      has a match of the matcher's fast path, whose normalised text holds a string of each set of some
      alternative (see the comment above :data:`_WS_CONJUNCTION`); those strings hold no ``.!?`` (checked
      here) and, normalised, no ``\n``, so they lie in the normalised part before the sentence's ``[.!?]+``,
      inside the normalised segment.
    * ``Y``, the text's segments that fail that test, end with ``.!?`` or the row's (the text's) end and hold
      more than SELLER_FEEDBACK_FILLER_WORDS pieces starting with an ASCII letter or digit (maximal runs of
      characters other than the ASCII non-word ones), is at most the detector's sentences of more than
      SELLER_FEEDBACK_FILLER_WORDS words that are not logistics sentences: each such segment is one whole
      content sentence of the text with at least that many words (the proof of :func:`_sentence_words`, whose
      cuts and word characters lower-casing keeps), a different one for each, and not a logistics sentence
      (that one's segment passes the test).

    The detector counts each logistics sentence and each longer sentence, and spans at most the logistics
    ones: its share is at most L / (L + Y) <= X / (X + Y). A finding needs a span (X >= 1) and that share at
    least the lower threshold. A row with a NUL inside a field (which would cut a sentence in two) gets -1."""
    import pyarrow as pa

    core = _literal_core()
    plan = None if core is None or not hasattr(core, "ws_literal_rows") \
        else _ws_segment_plan(_phrase_regex("logistics"))
    if plan is None:
        return None
    x_out = np.full(batch.n, -1, dtype=np.int64)
    y_out = np.full(batch.n, -1, dtype=np.int64)
    idx = np.flatnonzero(rows)
    if not len(idx):
        return x_out, y_out
    take = pa.array(idx)
    joined = batch.array("joined_low").take(take)
    if joined.null_count:  # pragma: no cover - the views hold no nulls
        return x_out, y_out
    title_bytes = _arrow_bytes(batch.array("title_low").take(take))[1]
    data, joff = _arrow_bytes(joined)
    starts, ends = joff[:-1], joff[1:]
    # the segments: each row's bytes cut at every _SEGMENT_BYTES byte (a cut before the row's first byte too)
    seps = np.flatnonzero(_SEGMENT_BYTES[data[joff[0]: joff[-1]]]) + joff[0]
    sep_row = np.searchsorted(starts, seps, side="right") - 1
    cut = np.concatenate((starts - 1, seps))
    row = np.concatenate((np.arange(len(idx)), sep_row))
    order = np.lexsort((cut, row))
    cut, row = cut[order], row[order]
    seg_start = cut + 1
    seg_end = np.empty_like(seg_start)
    seg_end[:-1] = cut[1:]
    last = np.ones(len(cut), dtype=bool)
    last[:-1] = row[1:] != row[:-1]
    seg_end[last] = ends[row[last]]
    # one NUL per row (the fields' separator): a NUL inside a field would cut one of its sentences in two
    one_nul = np.bincount(sep_row[data[seps] == 0], minlength=len(idx)) == 1
    # the literal sets across whitespace gaps, per segment (rows 0, 2, 4, ...: the bytes between are the cuts)
    bounds = np.empty(2 * len(cut) + 1, dtype=np.int64)
    bounds[0:-1:2], bounds[1::2] = seg_start, seg_end
    bounds[-1] = seg_end[-1]
    blob, lit_lens, words, bits, nwords, req, alt_bits, _ = plan
    found = np.zeros(2 * len(cut), dtype=np.uint64)
    core.ws_literal_rows(data, bounds, np.arange(0, 2 * len(cut), 2, dtype=np.int64), blob, lit_lens, words, bits,
                         nwords, req, alt_bits, found)
    passing = found[0::2] != 0
    # pieces: maximal runs of bytes other than ASCII non-word ones that start with an ASCII letter or digit
    # (a row's start also starts a run), each counted in its segment; a run holding one only further on is
    # left out, so this counts at most the pieces the detector's words bound
    kind = _PIECE_BYTES[data[joff[0]: joff[-1]]]
    after_edge = np.empty(len(kind), dtype=bool)
    after_edge[:1] = True
    np.equal(kind[:-1], 0, out=after_edge[1:])
    after_edge[starts[starts < joff[-1]] - joff[0]] = True
    first = np.flatnonzero(after_edge & (kind == 2)) + joff[0]
    pieces = np.bincount(np.searchsorted(seg_start, first, side="right") - 1, minlength=len(cut))
    at_end = seg_end == ends[row]
    follower = data[np.minimum(seg_end, len(data) - 1)]
    closed = at_end | (follower == ord(".")) | (follower == ord("!")) | (follower == ord("?"))
    in_text = seg_start - starts[row] > title_bytes[row + 1] - title_bytes[row]
    longer = in_text & closed & ~passing & (pieces > SELLER_FEEDBACK_FILLER_WORDS)
    x = np.bincount(row, weights=passing, minlength=len(idx)).astype(np.int64)
    y = np.bincount(row, weights=longer, minlength=len(idx)).astype(np.int64)
    x_out[idx] = np.where(one_nul, x, -1)
    y_out[idx] = np.where(one_nul, y, -1)
    return x_out, y_out


@functools.cache
def _sentence_words(anchors: frozenset[str]) -> tuple[str, ...] | None:
    r"""The anchors that can be a lower-cased token (:data:`_ANCHOR_TOKEN`, whole), sorted, for
    ``_checkcore.sentence_counts``; None when one of them is not made of ASCII letters and digits only (the
    counter reads tokens as runs of those; the RE2 counts serve then).

    The counter's two numbers bound the detector's, on a row whose lower-casing keeps both fields' lengths
    (``joined_low`` is then the fields' ``str.lower()`` joined by NUL):

    * ``anchored`` (on ``joined_low``) >= its anchored sentences. Each lies inside one segment cut at
      ``.!?\n`` (a ``_SENTENCE`` match holds none of them but its final ``[.!?]+``), a different segment
      for each (one per run of non-``.!?\n`` characters at most) and not across the NUL between the fields;
      its anchor token is a maximal ``[^\W_]+`` run, so the characters beside it are ``\W`` or ``_`` or the
      field's edge (no ASCII letter or digit) and, the anchor being ASCII letters and digits, the token is a
      maximal run of ASCII letters and digits that equals the anchor. A segment that holds such a run is
      counted once, so every anchored sentence's segment is among those counted.
    * ``longer`` (on ``text``) <= its sentences of more than SELLER_FEEDBACK_FILLER_WORDS words. A segment cut
      at ``.!?\n`` and ending with ``.!?`` or the text's end is one whole ``_SENTENCE`` match (the search
      reaches its first character, and ``[.!?]+`` or ``$`` then holds), whose stripped text is a content
      sentence when it holds an ASCII letter or digit. Cut at the ASCII characters that are not ``\w``, its
      pieces holding an ASCII letter or digit each hold a ``\w+`` word of their own (``_`` and non-ASCII
      characters only ever join a piece), so ``_WORDS`` finds at least as many words as such pieces.

    >>> _sentence_words(frozenset({"box", "on-time", "Box"}))
    ('Box', 'box')
    >>> _sentence_words(frozenset({"envío"})) is None
    True
    """
    kept = sorted(w for w in anchors if _ANCHOR_TOKEN.fullmatch(w))
    if not all(w.isascii() and w.isalnum() for w in kept):
        return None
    return tuple(kept)


#: Slack on the share bound's float product (A and L are whole numbers: no row is lost to rounding).
_SHARE_SLACK: Final[float] = 1e-6


@functools.cache
def _joint_sentence_counts(core: Any) -> bool:
    r"""Whether ``core.sentence_counts`` takes the ``joint`` argument (a build before it refuses the extra one).

    The joint count (``_checkcore.sentence_counts(..., joint=1)`` on ``text_low``), the seller-feedback
    prefilter's second number: per row, the segments cut at ``.!?\n`` that end with ``.!?`` or the text's end, hold more
    than SELLER_FEEDBACK_FILLER_WORDS pieces (as ``longer``) and hold no maximal run of ASCII letters and digits
    equal to one of :func:`_sentence_words`. On a row whose lower-casing keeps the fields' lengths (the only rows
    the bound is applied to) this count C is at most U, the detector's sentences of more than
    SELLER_FEEDBACK_FILLER_WORDS words without an anchor (title sentences left out: still a lower bound):

    * such a segment is one whole ``_SENTENCE`` match of the text (see :func:`_sentence_words`); ``text_low`` is
      ``text.lower()`` with the same characters at the same places, and lower-casing turns an ASCII
      ``.!?\n``, an ASCII non-word character, a word character into the same kind (only ASCII maps to ASCII
      but for the Kelvin sign, a word character, to "k"): the piece count's proof holds on ``text_low`` too;
    * its sentence is not anchored: an anchor token of ``lsent`` (the same characters) is a maximal ``[^\W_]+``
      run equal to an ASCII anchor, so a maximal run of ASCII letters and digits equal to it.

    With A >= a, the anchored sentences (``anchored`` on ``joined_low``), the share a / (a + U) the detector's
    first bound reads is at most A / (A + C) (x / (x + y) grows with x and falls with y): when that is below the
    lowest threshold, no finding. A + C >= L (the text's longer segments, each either anchored, so counted in A,
    or counted in C): never looser than the bound A / L."""
    try:
        core.sentence_counts(b"", np.zeros(1, dtype=np.int64), b"a", np.ones(1, dtype=np.int32), 1,
                             np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 1)
    except TypeError:
        return False
    return True


@functools.cache
def _re2_anchor_starts(anchors: frozenset[str]) -> str:
    r"""RE2: the start of an anchor word that is a token (``[^\W_]+``; no other can be one) after a non-token
    character or a field's start (NUL). Counted without overlap, each anchored sentence gives at least one
    match: a token match holds only token characters, and sentences are cut at ``.!?\n`` between them."""
    return _re2_anchor_pattern(anchors, "[^a-zA-Z0-9]", tokens_only=True).rsplit("(?:", 1)[0]


@functools.cache
def _re2_anchored_sentences(anchors: frozenset[str]) -> str:
    r"""RE2: :func:`_re2_anchor_starts` read on to the end of its sentence (before a ``.!?
`` or the NUL between
    the fields). Counted without overlap, still at least one match per anchored sentence: a match ends before
    its sentence's end, so the next sentence's anchors (and the neighbour before them) are left to later
    matches; but a sentence with several anchor words now counts once."""
    return _re2_anchor_starts(anchors) + r"[^.!?\n\x{00}]*"


@functools.cache
def _re2_longer_sentence() -> str:
    r"""RE2: a sentence with more than SELLER_FEEDBACK_FILLER_WORDS words, read to its end: runs of ASCII
    letters/digits (each inside a distinct Python ``\w+`` word) joined by ASCII non-word characters other than
    the sentence ends ``.!?\n``, then the rest of the sentence up to a ``.!?`` or the end of the text (a run
    that ends at a newline is no sentence for ``_SENTENCE``: its ``$`` matches only at the end, or before a
    final newline, which RE2's ``$`` leaves out), so non-overlapping matches are distinct sentences (and
    content ones: they hold an alphanumeric)."""
    sep = _re2_class("".join(chr(c) for c in range(128)
                             if not (chr(c).isalnum() or chr(c) == "_") and chr(c) not in ".!?\n"))
    word = "[A-Za-z0-9]+"
    return f"{word}(?:{sep}+{word}){{{SELLER_FEEDBACK_FILLER_WORDS}}}[^.!?\\n]*(?:[.!?]|$)"


@_prefilter("competitor_mention")
def _pre_competitors(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | _Constant | None:
    if not competitors:  # the finding names the missing setting only, whatever the review says
        blank = _Review("", "", "other", None, None, ())
        return _Constant(tuple(DETECTORS[rule.detector](blank, rule.params)))
    return None


@_prefilter("email")
def _pre_email(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # A match is ASCII around its "@": a local-part character before it, then a domain of ASCII letters, digits,
    # dots and hyphens starting with a letter or digit and holding a dot followed by two letters (its TLD).
    # With the native literal core, RE2 only on the rows whose lower-cased view holds "@" (the literal joins the
    # native pass over that view, one rare byte, instead of a byte count pass of its own): a field holds "@"
    # exactly when its str.lower() does (only "@" lower-cases to a string holding "@"; tested over Unicode).
    pattern = r"[A-Za-z0-9._%+\-]@[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z][A-Za-z]"
    if _literal_core() is None:
        return batch.match_where("joined", _AT_SIGN, 1, pattern)
    return batch.refine("joined", batch.maybe("joined_low", "@"), (pattern,))


@_prefilter("order_number")
def _pre_order(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # A match is 3+7+7 digits (one character each) joined by two hyphens: it holds a hyphen, seven \d characters
    # and a hyphen, and each \d character (Unicode: a decimal digit) is an ASCII digit or a non-ASCII character,
    # one code point that RE2 reads as one (:func:`_re2_order`; as fast as "-.{7}-" and ~100x fewer rows).
    # With the native core, RE2 only on the rows holding at least seven such characters: ASCII digit bytes of
    # "joined" (the count the phone and address prefilters share) plus non-ASCII characters of title and text
    # (their lead bytes, the counts the lower-cased views are made with; "joined" is title NUL text).
    if _checks_core() is None:
        return batch.match("joined", _re2_order())
    may = (batch.byte_count("joined", _ASCII_DIGITS) + batch.byte_count("title", _NON_ASCII)
           + batch.byte_count("text", _NON_ASCII)) >= 7
    return batch.refine("joined", may, (_re2_order(),))


@functools.cache
def _re2_order() -> str:
    """RE2: a hyphen, seven characters each an ASCII digit or non-ASCII, a hyphen: in every match of
    :data:`_ORDER` (whose middle is ``-\\d{7}-``)."""
    assert _ORDER.pattern == r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])" and not _ORDER.flags & re.ASCII
    return "-(?:[0-9]|[^\\x{00}-\\x{7f}]){7}-"


@_prefilter("street_address")
def _pre_address(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # The detector needs an ASCII digit in the field, and a match ends with a street suffix (case-sensitive).
    # The suffix follows whitespace (``\s+``: an ASCII space character or a non-ASCII one) and ends at ``\b``
    # (next comes no ASCII letter, digit or underscore, or the field ends: the NUL between title and text).
    # On those rows only, the whole address pattern read as RE2 (:func:`_re2_address`).
    # The native literal scan of those rows reads the suffixes as words (``_LITERAL_EDGES[0]`` both sides: a
    # superset, as any byte but an ASCII letter or digit, or the row's start, may come before), RE2 without it.
    suffixes = _STREET_SUFFIX[3:-1].split("|")
    pattern = f"(?:{_re2_class(_ASCII_SPACE)}|[^\\x{{00}}-\\x{{7f}}])(?:{'|'.join(suffixes)})(?:[^A-Za-z0-9_]|$)"
    words = f"(?:^|{_LITERAL_EDGES[0][0]})(?:{'|'.join(suffixes)})(?:{_LITERAL_EDGES[0][0]}|$)"
    rows = batch.literal_in("joined", batch.has_byte("joined", _ASCII_DIGITS, "[0-9]"), words, pattern)
    return batch.refine("joined", rows, (_re2_address(),))


@functools.cache
def _re2_address() -> str:
    r"""RE2: a superset of :data:`_ADDRESS` (without its look-behind and final ``\b``): ``\d`` as an ASCII digit
    or any non-ASCII character, ``\s`` as ASCII whitespace or any non-ASCII character, the rest as written
    (ASCII letter classes, case-sensitive), the street suffix followed by no ASCII letter, digit or "_"."""
    digit = "(?:[0-9]|[^\\x{00}-\\x{7f}])"
    space = f"(?:{_re2_class(_ASCII_SPACE)}|[^\\x{{00}}-\\x{{7f}}])+"
    direction = "(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)"
    return (f"{digit}{{1,5}}[A-Za-z]?{space}(?:{direction}\\.?{space})?"
            f"(?:[A-Z][a-z]+\\.?{space}|{digit}+(?:st|nd|rd|th){space}){{1,4}}"
            f"{_STREET_SUFFIX}(?:[^A-Za-z0-9_]|$)")


#: phonenumbers' extension pattern (``phonenumberutil._EXTN_PATTERNS_FOR_MATCHING``) that
#: :func:`_re2_phone_extension` was written for: with another one the phone prefilter keeps its digit count only.
_PHONE_EXT_PATTERN: Final[str] = (
    ";ext=(\\d{1,20})|[ \xa0\\t,]*(?:e?xt(?:ensi(?:o\u0301?|\u00f3))?n?|\uff45?\uff58\uff54\uff4e?|\u0434\u043e\u0431|anexo)"
    "[:\\.\uff0e]?[ \xa0\\t,-]*(\\d{1,20})#?|[ \xa0\\t,]*(?:[x\uff58#\uff03~\uff5e]|int|\uff49\uff4e\uff54)[:\\.\uff0e]?"
    "[ \xa0\\t,-]*(\\d{1,9})#?|[- ]+(\\d{1,6})#")
#: The labels of that pattern's alternatives from their first letter on (a leading optional "e" left out, which
#: only makes the superset larger), each followed in the pattern by ``[:.．]?[ \xa0\t,-]*`` and a digit.
_PHONE_EXT_LABELS: Final[tuple[str, ...]] = (
    ";ext=", "xt", "xtn", "xtensio", "xtension", "xtensio\u0301", "xtensio\u0301n", "xtensi\u00f3", "xtensi\u00f3n",
    "\uff58\uff54", "\uff58\uff54\uff4e",
    "\u0434\u043e\u0431", "anexo", "x", "\uff58", "#", "\uff03", "~", "\uff5e", "int", "\uff49\uff4e\uff54")
#: Characters Python's IGNORECASE matches to a label letter besides its upper and lower case (re's extra case
#: folds; checked over all of Unicode in the tests).
_FOLD_EXTRA: Final[dict[str, str]] = {"s": "\u017f", "i": "\u0130\u0131", "\u0434": "\u1c81", "\u043e": "\u1c82"}


def _re2_any_case(c: str) -> str:
    """RE2: a class of the characters Python's IGNORECASE matches to the label letter ``c`` (:data:`_FOLD_EXTRA`)."""
    chars = {c, c.lower(), c.upper(), *_FOLD_EXTRA.get(c.lower(), "")}
    return "[" + "".join("\\x{%x}" % ord(x) for x in sorted(chars) if len(x) == 1) + "]"


@functools.cache
def _re2_phone_extension() -> str | None:
    """RE2: a superset of the places where phonenumbers' extension pattern matches (IGNORECASE, Unicode digits):
    one of :data:`_PHONE_EXT_LABELS` in any case, optional ``:``/``.``, separators, a digit; or a digit and ``#``."""
    from phonenumbers import phonenumberutil as pu

    if getattr(pu, "_EXTN_PATTERNS_FOR_MATCHING", None) != _PHONE_EXT_PATTERN:
        return None

    labels = "|".join("".join(_re2_any_case(c) for c in lab) for lab in _PHONE_EXT_LABELS)
    return (f"(?:{labels})[:.\\x{{ff0e}}]?[ \\x{{a0}}\\t,\\-]*\\p{{Nd}}|\\p{{Nd}}#")


@functools.cache
def _re2_phone_extension_attached() -> str | None:
    """RE2: a superset of the places where a ``PhoneNumberMatcher`` candidate can have an extension. The matcher's
    pattern (``phonenumbermatcher._PATTERN``) is a number part ending in a decimal digit, then the optional
    extension (phonenumbers' extension pattern): so a candidate has one only where a decimal digit is followed
    right away by a match of that pattern. Here: :func:`_re2_phone_extension`'s label alternative with the digit
    before it (any non-ASCII character counts as one) and the labels' optional leading "e" (any case); its
    ``digit #`` alternative as it is (the fourth alternative ends in a digit and "#")."""
    if _re2_phone_extension() is None:
        return None
    digit = "(?:[0-9]|[^\\x{00}-\\x{7f}])"

    labels = "|".join("".join(_re2_any_case(c) for c in lab) for lab in _PHONE_EXT_LABELS)
    e = f"(?:{_re2_any_case('e')}|{_re2_any_case(chr(0xff45))})?"
    return (f"{digit}[ \\x{{a0}}\\t,]*{e}(?:{labels})[:.\\x{{ff0e}}]?[ \\x{{a0}}\\t,\\-]*{digit}|{digit}#")


def _phone_runs_reach(batch: _Batch, need: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Among ``rows``, those whose title or text has a run of phone-candidate characters (see
    :class:`_PhoneBounds`) with at least ``need[row]`` digit-like characters, counted column-wide on UTF-8 bytes:
    :func:`may_hold_phone_number`'s run test without a Python loop (a non-ASCII character is one lead byte)."""
    b = _phone_bounds()
    out = np.zeros(batch.n, dtype=bool)
    if b is None:  # pragma: no cover - another phonenumbers
        out[rows] = True
        return out
    in_run = _byte_table(b.ascii_run, non_ascii=True)
    in_run[0x80:0xC0] = 1  # continuation bytes stay inside their character's run
    weight = _byte_table("0123456789xX", non_ascii=True)
    data, offsets = batch._bytes("joined")
    idx = np.flatnonzero(rows)
    core = _checks_core()
    if core is not None and len(idx):  # one C pass over those rows; the numpy blocks below are the reference
        # a run's bytes count their weight (0/1), any other byte (-1) ends the run: the largest run sum per row
        table = np.where(in_run.astype(bool), weight, 255).astype(np.uint8).view(np.int8)
        most = np.zeros(len(idx), dtype=np.int64)
        core.class_counts(data, offsets, table, b"\x02", most, idx.astype(np.int64))
        reach = most >= need[idx]
        if (need[idx] < 1).any():  # a sum of 0 reaches such a need only where the row has a run at all
            runs = np.zeros(len(idx), dtype=np.int64)
            core.class_counts(data, offsets, in_run.view(np.int8), b"\x01", runs, idx.astype(np.int64))
            reach &= runs > 0
        out[idx[reach]] = True
        return out
    for a in range(0, len(idx), _BYTE_BLOCK_ROWS):
        part = idx[a: a + _BYTE_BLOCK_ROWS]
        starts, ends = offsets[part], offsets[part + 1]
        lens = ends - starts
        pos = np.repeat(starts - np.cumsum(np.concatenate(([0], lens[:-1]))), lens) + np.arange(int(lens.sum()))
        seg = data[pos]  # the rows' bytes, back to back ("joined" has a NUL per row: none is empty)
        flag = in_run[seg].astype(bool)
        rel = np.concatenate(([0], np.cumsum(lens)))
        prev = np.zeros_like(flag)
        prev[1:] = flag[:-1]
        prev[rel[:-1]] = False  # a run never continues from the row before
        nxt = np.zeros_like(flag)
        nxt[:-1] = flag[1:]
        nxt[rel[1:] - 1] = False
        run_start, run_end = np.flatnonzero(flag & ~prev), np.flatnonzero(flag & ~nxt)
        cw = np.concatenate(([0], np.cumsum(weight[seg], dtype=np.int64)))
        sums = cw[run_end + 1] - cw[run_start]
        row = part[np.searchsorted(rel, run_start, side="right") - 1]
        out[row[sums >= need[row]]] = True
    return out


@_prefilter("phone")
def _pre_phone(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # The detector skips a field with fewer than PHONE_MIN_DIGITS ASCII digits (title + text has at least as many),
    # and yields only what PhoneNumberMatcher finds: nothing without an extension or a run of candidate characters
    # with phone_digits_needed digit-like characters (may_hold_phone_number, here column-wide).
    mask = batch.byte_count("joined", _ASCII_DIGITS) >= PHONE_MIN_DIGITS
    ext_pattern = _re2_phone_extension()
    if ext_pattern is None or _phone_bounds() is None or not mask.any():
        return mask
    # (an extension only where one can follow a candidate's number part: right after a decimal digit)
    ext = batch.refine("joined", mask, (_re2_phone_extension_attached() or ext_pattern,))
    rows = mask & ~ext
    at = np.flatnonzero(rows)
    plus = _phone_plus_rows(batch, at) if _PHONE_PLUS_BYTES else batch.refine("joined", rows, (r"[+\x{ff0b}]",))
    need = np.zeros(batch.n, dtype=np.int64)  # read only on those rows
    if _PHONE_PLUS_BYTES:  # per marketplace once, then by row (no tuple key and numpy scalar per row)
        mk = [batch.markets[j] for j in at.tolist()]
        by = [{m: phone_digits_needed(marketplace_region(m), p) for m in set(mk)} for p in (False, True)]
        lo, hi = (np.fromiter(map(d.__getitem__, mk), dtype=np.int64, count=len(mk)) for d in by)
        need[at] = np.where(plus[at], hi, lo)
    else:
        needed = {(m, p): phone_digits_needed(marketplace_region(m), p) for m in set(batch.markets)
                  for p in (False, True)}
        need[at] = [needed[batch.markets[j], bool(plus[j])] for j in at.tolist()]
    # A number found is reported only when written formatted ("+", "(", digits with separators between) or
    # after a phone cue: rows with neither (:func:`_re2_phone_shown`) have no finding.
    return batch.refine("joined", mask & (ext | _phone_runs_reach(batch, need, rows)), (_re2_phone_shown(),))


#: Whether the phone prefilter finds its rows with a plus sign by byte counts (:func:`_phone_plus_rows`; a switch
#: for A/B timing: the same rows either way).
_PHONE_PLUS_BYTES: bool = True
#: "+" (phonenumbers' ASCII plus sign), and the lead byte 0xEF of the fullwidth plus U+FF0B's UTF-8 (EF BC 8B).
_PLUS_BYTE: Final[np.ndarray] = _byte_table("+")
_EF_BYTE: Final[np.ndarray] = np.zeros(256, dtype=np.uint8)
_EF_BYTE[0xEF] = 1


def _phone_plus_rows(batch: _Batch, at: np.ndarray) -> np.ndarray:
    """The rows of ``at`` whose joined title and text hold one of :data:`_PHONE_PLUS` ("+" or U+FF0B), as a mask:
    rows with a "+" byte by one native count over those rows' bytes, the rows without one but with a 0xEF byte
    (the rare ones that may hold U+FF0B) by RE2 (``batch.refine``), as the prefilter asked for all of them before."""
    core = _checks_core()
    if core is None or not len(at):
        rows = np.zeros(batch.n, dtype=bool)
        rows[at] = True
        return batch.refine("joined", rows, (r"[+\x{ff0b}]",))
    data, offsets = batch._bytes("joined")
    counts = np.zeros((len(at), 2), dtype=np.int64)
    core.class_counts(data, offsets, np.concatenate([_PLUS_BYTE.view(np.int8), _EF_BYTE.view(np.int8)]), b"\x00\x00",
                      counts, at.astype(np.int64))
    plus = np.zeros(batch.n, dtype=bool)
    plus[at[counts[:, 0] > 0]] = True
    maybe = np.zeros(batch.n, dtype=bool)
    maybe[at[(counts[:, 0] == 0) & (counts[:, 1] > 0)]] = True
    if maybe.any():
        plus |= batch.refine("joined", maybe, (r"\x{ff0b}",))
    return plus


@functools.cache
def _re2_phone_shown() -> str:
    r"""RE2: a field a phone finding can come from, read on ASCII (any non-ASCII character keeps the row):
    "+" or "(" (a raw number starting with one), digits with ``[\s().-]`` between (``\d[\s().-]+\d``), or a
    :data:`_PHONE_CUE` word between ASCII non-word characters, case-insensitively as Python reads ASCII."""
    cues = _PHONE_CUE.pattern[len(r"\b(?:"):-len(r")\b")]
    assert _PHONE_CUE.pattern == rf"\b(?:{cues})\b" and not set(cues) - set("abcdefghijklmnopqrstuvwxyz |()?:")
    sep = _re2_class(_ASCII_SPACE + "().-")
    return (f"[+(]|[0-9]{sep}+[0-9]|[^\\x{{00}}-\\x{{7f}}]"
            f"|(?:^|[^A-Za-z0-9_])(?i:{cues})(?:[^A-Za-z0-9_]|$)")


@functools.cache
def _re2_bare_domain() -> str:
    # A bare domain's TLD is a lexicon TLD in lower or upper case (mixed case is skipped) that ends the run of
    # ASCII letters after a dot (the pattern's TLD is [A-Za-z]{2,24}, then a port, a path or a non-word). The
    # detector keeps an upper-case TLD only with a path (":" before a port, or "/" right after it), and an
    # ambiguous one ("dog.it") only with a path or two labels before it (a dot, a label, a dot).
    tlds, ambiguous = _tld_sets()
    lower = {t for t in tlds if t.isascii() and t.isalpha()}
    upper = sorted({t.upper() for t in tlds if t.isascii()})
    plain = "|".join(sorted(lower - ambiguous))
    amb = "|".join(sorted(lower & ambiguous))
    end = "(?:[^A-Za-z]|$)"
    alts = [rf"\.(?:{plain}){end}"] if plain else []
    if amb:
        alts += [rf"\.(?:{amb})[/:]", rf"\.[A-Za-z0-9-]+\.(?:{amb}){end}"]
    if upper:
        alts.append(rf"\.(?:{'|'.join(upper)})[/:]")
    return "|".join(alts) if alts else r"\x{00}\A"


@_prefilter("link")
def _pre_link(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # A link is a scheme URL ("://", any case of the letters before it), a "www." URL (lower-cased: "W" is the
    # only character that folds to "w"), or a bare domain with a known TLD.
    # "://" is in the lower-cased view exactly where it is in the fields (no character lower-cases to ":" or
    # "/"), so both literals join the one Hyperscan pass over that view.
    # By kind, a finding also needs a host holding a (platform's own) shortener's name, or, for a referral
    # parameter, an "=" in the link: hosts are lower-cased substrings of a field, and ASCII text lower-cases
    # the same in a substring as in the whole field, so the lower-cased view holds them.
    # A scheme URL is a link only when its host holds a dot: the host lies in the match after "://", whose
    # characters are none of Python's \s and <>"'()[]{} (RE2's \s is ASCII whitespace, a part of Python's, so
    # _RE2_SCHEME_DOT allows more), and lower-casing turns none of them into one of those or a "." into another
    # character. Rows with "://" but no such dot (a corpus's "http://url_removed") need no detector.
    rows = (batch.refine("joined_low", batch.maybe("joined_low", "://"), (_RE2_SCHEME_DOT,))
            | batch.maybe("joined_low", r"www\.") | batch.match("joined", _re2_bare_domain()))
    kind = rule.params.get("kind")
    if kind == "shortener":
        rows &= batch.maybe("joined_low", _re2_literals(load_lexicon("shorteners")))
    elif kind == "own_shortener":
        if not rule.params.get("own_sites"):
            return np.zeros(batch.n, dtype=bool)  # no own sites: the own-shortener list is not read
        rows &= batch.maybe("joined_low", _re2_literals(load_lexicon("own_shorteners")))
    elif kind == "affiliate":
        rows &= batch.maybe("joined_low", "=")
    return rows


#: RE2: "://", then characters a scheme URL's match may hold (``_URL_SCHEME``'s class, with ASCII ``\s``), then a
#: dot: in every row with a scheme link whose host holds a dot (``_find_links`` keeps no other).
_RE2_SCHEME_DOT: Final[str] = "://[^\\s<>\"'()\\[\\]{}]*\\."


@functools.lru_cache(maxsize=256)
def _re2_literal_set(lits: frozenset[str]) -> str:
    """RE2: any of ``lits`` (escaped, in sorted order), as :meth:`_Batch.literals` searches them: made once per set
    (a phrase list's set has hundreds of literals; a frozenset keeps its hash)."""
    return "|".join(_re2_escape(s) for s in sorted(lits))


@functools.lru_cache(maxsize=64)
def _re2_literals(words: tuple[str, ...]) -> str:
    """RE2: any of ``words`` (escaped), or a pattern matching nothing when there is none."""
    return "|".join(_re2_escape(w) for w in sorted(set(words))) if words else r"\x{00}\A"


@functools.cache
def _re2_char_run() -> str:
    # The same non-space character SPAM_CHAR_RUN times: spelled out for every ASCII non-space character;
    # any run of non-ASCII characters that long stands in for the rest.
    n = SPAM_CHAR_RUN
    ascii_runs = ["\\x{%02x}{%d}" % (c, n) for c in range(128) if not chr(c).isspace()]
    return "(?:" + "|".join(ascii_runs) + ")|[^\\x{00}-\\x{7f}]{%d}" % n


@_prefilter("char_run")
def _pre_char_run(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    core = _checks_core()
    if core is None or not batch.n:
        return batch.match("joined", _re2_char_run())

    def make() -> np.ndarray:  # the RE2 pattern's rows, by one C pass over the bytes
        data, offsets = batch._bytes("joined")
        out = np.zeros(batch.n, dtype=np.uint8)
        core.char_runs(data, offsets, SPAM_CHAR_RUN, _ASCII_SPACE_TABLE, out)
        return out.view(bool)

    return batch.memo(("char_runs", "joined"), make)


#: Most candidate triples (equal length, first and last byte) per block whose bytes are compared exactly; with
#: more (a block of mostly repeated words), the candidates themselves are kept: a superset, as the check allows.
_EXACT_TRIPLES_MAX: Final[int] = 20_000


def _repeated_tokens(data: np.ndarray, offsets: np.ndarray, sep: np.ndarray, n: int) -> np.ndarray:
    """Rows (of one block of UTF-8 ``data`` cut at ``offsets``) with three equal tokens in a row, a token being
    a run of bytes ``sep`` does not mark. Consecutive tokens with equal length, first and last byte are the
    candidates (a few hundred triples in 20,000 reviews); their bytes are then compared (up to
    :data:`_EXACT_TRIPLES_MAX` triples; beyond that every candidate counts). A triple that runs from one row
    into the next does not count. The native core's ``repeated_tokens`` gives the same rows (below the cap)."""
    out = np.zeros(n, dtype=bool)
    size = len(data)
    if size == 0:
        return out
    is_sep = sep[data].view(bool)
    boundary = np.zeros(size, dtype=bool)  # before a token: a separator, or the row starts here
    boundary[offsets[:-1][offsets[:-1] < size]] = True
    boundary[1:] |= is_sep[:-1]
    boundary[0] = True
    starts = np.flatnonzero(boundary & ~is_sep)
    boundary[:] = False  # after a token: a separator, or the row ends here
    boundary[offsets[1:][offsets[1:] > 0] - 1] = True
    boundary[:-1] |= is_sep[1:]
    boundary[-1] = True
    ends = np.flatnonzero(boundary & ~is_sep) + 1
    if len(starts) < 3:
        return out
    length = ends - starts
    first, last = data[starts], data[ends - 1]
    eq = (length[:-1] == length[1:]) & (first[:-1] == first[1:]) & (last[:-1] == last[1:])
    three = np.flatnonzero(eq[:-1] & eq[1:])
    if 0 < len(three) <= _EXACT_TRIPLES_MAX:
        mv = memoryview(data)
        spans = [(starts[three + d].tolist(), ends[three + d].tolist()) for d in (0, 1, 2)]
        same = [mv[a0:b0] == mv[a1:b1] == mv[a2:b2] for a0, b0, a1, b1, a2, b2 in
                zip(spans[0][0], spans[0][1], spans[1][0], spans[1][1], spans[2][0], spans[2][1])]
        three = three[np.asarray(same, dtype=bool)]
    if len(three):
        rows = np.searchsorted(offsets, starts[three], side="right") - 1
        rows = rows[rows == np.searchsorted(offsets, starts[three + 2], side="right") - 1]  # in one row
        out[rows[(rows >= 0) & (rows < n)]] = True
    return out


def _refine_non_ascii_joined(batch: _Batch, pattern: str) -> np.ndarray:
    """Rows whose "joined" view matches the RE2 ``pattern``, which matches only where a non-ASCII character is:
    searched on the rows whose title or text holds a non-ASCII byte, from the fields' byte counts (those the
    lower-cased views are made with, :meth:`_Batch._non_ascii_lower`; "joined" is title NUL text, so it holds
    one exactly then) instead of a count pass over "joined"; without the native core, RE2 over every row."""
    if _checks_core() is None:
        return batch.match("joined", pattern)
    rows = (batch.byte_count("title", _NON_ASCII) > 0) | (batch.byte_count("text", _NON_ASCII) > 0)
    return batch.refine("joined", rows, (pattern,))


@_prefilter("word_run")
def _pre_word_run(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    """A run is a word W then 4+ times ([\\s,.!]+ W) with the same word case-insensitively. Its 2nd-4th copies
    stand alone between separators, so cutting the lower-cased field at [\\s,.!] gives three equal tokens in
    a row (cut at ASCII separators only; a row holding a non-ASCII space is a candidate), and with
    ``_checkcore`` also the token before them ending with that token and the one after starting with it (the
    1st copy ends a token, the 5th starts one). ``str.lower``
    equals the regex's per-character simple lower-casing except for İ (the length changes) and Σ (the
    final-sigma rule): those rows are candidates too."""
    def make() -> np.ndarray:
        data, offsets = batch._bytes("joined_low")
        out = np.zeros(batch.n, dtype=bool)
        lc = _literal_core()
        core = lc if lc is not None and hasattr(lc, "repeated_tokens") else _checks_core()
        if core is not None and batch.n:  # the same rows by one C pass (_checkcore's: SSE2 separator masks)
            core.repeated_tokens(data, offsets, _WORD_RUN_SEPARATORS, out.view(np.uint8))
        for a in range(0, batch.n if core is None else 0, _BYTE_BLOCK_ROWS):
            b = min(batch.n, a + _BYTE_BLOCK_ROWS)
            lo, hi = int(offsets[a]), int(offsets[b])
            out[a:b] = _repeated_tokens(data[lo:hi], offsets[a: b + 1] - lo, _WORD_RUN_SEPARATORS, b - a)
        if lc is not None and out.any():  # the tighter test on those rows (a subset of them: three equal tokens)
            import pyarrow as pa

            idx = np.flatnonzero(out)
            sub_data, sub_offsets = _arrow_bytes(batch.array("joined_low").take(pa.array(idx)))
            tight = np.zeros(len(idx), dtype=np.uint8)
            lc.word_runs(sub_data, sub_offsets, _WORD_RUN_SEPARATORS, tight)
            out[idx] = tight.view(bool)
        wide_spaces = "".join("\\x{%x}" % ord(c) for c in _python_spaces() if not c.isascii())
        sigma_or_wide_space = "[\u03a3" + wide_spaces + "]"
        odd = _refine_non_ascii_joined(batch, sigma_or_wide_space)
        if core is not None and lc is not None and hasattr(lc, "word_runs") and odd.any():
            # A row whose only trouble is a non-ASCII space (no Σ, lower-casing keeps its length): the same tests
            # on its lower-cased fields with each such space made " ". Both are \s and not \w (the same [\s,.!]
            # runs, \b and \w+ groups for the pattern, which so matches the same spans) and both are their own
            # lower case, so the text so mapped holds a run exactly when the row does, and has only separators
            # the byte table marks.
            import pyarrow as pa

            idx = np.asarray([j for j in np.flatnonzero(odd & ~batch.case_changed()).tolist()
                              if "\u03a3" not in batch.titles[j] and "\u03a3" not in batch.texts[j]], dtype=np.int64)
            if len(idx):
                mapped = [_wide_space().sub(" ", x)
                          for x in batch.array("joined_low").take(pa.array(idx)).to_pylist()]
                sub_data, sub_offsets = _arrow_bytes(pa.array(mapped, type=pa.large_string()))
                found = np.zeros(len(idx), dtype=np.uint8)
                core.repeated_tokens(sub_data, sub_offsets, _WORD_RUN_SEPARATORS, found)
                if found.any():
                    tight = np.zeros(len(idx), dtype=np.uint8)
                    lc.word_runs(sub_data, sub_offsets, _WORD_RUN_SEPARATORS, tight)
                    found &= tight
                odd = odd.copy()
                odd[idx] = found.view(bool)
        return out | batch.case_changed() | odd

    return batch.memo("word_run", make)


#: RE2 classes for the symbol checks. A Python symbol ([^\w\s]) is never an ASCII letter, digit, "_" or ASCII
#: whitespace; non-ASCII characters may be anything, so they count as possible symbols.
_RE2_MAYBE_SYMBOL: Final[str] = "[^a-zA-Z0-9_" + "".join("\\x{%02x}" % ord(c) for c in _ASCII_SPACE) + "]"
#: The characters of that class, one UTF-8 byte each: the ASCII ones, and the lead byte of every non-ASCII one
#: (a run of SPAM_SYMBOL_RUN of them needs that many such bytes).
_MAYBE_SYMBOL: Final[np.ndarray] = (1 - (_byte_table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
                                                     + _ASCII_SPACE))).astype(np.uint8)
_MAYBE_SYMBOL[0x80:0xC0] = 0
#: The symbol-run stretch count: +1 for a character of that class (its one byte, or its lead byte), -1 for an
#: ASCII letter, digit or "_" (ends a stretch), 0 for ASCII whitespace and UTF-8 continuation bytes.
_SYMBOL_STRETCH: Final[np.ndarray] = (_MAYBE_SYMBOL.astype(np.int8)
                                      - _byte_table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
                                      .astype(np.int8))
#: The "@" of an e-mail address.
_AT_SIGN: Final[np.ndarray] = _byte_table("@")
_ASCII_LETTERS: Final[np.ndarray] = _byte_table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS: Final[np.ndarray] = _byte_table("0123456789")
_ASCII_ALNUM: Final[np.ndarray] = _ASCII_LETTERS | _ASCII_DIGITS
_NON_ASCII: Final[np.ndarray] = _byte_table(non_ascii=True)
#: Word-run separators ([\s,.!] in ASCII) and the field separator.
_WORD_RUN_SEPARATORS: Final[np.ndarray] = _byte_table(_ASCII_SPACE + ",.!" + _FIELD_SEP)
#: ASCII whitespace (``str.isspace``) over the 128 ASCII bytes: the characters a character run may not be of.
_ASCII_SPACE_TABLE: Final[np.ndarray] = _byte_table(_ASCII_SPACE)[:128].copy()
#: Characters that may be a share-counted symbol ([^\w\s.,!?'"\-:;()]): every non-ASCII character, and the
#: ASCII ones that are none of letter, digit, "_", whitespace or that punctuation; and ASCII characters that
#: surely are not one but are non-space.
_SURE_NOT_SYMBOL: Final[np.ndarray] = _ASCII_ALNUM | _byte_table("_.,!?'\"-:;()")
_MAYBE_SHARE_SYMBOL: Final[np.ndarray] = (1 - (_SURE_NOT_SYMBOL | _byte_table(_ASCII_SPACE))).astype(np.uint8)
_MAYBE_SHARE_SYMBOL[0x80:0xC0] = 0  # continuation bytes: the lead byte already counted the character
#: +1 for a possible share-counted symbol, -1 for a sure non-symbol (the two sets are disjoint): a row's sum is
#: positive exactly when it has more of the first (one byte count instead of two).
_SHARE_SYMBOL_BALANCE: Final[np.ndarray] = _MAYBE_SHARE_SYMBOL.astype(np.int8) - _SURE_NOT_SYMBOL.astype(np.int8)


def _symbol_runs(batch: _Batch, fname: str) -> np.ndarray:
    """Rows whose ``fname`` has SPAM_SYMBOL_RUN possible symbols with no ASCII letter, digit or "_" between them:
    RE2's ``S(?:[^a-zA-Z0-9_]*S){11}`` (S: :data:`_RE2_MAYBE_SYMBOL`), or, with the native core, the same rows
    as the largest count of S characters in a stretch free of those bytes (one C pass, no RE2)."""
    core = _checks_core()
    if core is None or not batch.n:
        return batch.match(fname, "%s(?:[^a-zA-Z0-9_]*%s){%d}" % (_RE2_MAYBE_SYMBOL, _RE2_MAYBE_SYMBOL,
                                                                   SPAM_SYMBOL_RUN - 1))

    def make() -> np.ndarray:
        data, offsets = batch._bytes(fname)
        out = np.zeros(batch.n, dtype=np.int64)
        core.class_counts(data, offsets, _SYMBOL_STRETCH, b"\x02", out)
        return out >= SPAM_SYMBOL_RUN

    return batch.memo(("symbol_runs", fname), make)


@_prefilter("symbols")
def _pre_symbols(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    mode = rule.params.get("mode", "only")
    out = np.zeros(batch.n, dtype=bool)
    for fname in _fields(rule.params):
        if mode == "only":
            # No alphanumeric at all (so none in ASCII) in 12+ characters, or a run of 12 symbols with only
            # spaces between (so 12 possible symbols with no ASCII letter, digit or "_" between).
            long_enough = batch.lengths(fname) >= SPAM_SYMBOL_RUN
            out |= long_enough & ~batch.has_byte(fname, _ASCII_ALNUM, "[a-zA-Z0-9]")
            out |= _symbol_runs(batch, fname)
        elif mode == "share":
            # share = symbols / non-space > 0.5, and non-space >= symbols + K (K: letters, digits, "_" and the
            # allowed punctuation in ASCII), so symbols > K; symbols <= the possible symbols counted here.
            out |= batch.byte_count(fname, _SHARE_SYMBOL_BALANCE) > 0  # possible symbols - sure non-symbols
        else:  # unknown mode: the detector yields nothing, but let it decide
            out |= True
    return out


@functools.cache
def _re2_two_common_words() -> str:
    words = _COMMON_WORDS.pattern[len(r"\b(?:"):-len(r")\b")]
    w, sep = f"(?:{words})", _RE2_ASCII_NONWORD
    return f"(?s)(?:^|{sep}){w}{sep}(?:.*{sep})?{w}(?:{sep}|$)"


@_prefilter("gibberish")
def _pre_gibberish(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray:
    # The detector skips a field with two common words (\b-bounded, in the lower-cased field). Two such
    # words bounded by ASCII non-word characters are two Python matches: those rows are skipped.
    # Of the other rows, only those whose share bound (see _gibberish_possible) allows a finding are kept.
    out = np.zeros(batch.n, dtype=bool)
    for fname in _fields(rule.params):
        if fname == "title":
            low = batch.lower("title")
            rows = np.fromiter((len(_COMMON_WORDS.findall(s)) < 2 for s in low), dtype=bool, count=batch.n)
        else:
            rows = ~batch.memo(("two_common", "text"), lambda: _two_common_text(batch))
        out |= _gibberish_possible(batch, fname, rows)
    return out


def _gibberish_possible(batch: _Batch, fname: str, rows: np.ndarray) -> np.ndarray:
    r"""``rows`` narrowed to those whose ``fname`` may hold a gibberish finding, by bounds on the detector's
    counts from the field's bytes. Its tokens are runs of ``[^\W\d_]`` kept when ASCII, so each is a maximal
    run of ASCII letters; such a run is a token for sure unless a byte next to it is non-ASCII (which may be a
    letter that extends the token, making it non-ASCII). ``_implausible`` reads the run alone. A finding needs
    at least GIBBERISH_MIN_TOKENS tokens (at most the runs) and implausible tokens at least the plausible
    ones (share >= 1/2): so at least that many runs, and implausible runs >= plausible runs sure to be
    tokens."""
    import pyarrow as pa

    assert GIBBERISH_SHARE == 0.5  # the bound below is written for a share of one half
    idx = np.flatnonzero(rows)
    if not len(idx):
        return rows
    arr = batch.array(fname)
    data, offsets = _arrow_bytes(_rows_of(arr, idx.tolist()) if len(idx) < batch.n else arr)
    lo, hi = int(offsets[0]), int(offsets[-1])
    b = data[lo:hi]
    m = len(idx)
    if not len(b):
        return np.zeros(batch.n, dtype=bool)
    rel = offsets - lo
    row = np.repeat(np.arange(m), np.diff(rel))
    low = b | np.uint8(0x20)
    letter = (low - np.uint8(97)) < 26  # exactly the bytes A-Z, a-z
    same_prev = np.zeros(len(b), dtype=bool)
    same_prev[1:] = row[1:] == row[:-1]
    prev_letter = np.zeros(len(b), dtype=bool)
    prev_letter[1:] = letter[:-1]
    prev_letter &= same_prev
    start = letter & ~prev_letter
    next_letter = np.zeros(len(b), dtype=bool)
    next_letter[:-1] = letter[1:] & same_prev[1:]
    end = letter & ~next_letter
    run = np.cumsum(start) - 1  # a letter byte's run number
    starts, ends = np.flatnonzero(start), np.flatnonzero(end)
    n_runs = len(starts)
    if not n_runs:
        return np.zeros(batch.n, dtype=bool)
    length = ends - starts + 1
    vowel = letter & np.isin(low, np.frombuffer(b"aeiouy", dtype=np.uint8))
    vowels = np.bincount(run[vowel], minlength=n_runs)
    cons = letter & ~vowel
    prev_cons = np.zeros(len(b), dtype=bool)
    prev_cons[1:] = cons[:-1] & same_prev[1:]
    c_starts = np.flatnonzero(cons & ~prev_cons)
    c_pos = np.flatnonzero(cons)
    c_run = np.cumsum(cons & ~prev_cons)[c_pos] - 1  # a consonant byte's consonant-run number
    c_len = np.bincount(c_run, minlength=len(c_starts))
    five = np.zeros(n_runs, dtype=bool)
    five[run[c_starts[c_len >= 5]]] = True
    bad = (length > 3) & ((vowels == 0) | five | (length > 25))
    non_ascii = b >= 0x80
    before = np.zeros(n_runs, dtype=bool)
    has_before = starts > 0
    has_before[has_before] = same_prev[starts[has_before]]
    before[has_before] = non_ascii[starts[has_before] - 1]
    after = np.zeros(n_runs, dtype=bool)
    has_after = ends + 1 < len(b)
    has_after[has_after] = same_prev[ends[has_after] + 1]
    after[has_after] = non_ascii[ends[has_after] + 1]
    sure = ~(before | after)
    r = row[starts]
    runs_n = np.bincount(r, minlength=m)
    bad_ub = np.bincount(r[bad], minlength=m)
    good_lb = np.bincount(r[sure & ~bad], minlength=m)
    out = np.zeros(batch.n, dtype=bool)
    out[idx] = (runs_n >= GIBBERISH_MIN_TOKENS) & (bad_ub >= good_lb)
    return out


def _two_common_text(batch: _Batch) -> np.ndarray:
    import pyarrow.compute as pc

    arr = batch.array("text_low")
    return np.asarray(pc.match_substring_regex(arr, _re2_two_common_words()).to_numpy(zero_copy_only=False),
                      dtype=bool)


@functools.cache
def _re2_english_word() -> str:
    sep = _RE2_ASCII_NONTOKEN
    return f"(?:^|{sep})(?:{'|'.join(sorted(_ENGLISH_ONLY_WORDS))})(?:{sep}|$)"


@_prefilter("language")
def _pre_language(batch: _Batch, rule: Rule, competitors: tuple[str, ...]) -> np.ndarray | _Selection:
    """Rows the language check can skip: an allow-list with English, at least LANGUAGE_MIN_CHARS ASCII letters
    (so letters), and surely plainly English: a lower bound on its English-only words (bounded by ASCII
    non-token characters; adjacent ones may be counted once) that passes both of :func:`_plainly_english`'s
    tests against an upper bound on its tokens (runs of ASCII letters/digits plus non-ASCII characters: a
    token is either an ASCII run or holds a non-ASCII character)."""
    allowed = {m: _allowed_languages(m)[1] for m in set(batch.markets)}
    en_by = {m: a is not None and "en" in a for m, a in allowed.items()}  # once per marketplace, looked up per row
    en_ok = np.fromiter(map(en_by.__getitem__, batch.markets), dtype=bool, count=batch.n)
    letters = batch.byte_count("text", _ASCII_LETTERS) >= LANGUAGE_MIN_CHARS
    keys, longest = _english_keys()
    core = _checks_core()
    plain: np.ndarray | None = None  # the detector's own test, where it was computed exactly
    if core is not None and hasattr(core, "ascii_word_counts") and longest <= 8:
        # ASCII texts (no lead byte of a non-ASCII character): the detector's test itself, text.lower()[:MAX]
        # being text[:MAX].lower() for them, by the native token count (_vadercore.ascii_word_counts, as
        # sentiment's language guess counts); the bound below only for the other rows.
        ascii_rows = batch.byte_count("text", _NON_ASCII) == 0
        rows = np.flatnonzero(en_ok & letters & ascii_rows)
        m = len(rows)
        tokens, words, lets = (np.empty(m, dtype=np.int64) for _ in range(3))
        lc = _literal_core()
        if lc is not None and m:  # the same counts from the rows' bytes (ASCII: a character is a byte)
            data, offsets = batch._bytes("text")
            lc.head_word_counts(data, offsets, rows.astype(np.int64), LANGUAGE_MAX_CHARS, keys, longest, tokens,
                                words, lets)
        else:
            core.ascii_word_counts([batch.texts[j][:LANGUAGE_MAX_CHARS] for j in rows.tolist()], keys, longest,
                                   tokens, words, lets)
        plain = np.zeros(batch.n, dtype=bool)
        plain[rows] = (words >= ENGLISH_FAST_MIN_WORDS) & (words >= ENGLISH_FAST_MIN_SHARE * tokens)
        other = en_ok & letters & ~ascii_rows
        n_lb, t_ub = _english_bounds(batch, core, np.flatnonzero(other))
        known = ascii_rows & en_ok & letters  # rows where ``plain`` is the test's answer
    else:
        other = en_ok & letters
        n_lb = batch.count("text_low_head", _re2_english_word())
        t_ub = (batch.byte_count("text_low_head", _ASCII_ALNUM, run_starts=True)
                + batch.byte_count("text_low_head", _NON_ASCII))
        known = np.zeros(batch.n, dtype=bool)
    sure = other & (n_lb >= ENGLISH_FAST_MIN_WORDS) & (n_lb >= ENGLISH_FAST_MIN_SHARE * t_ub)
    if plain is not None:
        sure |= plain
    mask = ~(en_ok & letters & sure)
    # The rows the detector may return from without a finding: those with enough ASCII letters (so letters, and
    # at least LANGUAGE_MIN_CHARS characters once stripped; a row without them stays in the mask whatever its
    # text) on an allow-list. One whose text is plainly English by the detector's own test, on an allow-list
    # with English, leaves the mask; the others' heads go to the identifier (the memo it reads: looked up here,
    # the heads not in it classified together after the loop), and an identified language the allow-list has at
    # the detector's confidence leaves the mask too.
    rows = np.flatnonzero(mask & letters)
    markets, texts, get = batch.markets, batch.texts, _CLASSIFIED.get
    todo: list[tuple[int, str]] = []
    for j, sure_ascii in zip(rows.tolist(), known[rows].tolist()):
        allow = allowed[markets[j]]
        if allow is None:
            continue
        text = texts[j]
        if "en" in allow and not sure_ascii and _plainly_english(text.lower()[:LANGUAGE_MAX_CHARS]):
            mask[j] = False
            continue  # decided without the identifier
        head = text.strip()[:LANGUAGE_MAX_CHARS]
        hit = get(head)
        if hit is None:
            todo.append((j, head))
        elif hit[1] >= LANGUAGE_MIN_CONFIDENCE and hit[0] in allow:
            mask[j] = False
    if todo:
        _classify_many([head for _, head in todo])
        for j, head in todo:
            lang, conf, _ = _classify(head)
            if conf >= LANGUAGE_MIN_CONFIDENCE and lang in allowed[markets[j]]:
                mask[j] = False
    if not _LANGUAGE_SHORT_KNOWN:
        return mask
    return _short_texts_known(batch, mask, allowed)


#: Whether the language prefilter hands the "too short" findings of ASCII texts over column-wise
#: (:func:`_short_texts_known`; a switch for A/B timing: the hits are the same either way).
_LANGUAGE_SHORT_KNOWN: bool = True


def _short_texts_known(batch: _Batch, mask: np.ndarray,
                       allowed: Mapping[str | None, tuple[str, ...] | None]) -> _Selection:
    """``mask`` without the rows whose language finding is known: an ASCII text (no byte >= 0x80) with fewer
    than LANGUAGE_MIN_CHARS ASCII letters, on a marketplace with an allow-list. The detector gives such a row
    exactly :func:`_too_short` of its letter count: stripping removes no letter, and ``_letters_upto_min``
    of an ASCII string counts its ASCII letters, the bytes ``byte_count`` marks (null texts: 0 bytes, the
    detector's empty string). Those rows are grouped by that count (at most LANGUAGE_MIN_CHARS groups)."""
    on_list = {m: a is not None for m, a in allowed.items()}
    listed = np.fromiter(map(on_list.__getitem__, batch.markets), dtype=bool, count=batch.n)
    letters = batch.byte_count("text", _ASCII_LETTERS)
    short = mask & listed & (letters < LANGUAGE_MIN_CHARS) & (batch.byte_count("text", _NON_ASCII) == 0)
    rows = np.flatnonzero(short)
    if not len(rows):
        return _Selection(mask)
    counts = letters[rows]
    order = np.argsort(counts, kind="stable")  # rows ascending within each count
    values, starts = np.unique(counts[order], return_index=True)
    groups = np.split(rows[order], starts[1:])
    return _Selection(mask & ~short, known=tuple((g, (_too_short(int(v)),)) for v, g in zip(values.tolist(), groups)))


def _english_bounds(batch: _Batch, core: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The language prefilter's lower bound on English-only words and upper bound on tokens, on ``rows`` only
    (0 elsewhere): the same values as on the ``text_low_head`` view, from those rows' heads alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n_lb = np.zeros(batch.n, dtype=np.int64)
    t_ub = np.zeros(batch.n, dtype=np.int64)
    if not len(rows):
        return n_lb, t_ub
    heads = pc.utf8_slice_codeunits(batch.array("text_low").take(pa.array(rows)), 0, LANGUAGE_MAX_CHARS)
    heads = heads.cast(pa.large_string())
    n_lb[rows] = np.asarray(pc.count_substring_regex(heads, _re2_english_word()).to_numpy(zero_copy_only=False),
                            dtype=np.int64)
    data, offsets = _arrow_bytes(heads)
    counts = np.zeros((len(rows), 2), dtype=np.int64)
    core.class_counts(data, offsets, np.concatenate([_ASCII_ALNUM.view(np.int8), _NON_ASCII.view(np.int8)]),
                      b"\x01\x00", counts)
    t_ub[rows] = counts[:, 0] + counts[:, 1]
    return n_lb, t_ub


@functools.cache
def _english_keys() -> tuple[np.ndarray, int]:
    """:data:`_ENGLISH_ONLY_WORDS` of at most 8 characters packed little-endian into uint64, sorted (the keys
    ``_vadercore.ascii_word_counts`` looks tokens up in), and the longest word's length."""
    words = sorted(w for w in _ENGLISH_ONLY_WORDS if w.isascii())
    keys = np.array(sorted(int.from_bytes(w.encode("ascii"), "little") for w in words if len(w) <= 8),
                    dtype=np.uint64)
    return keys, max((len(w) for w in _ENGLISH_ONLY_WORDS), default=0)


# ------------------------------------------------------------------------------------------- the checks

_CONTEXT_COLUMNS = ("review_id", "platform", "marketplace", "title", "text", "vine", "author", "created_at")
#: The columns the per-review checks read.
_REVIEW_COLUMNS = ("review_id", "platform", "marketplace", "title", "text", "vine")


def _prepare(frame: pd.DataFrame, columns: Sequence[str] = _CONTEXT_COLUMNS) -> dict[str, list[Any]]:
    """The ``columns`` the checks read, as plain lists (missing optional columns become all-None).

    Cheaper than :func:`reviewtools.schema.coerce` and never touches ``frame``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"check_reviews expects a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in ("review_id", "text") if c not in frame.columns]
    if missing:
        raise SchemaError(f"check_reviews: frame lacks required column(s) {missing}; expected the canonical "
                          "review frame (reviewtools.schema.COLUMNS)")
    n = len(frame)
    out: dict[str, list[Any]] = {}
    for c in columns:
        if c not in frame.columns:
            out[c] = [None] * n
        elif c == "created_at":
            out[c] = pd.to_datetime(frame[c], utc=True, errors="coerce").tolist()
        else:
            out[c] = frame[c].tolist()
    return out


def _select_rules(rules: Sequence[Rule] | None) -> tuple[Rule, ...]:
    if rules is None:
        return load_rules()
    out = tuple(rules)
    for r in out:
        if not isinstance(r, Rule):
            raise RuleError(f"rules must be Rule records, got {type(r).__name__}")
    return out


def _rules_per_platform(rules: Sequence[Rule]) -> dict[str, list[Rule]]:
    per: dict[str, list[Rule]] = {p: [] for p in PLATFORMS}
    for r in rules:
        if r.detector in DETECTORS:
            for p in r.platforms:
                per[p].append(r)
    return per


def _row(review_id: str | int, platform: str, rule: Rule, f: Finding) -> tuple[Any, ...]:
    hit = f.outcome == "hit"
    strength = "weak" if f.weak else rule.strength
    removal = rule.removal_basis and not f.not_removal
    return (review_id, platform, rule.rule_id, rule.category, removal if hit else pd.NA, strength if hit else pd.NA,
            f.field, f.start, f.end, f.evidence, rule.clause, rule.source_url, f.outcome, f.note or pd.NA)


def _to_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    cols = list(zip(*rows)) if rows else [() for _ in HIT_COLUMNS]
    return pd.DataFrame({c: pd.array([None if v is pd.NA else v for v in col], dtype=t)
                         for (c, t), col in zip(HIT_COLUMNS.items(), cols)})


class _Hits:
    """The hit rows of one ``check_each_review`` call, each under its key (row position * width + rule
    position), gathered in any order: a detector's rows as tuples, a constant finding (the same for every
    row of a batch, e.g. the competitor rule without a competitor list) as one entry for all its rows."""

    def __init__(self, ids: _ReviewIds | None = None) -> None:
        #: With ``ids``, a detector's row holds the review's row position where the id goes (looked up for all
        #: the rows at once by :meth:`frame`, not one Arrow scalar per row).
        self.ids = ids
        self.keyed: list[tuple[int, list[tuple[Any, ...]]]] = []
        #: (keys, review ids (a list, or an Arrow string array), the finding's row with a placeholder id) per
        #: constant finding and batch.
        self.constant: list[tuple[np.ndarray, Any, tuple[Any, ...]]] = []

    def add_constant(self, keys: np.ndarray, rids: Any, rows: list[tuple[Any, ...]]) -> None:
        for row in rows:  # a key's findings in their order: the stable sort below keeps entry order per key
            self.constant.append((keys, rids, row))

    def frame(self) -> pd.DataFrame:
        """The rows in key order (a key's rows in the order they were found), as :func:`_to_frame` of them.

        Built column by column in Arrow: the detectors' rows as one small array per column, each constant
        finding's value repeated for its rows (no Python object per row), then one stable sort by key."""
        import pyarrow as pa

        rows = [r for _, rs in self.keyed for r in rs]
        keys = np.asarray([k for k, rs in self.keyed for _ in rs], dtype=np.int64)
        all_keys = np.concatenate([keys] + [k for k, _, _ in self.constant])
        order = np.argsort(all_keys, kind="stable")
        # A constant finding's value is stored once: every column but the ids is taken from the detectors' rows
        # and one entry per constant finding, by an index into them (one copy of the column, not three).
        at = np.concatenate([np.arange(len(rows), dtype=np.int64)]
                            + [np.full(len(ck), len(rows) + t, dtype=np.int64)
                               for t, (ck, _, _) in enumerate(self.constant)])
        by_order, by_entry = pa.array(order), pa.array(at[order])
        cols: list[tuple[Any, ...]] = list(zip(*rows)) if rows else [() for _ in HIT_COLUMNS]
        data = {}
        for c, ((name, dtype), col) in enumerate(zip(HIT_COLUMNS.items(), cols)):
            atype = _arrow_type(dtype)
            if c == 0 and self.ids is not None:  # the detectors' rows hold row positions: their ids at once
                parts = [self.ids.at(list(col), atype)]
            else:
                parts = [pa.array(col, type=atype, from_pandas=True)]  # pd.NA (and None) as null
            if c == 0:  # the review ids: a whole column per constant finding
                for _, rids, _ in self.constant:
                    parts.append(rids.cast(atype) if isinstance(rids, pa.Array) else pa.array(rids, type=atype))
            elif self.constant:
                parts.append(pa.array([None if row[c] is None or row[c] is pd.NA else row[c]
                                       for _, _, row in self.constant], type=atype))
            whole = pa.concat_arrays(parts) if len(parts) > 1 else parts[0]
            data[name] = pd.api.types.pandas_dtype(dtype).__from_arrow__(whole.take(by_order if c == 0 else by_entry))
        return pd.DataFrame(data)


@functools.cache
def _arrow_type(dtype: str) -> Any:
    """The Arrow type a hit-frame column of ``dtype`` is built in (``string`` is stored as ``large_string``,
    as ``pd.array(values, dtype="string")`` stores it)."""
    import pyarrow as pa

    return {"string": pa.large_string(), "boolean": pa.bool_(), "Int64": pa.int64()}[dtype]


def _str_or_empty(v: Any) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)


def _str_column(frame: pd.DataFrame, column: str) -> list[str]:
    """``[_str_or_empty(v) for v in frame[column]]`` ("" for a missing column): a string-dtype column's missing
    values filled by pandas and its strings taken as they are (no Python call per value)."""
    if column not in frame.columns:
        return [""] * len(frame)
    col = frame[column]
    if isinstance(col.dtype, pd.StringDtype):
        return col.fillna("").tolist()
    return [_str_or_empty(v) for v in col.tolist()]


def _arrow_str_column(frame: pd.DataFrame, column: str) -> Any:
    """A pyarrow-backed string column as one ``large_string`` Arrow array with missing values as "" (the UTF-8
    bytes :meth:`_Batch.array` would make from :func:`_str_column`'s strings); None for any other column."""
    col = frame[column] if column in frame.columns else None
    if col is None or not isinstance(col.dtype, pd.StringDtype) or col.dtype.storage != "pyarrow":
        return None
    import pyarrow as pa

    arr = col.array.__arrow_array__()  # the column's ChunkedArray, no copy
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        return None  # pragma: no cover - another pandas layout
    arr = arr.cast(pa.large_string()).fill_null("")
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _field_strings(frame: pd.DataFrame, column: str, arr: Any) -> Sequence[str]:
    """The strings :func:`_str_column` gives for ``column``: read from ``arr`` (:func:`_arrow_str_column` of it)
    only where a row is asked for (:class:`_LazyStrings`) when there is one, else that list."""
    return _str_column(frame, column) if arr is None else _LazyStrings(arr)


class _LazyStrings(Sequence[str]):
    """The rows of a ``large_string`` Arrow array without missing values as Python strings, each decoded from
    its UTF-8 bytes the first time it is asked for (then kept): the same strings as ``arr.to_pylist()``.

    The checks read few rows' strings (the rows a detector runs on, the language check's undecided rows, the
    fields with a non-ASCII character: ~12k of a 50,000-row partition's 100k titles and texts, ~0.7 us each);
    the views they scan are made from the Arrow bytes. A string per row (``tolist``) cost ~0.5 us a row. A
    slice (step 1) is another lazy sequence over the array's slice; iterating decodes every row."""

    __slots__ = ("_arr", "_view", "_bounds", "_got")

    def __init__(self, arr: Any) -> None:
        data, offsets = _arrow_bytes(arr)
        self._arr = arr
        self._view = memoryview(data)
        self._bounds: list[int] = offsets.tolist()
        self._got: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            if start == 0 and stop == len(self):  # the whole (a partition's one block): itself, decoded rows kept
                return self
            return _LazyStrings(self._arr.slice(start, max(0, stop - start)))
        got = self._got.get(i)
        if got is None:
            j = operator.index(i)
            n = len(self._bounds) - 1
            if j < 0:
                j += n
            if not 0 <= j < n:
                raise IndexError("row index out of range")
            got = self._got[i] = str(self._view[self._bounds[j]: self._bounds[j + 1]], "utf-8")
        return got

    def __iter__(self) -> Iterator[str]:
        return (self[j] for j in range(len(self)))


def _rows_of(arr: Any, idx: list[int]) -> Any:
    """The rows ``idx`` (ascending) of an Arrow array: a zero-copy slice when they are consecutive."""
    import pyarrow as pa

    if idx and idx[-1] - idx[0] == len(idx) - 1:
        return arr.slice(idx[0], len(idx))
    return arr.take(pa.array(idx, type=pa.int64()))


class _ReviewIds:
    """The review ids of a frame: one by position (``ids[i]``), or the ids of some rows at once (:meth:`rows`),
    from the column's Arrow array when it is pyarrow-backed (no Python string per row), else from a list."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._arrow = _arrow_str_column(frame, "review_id")
        self._list = None if self._arrow is not None else _str_column(frame, "review_id")

    def __getitem__(self, i: int) -> str:
        return self._list[i] if self._list is not None else self._arrow[i].as_py()

    def at(self, positions: list[int], atype: Any) -> Any:
        """``pa.array([ids[i] for i in positions], type=atype)`` (any order), by one Arrow ``take`` when the ids
        are an Arrow column."""
        import pyarrow as pa

        if self._list is not None:
            return pa.array([self._list[i] for i in positions], type=atype)
        return self._arrow.take(pa.array(positions, type=pa.int64())).cast(atype)

    def rows(self, idx: list[int]) -> Any:
        """``[ids[i] for i in idx]`` (``idx`` ascending): a list, or an Arrow array of the same strings."""
        if self._list is not None:
            return [self._list[i] for i in idx]
        return _rows_of(self._arrow, idx)


def _opt_bool(v: Any) -> bool | None:
    return None if v is None or v is pd.NA else bool(v)


def _platform_market_vine(frame: pd.DataFrame, per: Mapping[str, Any]) -> tuple[list[str], list[str | None],
                                                                                list[bool | None]]:
    """Per row, the platform whose rules apply (``other`` for a missing or unknown one), the marketplace (None
    when missing) and the Vine flag (:func:`_opt_bool`): for string columns from their distinct values
    (``pd.factorize``) and for a ``boolean`` column by pandas, without a Python step per row; other columns
    value by value. The same lists as :func:`_platform_market_vine_reference`."""
    n = len(frame)

    def codes(column: str) -> tuple[np.ndarray, list[str]] | None:
        col = frame[column] if column in frame.columns else None
        if col is None or not isinstance(col.dtype, pd.StringDtype):
            return None
        c, uniques = pd.factorize(col)  # a missing value: code -1 (the last entry of the tables below)
        return np.asarray(c, dtype=np.intp), list(uniques)

    ref = None
    got = codes("platform")
    if got is None:
        ref = _platform_market_vine_reference(frame, per)
        platforms = ref[0]
    else:
        c, uniques = got
        platforms = np.array([u if isinstance(u, str) and u in per else "other" for u in uniques] + ["other"],
                             dtype=object)[c].tolist()
    got = codes("marketplace")
    if got is None:
        ref = ref or _platform_market_vine_reference(frame, per)
        markets = ref[1]
    else:
        c, uniques = got
        markets = np.array([u if isinstance(u, str) else None for u in uniques] + [None], dtype=object)[c].tolist()
    col = frame["vine"] if "vine" in frame.columns else None
    if col is None:
        vines: list[bool | None] = [None] * n
    elif isinstance(col.dtype, pd.BooleanDtype):
        vines = col.to_numpy(dtype=object, na_value=None).tolist()  # Python bools and None
    else:
        vines = (ref or _platform_market_vine_reference(frame, per))[2]
    return platforms, markets, vines


def _platform_market_vine_reference(frame: pd.DataFrame, per: Mapping[str, Any]
                                    ) -> tuple[list[str], list[str | None], list[bool | None]]:
    """:func:`_platform_market_vine` value by value (any column type)."""
    df = _prepare(frame, ("platform", "marketplace", "vine"))
    return ([p if isinstance(p, str) and p in per else "other" for p in df["platform"]],
            [m if isinstance(m, str) else None for m in df["marketplace"]],
            [_opt_bool(v) for v in df["vine"]])


#: Whether :func:`check_each_review` pauses Python's cyclic collector while it runs (see
#: :func:`_check_each_review_prefiltered`; off only to compare).
_PAUSE_COLLECTOR: bool = True


def check_each_review(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None,
                      competitors: Iterable[str] = (), prefilter: bool = True) -> pd.DataFrame:
    """Run the per-review rules on every row of ``frame`` (any slice works: no row looks at another).

    Returns the long hit frame (:data:`HIT_COLUMNS`). Reviews with a platform outside
    :data:`reviewtools.schema.PLATFORMS` or none are checked with the ``other`` rules.

    Each rule's detector runs only on the rows its column-wide prefilter (:data:`PREFILTERS`) cannot rule
    out; ``prefilter=False`` runs every detector on every row instead (the same result, several times slower).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a"], "platform": ["amazon"], "text": ["Visit www.example.com now"]})
    >>> check_each_review(f).query("outcome == 'hit'").rule_id.tolist()
    ['AMZ-LINK-EXTERNAL']
    """
    if not prefilter:
        return _check_each_review_reference(frame, rules=rules, competitors=competitors)
    if not _PAUSE_COLLECTOR or not gc.isenabled():
        return _check_each_review_prefiltered(frame, rules, competitors)
    gc.disable()  # see _check_each_review_prefiltered
    try:
        return _check_each_review_prefiltered(frame, rules, competitors)
    finally:
        gc.enable()


def _check_each_review_prefiltered(frame: pd.DataFrame, rules: Sequence[Rule] | None,
                                   competitors: Iterable[str]) -> pd.DataFrame:
    """:func:`check_each_review` with its prefilters, run with Python's cyclic collector paused by the caller:
    a call makes some 100k short-lived tuples, lists, arrays and findings, each 700 allocations setting off a
    collection that walked the live ones again (~15-50 ms of a 50,000-row call's ~0.75 CPU s; nothing here
    depends on when the collector runs, and reference counting frees nearly all of it: the cycles a call leaves,
    if any, are found by the first collection after it, the allocation count going on while paused)."""
    _prepare(frame, ())  # the frame's checks (a DataFrame with the required columns)
    per = _rules_per_platform(_select_rules(rules))
    comp = tuple(c for c in competitors if c and c.strip())
    n = len(frame)
    platforms, markets, vines = _platform_market_vine(frame, per)
    rids = _ReviewIds(frame)
    # the fields' Arrow columns as they are (the views start from them, not from the strings converted back)
    arrow = {f: a for f in FIELDS if (a := _arrow_str_column(frame, f)) is not None}
    titles = _field_strings(frame, "title", arrow.get("title"))
    texts = _field_strings(frame, "text", arrow.get("text"))
    width = max((len(v) for v in per.values()), default=0) + 1
    hits = _Hits(rids)
    for block in range(0, n, _CHECK_BLOCK_ROWS):  # bounded column copies: a block at a time
        end = min(n, block + _CHECK_BLOCK_ROWS)
        here = platforms[block:end]
        if here.count(here[0]) == len(here):  # one platform (the usual export): the block's rows as slices
            idx = list(range(block, end))
            batch = _Batch(titles[block:end], texts[block:end], markets[block:end], vines[block:end],
                           plan=_warm_plan(here[0], per[here[0]], comp),
                           arrays={f: a.slice(block, end - block) for f, a in arrow.items()})
            _check_batch(batch, idx, here[0], per[here[0]], comp, rids, width, hits)
            continue
        by_platform: dict[str, list[int]] = {}
        for i in range(block, end):
            by_platform.setdefault(platforms[i], []).append(i)
        for platform, idx in by_platform.items():
            batch = _Batch([titles[i] for i in idx], [texts[i] for i in idx], [markets[i] for i in idx],
                           [vines[i] for i in idx], plan=_warm_plan(platform, per[platform], comp),
                           arrays={f: _rows_of(a, idx) for f, a in arrow.items()})
            _check_batch(batch, idx, platform, per[platform], comp, rids, width, hits)
    return hits.frame()


#: The (platform, rule set) pairs whose rules :func:`_warm_plan` ran on their own examples in this process.
_WARMED: set[tuple[Any, ...]] = set()
#: Most pairs remembered (a new rule set beyond this starts the set afresh and is warmed once more).
_WARMED_MAX: Final[int] = 64


def _warm_plan(platform: str, rules: Sequence[Rule], comp: tuple[str, ...]) -> dict[Any, tuple[str, ...]]:
    """:func:`_scan_plan` of ``rules``; the first time a (platform, rule set) is seen in this process, after
    :func:`check_each_review` of the rules' own hit and miss examples (its result dropped; no competitors). The
    detectors and prefilters build what they keep per process on first use (phrase matchers and their literal
    analyses, phonenumbers' metadata, compiled patterns); the examples reach those paths, which the pipeline's
    warm-up reviews do not, so a parent that warms up builds them once before its workers fork, instead of
    every worker in its first partition (~0.15-0.2 CPU s each). Only caches change: the checks' results never
    depend on what is cached."""
    key = (platform, _rules_key(rules))
    if key not in _WARMED:
        if len(_WARMED) >= _WARMED_MAX:
            _WARMED.clear()
        _WARMED.add(key)  # first: the examples' own check finds it warmed
        try:
            check_each_review(_example_frame(platform, rules), rules=rules)
        except Exception:  # pragma: no cover - a warm-up only; the rows themselves are checked as ever
            log.debug("rules: warming the %s checks on their examples failed", platform, exc_info=True)
    return _scan_plan(rules, comp)


def _example_frame(platform: str, rules: Sequence[Rule]) -> pd.DataFrame:
    """One row per hit or miss example of ``rules`` (title, text, marketplace and Vine where the example gives
    them), all on ``platform``."""
    rows: list[Mapping[str, Any]] = []
    for rule in rules:
        for ex in (*rule.hit_examples, *rule.miss_examples):
            if isinstance(ex, str):
                rows.append({"text": ex})
            elif isinstance(ex, Mapping):
                rows.extend(ex["frame"] if "frame" in ex else (ex,))
    cols: dict[str, list[Any]] = {"review_id": [f"warm{i}" for i in range(len(rows))],
                                  "platform": [platform] * len(rows)}
    for c in ("title", "text", "marketplace"):
        cols[c] = [v if isinstance(v := r.get(c), str) else None for r in rows]
    cols["vine"] = [v if isinstance(v := r.get("vine"), bool) else None for r in rows]
    return pd.DataFrame(cols)


def _check_batch(batch: _Batch, idx: list[int], platform: str, rules: Sequence[Rule], comp: tuple[str, ...],
                 rids: _ReviewIds, width: int, hits: _Hits) -> None:
    """Run each rule's detector on the rows of ``batch`` (one platform's) its prefilter keeps; add the hit
    rows to ``hits`` under the key (row position, rule position) that restores the per-review order."""
    reviews: dict[int, _Review] = {}
    keyed = hits.keyed
    by_position = hits.ids is not None  # the rows hold positions, :meth:`_Hits.frame` looks their ids up
    for k, rule in enumerate(rules):
        sel = PREFILTERS[rule.detector](batch, rule, comp) if rule.detector in PREFILTERS else None
        if isinstance(sel, _Constant):
            if sel.findings and idx:
                hits.add_constant(np.asarray(idx, dtype=np.int64) * width + k, rids.rows(idx),
                                  [_row("", platform, rule, f) for f in sel.findings])
            continue
        sure = anchors = None
        if isinstance(sel, _Selection):
            for rows, findings in sel.known:  # findings the prefilter knows, column-wise
                if findings and len(rows):
                    at = [idx[j] for j in rows.tolist()]
                    hits.add_constant(np.asarray(at, dtype=np.int64) * width + k, rids.rows(at),
                                      [_row("", platform, rule, f) for f in findings])
            sel, sure, anchors = sel.mask, sel.sure, sel.anchors
        positions = range(batch.n) if sel is None else np.flatnonzero(sel).tolist()
        detect = DETECTORS[rule.detector]
        for j in positions:
            rv = reviews.get(j)
            if rv is None:
                rv = reviews[j] = _Review(batch.titles[j], batch.texts[j], platform, batch.markets[j],
                                          batch.vines[j], comp)
            if sure is not None and sure[j]:
                rv._cache.setdefault("anchored", set()).add(anchors)
            found = list(detect(rv, rule.params))
            if found:
                i = idx[j]
                keyed.append((i * width + k, [_row(i if by_position else rids[i], platform, rule, f) for f in found]))


def _check_each_review_reference(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None,
                                 competitors: Iterable[str] = ()) -> pd.DataFrame:
    """The straightforward per-review loop: every detector on every row. The prefiltered path must equal it."""
    df = _prepare(frame, _REVIEW_COLUMNS)
    per = _rules_per_platform(_select_rules(rules))
    comp = tuple(c for c in competitors if c and c.strip())
    rows: list[tuple[Any, ...]] = []
    cols = [df[c] for c in ("review_id", "platform", "marketplace", "title", "text", "vine")]
    for rid, plat, market, title, text, vine in zip(*cols):
        platform = plat if isinstance(plat, str) and plat in per else "other"
        rv = _Review(_str_or_empty(title), _str_or_empty(text), platform,
                     market if isinstance(market, str) else None, _opt_bool(vine), comp)
        rid_s = _str_or_empty(rid)
        for rule in per[platform]:
            for f in DETECTORS[rule.detector](rv, rule.params):
                rows.append(_row(rid_s, platform, rule, f))
    return _to_frame(rows)


# ------------------------------------------------------------------------------------------ duplicates

SET_DETECTORS: Final[frozenset[str]] = frozenset({"duplicate_exact", "duplicate_near"})
def check_reviews(frame: pd.DataFrame, *, rules: Sequence[Rule] | None = None, competitors: Iterable[str] = (),
                  cross_review: bool = True) -> pd.DataFrame:
    """Check every review against its platform's rules; one row per hit and one per check that could not run.

    ``rules`` restricts the check to some rules (default: the whole registry); ``competitors`` is the user's
    list of competitor brand names (without it the competitor rule is recorded as not run);
    ``cross_review=False`` skips the set-level duplicate check (e.g. when checking one partition; run
    :func:`find_duplicates` over the whole frame separately). Never mutates ``frame``.

    Columns: :data:`HIT_COLUMNS`. ``start``/``end`` index into the review's ``field`` so that
    ``frame.loc[i, field][start:end] == evidence``.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a"], "platform": ["amazon"], "marketplace": ["amazon.com"],
    ...                   "text": ["Damn, this blender is loud, but it crushes ice fine."]})
    >>> check_reviews(f).query("outcome == 'hit'").empty
    True
    """
    per = check_each_review(frame, rules=rules, competitors=competitors)
    if not cross_review:
        return per
    from .duplicates import find_duplicates

    dup = find_duplicates(frame, rules=rules)
    if dup.empty:
        return per
    return pd.concat([per, dup], ignore_index=True)


def summarise_checks(hits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts of hits by category and strength (with removal-basis counts), and of not-run checks by reason.

    >>> a, b = summarise_checks(_to_frame([]))
    >>> list(a.columns), list(b.columns)
    (['category', 'strength', 'hits', 'removal_basis', 'reviews'], ['rule_id', 'reason', 'reviews'])
    """
    h = hits[hits["outcome"] == "hit"]
    by_cat = (h.groupby(["category", "strength"], dropna=False)
              .agg(hits=("rule_id", "size"), removal_basis=("removal_basis", "sum"), reviews=("review_id", "nunique"))
              .reset_index())
    nr = hits[hits["outcome"] == "not_run"].copy()
    nr["reason"] = nr["note"].str.replace(r"\(.*?\)", "(...)", regex=True)
    by_reason = (nr.groupby(["rule_id", "reason"]).agg(reviews=("review_id", "nunique")).reset_index())
    return by_cat.astype({"removal_basis": "int64"}), by_reason


def __getattr__(name: str) -> Any:
    """``rules.find_duplicates`` lives in :mod:`reviewtools.duplicates` (imported lazily: it imports this module)."""
    if name == "find_duplicates":
        from .duplicates import find_duplicates

        return find_duplicates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RuleError",
    "CATEGORIES",
    "HIT_COLUMNS",
    "Rule",
    "Finding",
    "DETECTORS",
    "load_rules",
    "rules_by_id",
    "load_lexicon",
    "load_phrases",
    "load_language_allow_lists",
    "LanguageGuess",
    "detect_language",
    "detect_languages",
    "marketplace_region",
    "may_hold_phone_number",
    "phone_digits_needed",
    "check_reviews",
    "check_each_review",
    "find_duplicates",
    "summarise_checks",
]
