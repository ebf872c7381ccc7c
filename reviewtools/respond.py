"""Respond: reply drafts, removal requests, and the linter every reply draft must pass.

Three parts, all driven by data under ``reviewtools/resources/``:

* :func:`lint_draft` checks any reply text (ours or a user's edit) against the rules sellers must follow when
  they answer a reviewer (``lint_rules.json``, from platform-policies.md §1.2). Each problem carries its rule id,
  span, quoted evidence, reason, severity and the policy it rests on.
* :func:`draft_reply` fills the reply templates (``templates/replies.json``) for a review: per complaint topic,
  several phrasings picked deterministically from the review id, personalised with the product, the problem the
  reviewer named and their display name, kept within the platform's length limit.
* :func:`removal_request` / :func:`removal_request_batch` write reports to the platform's own reporting channel
  (``templates/removal.json``) that name the guideline clause and quote the exact evidence.

Nothing is ever sent: these are drafts for a person to paste.

>>> problems = lint_draft("Please update your review and we'll send a gift card.", "amazon")
>>> [p.rule_id for p in problems if p.severity == "block"]
['R-INCENTIVE', 'R-CHANGE']
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
import json
import logging
import math
import os
import re
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Literal

import pandas as pd
import phonenumbers

from .errors import ReviewToolsError
from .ingest import ID_HEX_DIGITS
from .rules import _PHONE_DIGIT_LIKE, _PHONE_PLUS, _phone_bounds, may_hold_phone_number, phone_digits_needed

log = logging.getLogger(__name__)

#: Severities a lint problem can have. ``block``: the draft must not be posted as is; ``warn``: read it again;
#: ``not_run``: the check could not run (for example no documented length limit), which is not a pass.
SEVERITIES: Final[tuple[str, ...]] = ("block", "warn", "not_run")

#: The kinds of draft :func:`draft_reply` writes.
REPLY_KINDS: Final[tuple[str, ...]] = ("negative", "mixed", "positive")

#: The 14 complaint topics of the topics stage (ARCHITECTURE.md, issue 3); each has its own reply templates.
TOPICS: Final[tuple[str, ...]] = (
    "shipping_delivery",
    "damaged_defective",
    "wrong_item",
    "missing_parts",
    "size_fit",
    "quality_durability",
    "smell_material",
    "customer_service",
    "return_refund",
    "order_cancellation",
    "wrong_address",
    "price_value",
    "counterfeit",
    "safety",
)

#: Longest quote of the reviewer's own words we put in a reply; longer evidence is left out, not cut mid-phrase.
MAX_PROBLEM_CHARS: Final[int] = 60
#: The reviewer's words are quoted back only when they are a phrase of at least this many words that reads as a
#: complaint on its own; a bare cue word ("broke", "service") quoted reads awkwardly ("sorry to hear about
#: “broke”"), so the topic's plain-language ``label`` (replies.json) is used instead. Source: QA review of drafts.
MIN_QUOTE_WORDS: Final[int] = 3
#: Longest product title we use as is; longer titles are cut at a natural break (" - ", ",", "(") or a word.
MAX_PRODUCT_CHARS: Final[int] = 60
#: Longest display name we greet; longer ones (or ones that look like e-mails or links) are not used.
MAX_NAME_CHARS: Final[int] = 24
#: The ids ingest derives for reviews whose export has none ("h" + hex digest, :data:`reviewtools.ingest.ID_HEX_DIGITS`
#: long): the platform cannot find a review by them, so a removal request names the reviewer and date instead.
DERIVED_ID: Final[re.Pattern[str]] = re.compile(rf"h[0-9a-f]{{{ID_HEX_DIGITS}}}")

#: Distinct (draft, platform, name, ...) lint results kept in memory (:func:`lint_draft`); a few KB each at most.
LINT_CACHE_SIZE: Final[int] = 1 << 16

_FLAGS = re.IGNORECASE


class TemplateError(ReviewToolsError, ValueError):
    """A template or lint-rule resource is malformed, or a placeholder has no value."""


# ============================================================================================ resources


def _resource_json(*parts: str) -> Any:
    ref = resources.files("reviewtools").joinpath("resources", *parts)
    try:
        return json.loads(ref.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:  # pragma: no cover - packaging error
        raise TemplateError(f"resource {'/'.join(parts)} cannot be read: {exc}") from exc


@lru_cache(maxsize=1)
def _lint_data() -> dict[str, Any]:
    return _resource_json("lint_rules.json")


@lru_cache(maxsize=1)
def reply_templates() -> dict[str, Any]:
    """The reply templates (``resources/templates/replies.json``), parsed once."""
    return _resource_json("templates", "replies.json")


@lru_cache(maxsize=1)
def channel_data() -> dict[str, Any]:
    """Per-platform reply channels and name display (``resources/templates/channels.json``)."""
    return _resource_json("templates", "channels.json")


@lru_cache(maxsize=1)
def removal_templates() -> dict[str, Any]:
    """Removal-request templates per platform (``resources/templates/removal.json``)."""
    return _resource_json("templates", "removal.json")


# ============================================================================================ the linter


@dataclass(frozen=True)
class LintRule:
    """One reply-draft rule from ``lint_rules.json``: what it checks, how, and the policy behind it."""

    rule_id: str
    severity: str
    detector: str
    reason: str
    basis: str
    params: Mapping[str, Any]
    examples: Mapping[str, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class LintProblem:
    """A problem found in a draft: ``text[start:end] == evidence``.

    ``severity`` is ``block`` (do not post as is), ``warn`` (read again) or ``not_run`` (the check could not run;
    ``start == end == 0``). ``basis`` names the policy the rule rests on.
    """

    rule_id: str
    start: int
    end: int
    evidence: str
    reason: str
    severity: str
    basis: str


@lru_cache(maxsize=1)
def lint_rules() -> tuple[LintRule, ...]:
    """The registry of reply-draft rules, in report order.

    >>> [r.rule_id for r in lint_rules()][:3]
    ['R-INCENTIVE', 'R-CHANGE', 'R-POSITIVE']
    """
    out = []
    for raw in _lint_data()["rules"]:
        if raw["severity"] not in SEVERITIES or raw["detector"] not in _DETECTORS:
            raise TemplateError(f"lint rule {raw.get('rule_id')}: bad severity or detector")
        out.append(
            LintRule(
                rule_id=raw["rule_id"],
                severity=raw["severity"],
                detector=raw["detector"],
                reason=raw["reason"],
                basis=raw["basis"],
                params=raw.get("params", {}),
                examples=raw.get("examples", {}),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ReplyLimit:
    """A platform's reply length limit; ``limit`` is ``None`` when no documented limit was found."""

    platform: str
    limit: int | None
    unit: Literal["bytes", "chars"]
    source: str

    def measure(self, text: str) -> int:
        """Length of ``text`` in this limit's unit (UTF-8 bytes or characters)."""
        return len(text.encode("utf-8")) if self.unit == "bytes" else len(text)


@lru_cache(maxsize=64)
def reply_limit(platform: str) -> ReplyLimit:
    """The reply length limit for ``platform`` (unknown platforms get ``limit=None``). Memoised per platform
    (the record is frozen; drafts and the linter ask for it once per draft).

    >>> reply_limit("google").limit, reply_limit("google").unit
    (4096, 'bytes')
    """
    limits = _lint_data()["reply_limits"]
    raw = limits.get(platform) or limits["other"]
    return ReplyLimit(platform, raw["limit"], raw["unit"], raw["source"])


@dataclass(frozen=True)
class _Ctx:
    platform: str
    author: str | None
    order_id: str | None
    address: str | None
    previous_replies: tuple[str, ...]
    region: str | None


def _problem(rule: LintRule, text: str, start: int, end: int, reason: str | None = None,
             severity: str | None = None) -> LintProblem:
    return LintProblem(rule.rule_id, start, end, text[start:end], reason or rule.reason,
                       severity or rule.severity, rule.basis)


@lru_cache(maxsize=256)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


def _alt(terms: Iterable[str]) -> re.Pattern[str]:
    return _rx(r"\b(?:" + "|".join(terms) + r")\b")


@lru_cache(maxsize=256)
def _any_rx(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching wherever one of ``patterns`` matches (an alternation of them, same flags), or None when
    they cannot be combined (a back-reference, a group name used twice, a global flag): a search for it finds
    something exactly when some pattern's ``finditer`` would, so a draft without a hit costs one search."""
    if not patterns or any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]+\)", p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)
    except re.error:
        return None


@lru_cache(maxsize=512)
def _pattern_literals(pattern: str) -> frozenset[str] | None:
    """Lower-case ASCII strings one of which every match of ``pattern`` (IGNORECASE) contains, lower-cased, in a text
    without :data:`_ASCII_FOLDS`; None when there is no such set. In such text an IGNORECASE match is a match of the
    pattern with its letters lower-cased on the lower-cased text, whose required strings
    (:func:`reviewtools.rules._required_literals`, Python's own parse tree) are these; a non-ASCII literal
    could match an ASCII character through Unicode case folding ("K" Kelvin sign, long "s"), so none is used."""
    from .rules import _lower_pattern, _required_literals

    if "(?-i" in pattern:
        return None
    try:
        lits = _required_literals(_lower_pattern(pattern))
    except Exception:  # pragma: no cover - a construct the analysis does not know: no shortcut
        return None
    return lits if lits and all(x.isascii() for x in lits) else None


#: The characters outside ASCII that IGNORECASE matches to an ASCII letter ("İ", "ı", long "s", Kelvin sign; checked
#: over all of Unicode in the tests). In a text without them, an IGNORECASE match of a pattern is, lower-cased, a
#: match of the lower-cased pattern: :func:`_pattern_literals` holds for it.
_ASCII_FOLDS: Final[str] = "\u0130\u0131\u017f\u212a"


def _detect_patterns(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    patterns = tuple(rule.params.get("patterns", ()))
    scan = _literal_scan(text)  # None: the text has a character IGNORECASE folds to ASCII (no lower-cased search)
    if scan is None:
        anything = _any_rx(patterns)
        if anything is not None and anything.search(text) is None:
            return []
        return [_problem(rule, text, m.start(), m.end()) for pat in patterns for m in _rx(pat).finditer(text)]
    known, cands, low = scan
    out = []
    for pat in patterns:
        if pat in known:
            if pat not in cands:
                continue  # none of the pattern's required strings is in the lower-cased text (_literal_scan)
        else:
            lits = _literal_rx(pat)
            if lits is not None and lits.search(low) is None:
                continue  # a match would contain one of the pattern's required strings
        out.extend(_problem(rule, text, m.start(), m.end()) for m in _rx(pat).finditer(text))
    return out


def _scanned_patterns(rules: tuple[LintRule, ...]) -> list[str]:
    """The IGNORECASE patterns of ``rules`` whose required strings are searched before them: every rule's
    ``patterns`` (R-CHANGE, R-LINK, R-CONTACT, ...) and R-INCENTIVE's value and review regexes."""
    out: list[str] = []
    for rule in rules:
        p = rule.params
        out.extend(p.get("patterns", ()))
        if rule.detector == "incentive" and all(k in p for k in ("value_terms", "review_terms", "exchange_cues")):
            rxs = _incentive_rx(tuple(p["value_terms"]), tuple(p["review_terms"]), tuple(p["exchange_cues"]))
            if rxs[0].flags & re.IGNORECASE and rxs[1].flags & re.IGNORECASE:
                out.extend((rxs[0].pattern, rxs[1].pattern))
    return out


def _trie_regex(words: Iterable[str]) -> str:
    """A regex (no flags) matching, at a position, the longest of ``words`` (non-empty strings) that starts there:
    the words as a trie, each node's continuations tried before the word ending at it (a text's characters
    take at most one path down the trie, so the deepest word ending on it is the longest).

    >>> [m for m in re.findall("(?=(" + _trie_regex(["ab", "abc", "b", "x.y"]) + "))", "abcx.y abd")]
    ['abc', 'b', 'x.y', 'ab', 'b']
    """
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        return "(?:" + "|".join(alts) + ("|" if "" in node else "") + ")"

    return build(root)


class _LiteralScanner:
    """The required strings (:func:`_pattern_literals`) of every pattern :func:`_scanned_patterns` gives, found in
    a lower-cased text by one search (:func:`_trie_regex` in a look-ahead: at each position the longest required
    string starting there) instead of one search per pattern. A string starts at a position exactly when it is a
    prefix of the longest one starting there (both are prefixes of the text from there), so the patterns with a
    required string in the text are those ``covers`` gives for the strings found."""

    __slots__ = ("rules", "literals_of", "known", "search", "covers")

    def __init__(self, rules: tuple[LintRule, ...], literals_of: Callable[[str], frozenset[str] | None]) -> None:
        self.rules, self.literals_of = rules, literals_of
        lits: dict[str, frozenset[str]] = {}
        for pat in _scanned_patterns(rules):
            got = literals_of(pat)
            if got and all(got) and all(x.isascii() for x in got):
                lits[pat] = frozenset(got)
        self.known: frozenset[str] = frozenset(lits)
        words = sorted({x for got in lits.values() for x in got})
        self.search = re.compile("(?=(" + _trie_regex(words) + "))").findall if words else None
        # the patterns with a required string that is a prefix of w: each prefix of w looked up (a few dozen
        # per word), not every pattern's strings tested against w (~200k startswith per process, ~0.1 s of each
        # decision worker's first block and of the parent's first lint)
        of: dict[str, list[str]] = {}
        for pat, got in lits.items():
            for x in got:
                of.setdefault(x, []).append(pat)
        self.covers: dict[str, frozenset[str]] = {
            w: frozenset(pat for k in range(1, len(w) + 1) for pat in of.get(w[:k], ())) for w in words}

    def candidates(self, low: str) -> set[str]:
        """The known patterns with a required string in ``low`` (a lower-cased text)."""
        out: set[str] = set()
        if self.search is not None:
            covers = self.covers
            for w in self.search(low):
                out |= covers[w]
        return out


_SCANNER: list[_LiteralScanner] = []
#: The last text :func:`_literal_scan` looked at and what it found (the rules of a piece search the same text).
_SCAN_LAST: tuple[Any, ...] = (None, None, None, None)


def _literal_scan(text: str) -> tuple[frozenset[str], set[str], str] | None:
    """For a text without :data:`_ASCII_FOLDS` (or ASCII): (the patterns :class:`_LiteralScanner` knows, those of
    them with a required string in the lower-cased text, the lower-cased text); None for another text. The
    scanner is built once per rule set (and per :func:`_pattern_literals`); the last text's answer is kept."""
    global _SCAN_LAST
    rules = lint_rules()
    last = _SCAN_LAST
    if last[0] is text and last[1] is rules and last[2] is _pattern_literals:
        return last[3]
    if not (text.isascii() or not any(c in text for c in _ASCII_FOLDS)):
        got = None
    else:
        sc = _SCANNER[0] if _SCANNER else None
        if sc is None or sc.rules is not rules or sc.literals_of is not _pattern_literals:
            sc = _LiteralScanner(rules, _pattern_literals)
            _SCANNER[:] = [sc]
        low = text.lower()
        got = (sc.known, sc.candidates(low), low)
    _SCAN_LAST = (text, rules, _pattern_literals, got)
    return got


@lru_cache(maxsize=512)
def _literal_rx(pattern: str) -> re.Pattern[str] | None:
    """:func:`_pattern_literals` as one compiled search (plain strings, case-sensitive), or None."""
    lits = _pattern_literals(pattern)
    return None if lits is None else re.compile("|".join(re.escape(x) for x in sorted(lits, key=lambda x: (-len(x), x))))


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    """Spans of sentences (trimmed), split at ., !, ? and newlines; decimals like 4.99 do not split."""
    guarded = re.sub(r"(?<=\d)\.(?=\d)", "\x00", text)  # keep 4.99 in one sentence
    for m in _SENTENCE.finditer(guarded):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


@lru_cache(maxsize=16)
def _incentive_rx(values: tuple[str, ...], reviews: tuple[str, ...], cues: tuple[str, ...]
                  ) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    value_alt = "|".join(values)
    return _alt(values), _alt(reviews), _alt([c.replace("{value}", value_alt) for c in cues])


#: id(value terms list) -> (the three term lists, :func:`_incentive_rx` of them, the required strings' searches of
#: its value and review regexes (:func:`_literal_rx`)): remembered per list object, as :func:`_domain_rx` does.
_INCENTIVE_RX: dict[int, tuple[tuple[Any, Any, Any], tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]],
                               tuple[re.Pattern[str] | None, re.Pattern[str] | None]]] = {}


def _incentive_of(p: Mapping[str, Any]) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str] | None, ...]]:
    """R-INCENTIVE's three regexes (:func:`_incentive_rx`) and the literal searches of the first two."""
    lists = (p["value_terms"], p["review_terms"], p["exchange_cues"])
    got = _INCENTIVE_RX.get(id(lists[0]))
    if got is not None and all(a is b for a, b in zip(got[0], lists)):
        return got[1], got[2]
    rxs = _incentive_rx(tuple(lists[0]), tuple(lists[1]), tuple(lists[2]))
    lits = (_literal_rx(rxs[0].pattern), _literal_rx(rxs[1].pattern)) if rxs[0].flags & re.IGNORECASE and rxs[
        1].flags & re.IGNORECASE else (None, None)
    if len(_INCENTIVE_RX) < 64:
        _INCENTIVE_RX[id(lists[0])] = (lists, rxs, lits)  # keeps the lists alive, so their ids stay unique
    return rxs, lits


def _detect_incentive(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    p = rule.params
    (value, review, cue), (value_lits, review_lits) = _incentive_of(p)
    if value_lits is not None and (scan := _literal_scan(text)) is not None:
        # a match of either (IGNORECASE) holds one of its required strings in the lower-cased text
        # (_pattern_literals): without them, the searches below find nothing
        known, cands, low = scan
        if value.pattern in known and (review_lits is None or review.pattern in known):
            if value.pattern not in cands or (review_lits is not None and review.pattern not in cands):
                return []
        elif value_lits.search(low) is None or (review_lits is not None and review_lits.search(low) is None):
            return []
    # A term found in a sentence is found in the text too (a sentence starts after a non-word character and
    # ends at one, or at a line end or the text's end, so each \b around a term holds in both): a text without
    # both kinds of term has no sentence with both.
    if value.search(text) is None or review.search(text) is None:
        return []
    out = []
    for s, e in _sentences(text):
        sent = text[s:e]
        if value.search(sent) and review.search(sent):
            if cue.search(sent):
                out.append(_problem(rule, text, s, e))
            else:
                out.append(_problem(rule, text, s, e, p["warn_reason"], "warn"))
    return out


_DOMAIN_RX: dict[int, tuple[Sequence[str], re.Pattern[str]]] = {}


def _domain_rx(tlds: Sequence[str]) -> re.Pattern[str]:
    """The bare-domain regex for a TLD list; remembered per list object (the lint rules' list is one object, and
    turning its hundred entries into a cache key cost more than the search)."""
    hit = _DOMAIN_RX.get(id(tlds))
    if hit is not None and hit[0] is tlds:
        return hit[1]
    rx = _domain_rx_of(tuple(tlds))
    if len(_DOMAIN_RX) < 64:
        _DOMAIN_RX[id(tlds)] = (tlds, rx)  # keeps the list alive, so its id stays unique
    return rx


@lru_cache(maxsize=16)
def _domain_rx_of(tlds: tuple[str, ...]) -> re.Pattern[str]:
    tld = "|".join(sorted(tlds, key=len, reverse=True))
    return _rx(r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(" + tld + r"))\b(/[^\s]*)?(?![\w@-])")


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


#: A dot and a word character: every bare-domain match has one (the dot before its TLD, whose first character is
#: a word character: checked for every TLD of the rule in the tests).
_DOT_WORD = re.compile(r"\.\w")


#: What every match of :data:`_EMAIL` holds (its literal "@", case-sensitive), and of :data:`_URL` ("://" or, in any
#: case, "www."): a text without them has none (checked against the patterns in the tests).
_EMAIL_NEEDS: Final[str] = "@"
_URL_NEEDS: Final[tuple[str, str]] = ("://", "www.")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_EMAIL`'s matches; none without its "@" (one substring test, not the search)."""
    return [m.span() for m in _EMAIL.finditer(text)] if _EMAIL_NEEDS in text else []


def _url_spans(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_URL`'s matches (IGNORECASE); none in a text without "://" whose lower-cased form
    (:func:`_literal_scan`'s, for a text without :data:`_ASCII_FOLDS`: "W" is the only other letter matching "w")
    has no "www."."""
    if _URL_NEEDS[0] not in text:
        scan = _literal_scan(text)
        if scan is not None and _URL_NEEDS[1] not in scan[2]:
            return []
    return [m.span() for m in _URL.finditer(text)]


def _detect_links(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    emails = _email_spans(text)
    urls = _url_spans(text)
    taken = emails + urls
    out = [_problem(rule, text, s, e, "contains a link (" + text[s:e] + ")") for s, e in urls]
    own = tuple(_lint_data()["own_domains"].get(ctx.platform, ()))
    for m in (_domain_rx(rule.params["tlds"]).finditer(text) if _DOT_WORD.search(text) else ()):
        s, e = m.span()
        if any(a <= s < b or a < e <= b for a, b in taken):
            continue
        domain, tld, path = m.group(1), m.group(2), m.group(3)
        if tld[0].isupper() and tld[1:].islower() and not path:
            continue  # "it.It was": a missing space before a capitalised word, not a domain
        labels = domain.lower().split(".")
        if not path and len(labels) == 2 and labels[0] in own:
            continue  # the platform's own name ("Amazon.com") is a site name, not a link
        out.append(_problem(rule, text, s, e, f"contains a bare domain ({text[s:e]})"))
    scan = None
    for pat in rule.params.get("patterns", ()):
        lits = _literal_rx(pat)
        if lits is not None and (scan is not None or (scan := _literal_scan(text)) is not None):
            known, cands, low = scan
            if pat not in cands if pat in known else lits.search(low) is None:
                continue  # a match would contain one of the pattern's required strings (as in _detect_patterns)
        for m in _rx(pat).finditer(text):
            if not any(a <= m.start() < b for a, b in taken):
                out.append(_problem(rule, text, m.start(), m.end()))
    return out


#: A number the phone matcher finds only "possible" (not valid) counts when it has this many digits and the
#: sentence talks about calling (R-CONTACT).
POSSIBLE_PHONE_MIN_DIGITS: Final[int] = 7
#: A decimal digit (Unicode category Nd: ``re``'s ``\d``, the class phonenumbers' candidate pattern is built from).
_DECIMAL_DIGIT = re.compile(r"\d")
#: The decimal digits of an ASCII text (where :data:`_DECIMAL_DIGIT` finds only these): looked for with ``in``.
_ASCII_DIGITS: Final[str] = "0123456789"
#: The em dash of the reply signatures ("— Customer care team"): often a draft's only non-ASCII character.
_SIGNATURE_DASH: Final[str] = "\u2014"
#: The curly quote marks a draft puts around the reviewer's words.
_QUOTE_MARKS: Final[tuple[str, str]] = ("\u201c", "\u201d")


def _ascii_plain(text: str) -> str | None:
    """``text`` when it is ASCII; else ``text`` without its signature's dash and quote marks when that is ASCII (a
    draft whose only non-ASCII characters are those: none of them a digit); else None. Not None: the text's decimal
    digits are [0-9], and its non-ASCII characters are ``len(text) - len(plain)`` of those marks."""
    if text.isascii():
        return text
    plain = text.replace(_SIGNATURE_DASH, "").replace(_QUOTE_MARKS[0], "").replace(_QUOTE_MARKS[1], "")
    return plain if plain.isascii() else None


def _has_decimal_digit(text: str) -> bool:
    """Whether :data:`_DECIMAL_DIGIT` finds something in ``text``; a text :func:`_ascii_plain` knows by ten
    substring tests (a third of the regex's time on a draft)."""
    plain = _ascii_plain(text)
    if plain is not None:
        return any(map(plain.__contains__, _ASCII_DIGITS))
    return _DECIMAL_DIGIT.search(text) is not None


def _detect_contact(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    out = _contact_emails(rule, text)
    out.extend(_contact_phones(rule, text, ctx))
    out.extend(_detect_patterns(rule, text, ctx))
    return out


def _contact_emails(rule: LintRule, text: str) -> list[LintProblem]:
    """R-CONTACT's e-mail addresses (the first of its three kinds of finding)."""
    return [_problem(rule, text, s, e, "contains an e-mail address") for s, e in _email_spans(text)]


def _contact_phones(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    """R-CONTACT's phone numbers (the second kind: found in the whole text, whose context words count)."""
    plain = _ascii_plain(text)  # _has_decimal_digit's test, its plain text kept for _may_hold_phone
    if not (any(map(plain.__contains__, _ASCII_DIGITS)) if plain is not None else _DECIMAL_DIGIT.search(text)):
        return []  # phonenumbers' matcher finds numbers only from decimal digits: none here, nothing to find
    p = rule.params
    out: list[LintProblem] = []
    regions = [ctx.region] if ctx.region else []
    regions += [r for r in p["regions"] if r not in regions]
    seen: set[tuple[int, int]] = set()
    if not _may_hold_phone(text, regions, plain):
        return []  # no run of digits long enough for a valid number in any region, nor for the check below
    for region in regions:
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            seen.add((m.start, m.end))
    # A number that is only "possible" (e.g. 555 numbers) still counts when the sentence talks about calling.
    context = _rx(p["phone_context"])
    for m in (phonenumbers.PhoneNumberMatcher(text, regions[0], leniency=phonenumbers.Leniency.POSSIBLE)
              if regions else ()):
        window = text[max(0, m.start - 40): m.end + 10]
        if context.search(window) and sum(c.isdigit() for c in m.raw_string) >= POSSIBLE_PHONE_MIN_DIGITS:
            seen.add((m.start, m.end))
    merged = sorted(seen)
    for s, e in merged:
        if not any(a <= s and e <= b and (a, b) != (s, e) for a, b in merged):
            out.append(_problem(rule, text, s, e, "contains a phone number"))
    return out


#: phonenumbers' extension pattern (``phonenumberutil._EXTN_PATTERNS_FOR_MATCHING``, IGNORECASE) as
#: :func:`_may_hold_phone` knows it; another pattern (another phonenumbers) is searched as it is.
_KNOWN_EXTENSION: Final[str] = (
    ";ext=(\\d{1,20})|[ \u00a0\\t,]*(?:e?xt(?:ensi(?:o\u0301?|\u00f3))?n?|\uff45?\uff58\uff54\uff4e?|\u0434\u043e\u0431|anexo)"
    "[:\\.\uff0e]?[ \u00a0\\t,-]*(\\d{1,20})#?|[ \u00a0\\t,]*(?:[x\uff58#\uff03~\uff5e]|int|\uff49\uff4e\uff54)"
    "[:\\.\uff0e]?[ \u00a0\\t,-]*(\\d{1,9})#?|[- ]+(\\d{1,6})#")
#: Its flags (an int: ``re.IGNORECASE | re.UNICODE`` is worked out once, not per call).
_KNOWN_EXTENSION_FLAGS: Final[int] = int(re.IGNORECASE | re.UNICODE)
#: The words an extension's digits may follow (:data:`_KNOWN_EXTENSION` but ";ext=" and "#"), with their optional
#: colon or dot, at the end of a text; a match is at most 11 characters long. Its words of ASCII letters each hold
#: "x", "~" or "int"; its other words hold a character that neither is ASCII nor matches one (IGNORECASE).
_EXTENSION_HEAD: Final[re.Pattern[str]] = re.compile(
    "(?:e?xt(?:ensi(?:o\u0301?|\u00f3))?n?|\uff45?\uff58\uff54\uff4e?|\u0434\u043e\u0431|anexo|[x\uff58~\uff5e]|int"
    "|\uff49\uff4e\uff54)[:\\.\uff0e]?\\Z", re.IGNORECASE)
_EXTENSION_ASSIGN: Final[re.Pattern[str]] = re.compile(r";ext=\Z", re.IGNORECASE)
#: The separators :data:`_KNOWN_EXTENSION` allows between its words and its digits.
_EXTENSION_SEPARATORS: Final[frozenset[str]] = frozenset(" \xa0\t,-")
#: A run of decimal digits (where one starts: the digits that follow none).
_RUN_DIGIT: Final[re.Pattern[str]] = re.compile(r"\d+")
#: The decimal digits of an ASCII text, each looked for with ``str.find`` (:func:`_ascii_digits`).
_ASCII_DIGIT_LIST: Final[tuple[str, ...]] = tuple(_ASCII_DIGITS)
#: Whether the digit-like characters of :func:`_long_phone_run` are the ones :func:`_may_hold_phone` counts:
#: [0-9], "x", "X" and every non-ASCII character.
_COUNTED_DIGIT_LIKE: Final[bool] = _PHONE_DIGIT_LIKE == frozenset(_ASCII_DIGITS + "xX")


def _ascii_digits(text: str) -> list[int]:
    """Where ``text`` has an ASCII digit, in order (``str.find`` per digit: on a draft a fifth of a search for
    them). A text :func:`_ascii_plain` knows has no other decimal digits.

    >>> _ascii_digits("Call 0800 12—a“9”")
    [5, 6, 7, 8, 10, 11, 15]
    """
    at: list[int] = []
    find = text.find
    for ch in _ASCII_DIGIT_LIST:
        i = find(ch)
        while i >= 0:
            at.append(i)
            i = find(ch, i + 1)
    at.sort()
    return at


#: A text with more runs of decimal digits than this has its extensions searched the plain way.
_EXTENSION_DIGITS_LOOKED_AT: Final[int] = 32


@lru_cache(maxsize=64)
def _long_phone_run(need: int) -> re.Pattern[str] | None:
    """A search that finds something exactly when a run of phonenumbers' candidate characters
    (``rules._phone_bounds().run``: some ASCII ones and every non-ASCII character) holds ``need`` digit-like
    characters (``rules._PHONE_DIGIT_LIKE`` or non-ASCII): one of them, then ``need - 1`` times the other
    candidate characters and one more; None when that run pattern is not the one known here."""
    b = _phone_bounds()
    if b is None or b.run.pattern != "(?:[" + re.escape(b.ascii_run) + "]|[^\\x00-\\x7f])+" or need < 2:
        return None
    like = "".join(sorted(_PHONE_DIGIT_LIKE))
    if any(c not in b.ascii_run for c in like):
        return None
    other = re.escape("".join(c for c in b.ascii_run if c not in like))
    digit = re.escape(like) + "\x80-\U0010ffff"
    return re.compile(f"[{digit}](?:[{other}]*[{digit}]){{{need - 1}}}")


@lru_cache(maxsize=64)
def _phone_need(regions: tuple[str, ...], plus: bool) -> int:
    """The fewest digit-like characters :func:`reviewtools.rules.may_hold_phone_number` asks of a run for these
    regions and ``min_digits=POSSIBLE_PHONE_MIN_DIGITS`` (``plus``: the text has a plus sign)."""
    return min([phone_digits_needed(r, plus) for r in regions] + [POSSIBLE_PHONE_MIN_DIGITS])


#: What :func:`_may_hold_phone` is given when the caller has not worked out :func:`_ascii_plain` of the text.
_NOT_GIVEN: Final = object()


def _may_hold_phone(text: str, regions: Sequence[str], plain: Any = _NOT_GIVEN) -> bool:
    """``may_hold_phone_number(text, regions, min_digits=POSSIBLE_PHONE_MIN_DIGITS)``, with less searching: only
    the runs of candidate characters long enough are looked at, and phonenumbers' extension pattern (searched from
    every position: most of R-CONTACT's CPU on a draft) only where a match of it can end. Each of its forms holds
    a decimal digit right after ";ext=", or right after a run (maybe empty) of its separators that follows one of
    its words (maybe with a colon or dot), or ends in "#"; its optional parts at either end can be left out (a
    match exists exactly when one without them does). A text with a "#" or many digits is searched as it is.
    ``plain``: :func:`_ascii_plain` of ``text`` when the caller has it. A text it knows (its decimal digits are
    [0-9]) has its digits found by :func:`_ascii_digits`, and the runs are searched only when the text has as many
    digit-like characters as a run needs ([0-9], "x", "X" and the non-ASCII marks: most drafts have fewer).
    """
    b = _phone_bounds()
    if b is None or b.ext.pattern != _KNOWN_EXTENSION or b.ext.flags != _KNOWN_EXTENSION_FLAGS:
        return may_hold_phone_number(text, regions, min_digits=POSSIBLE_PHONE_MIN_DIGITS)
    need = _phone_need(tuple(regions), any(c in text for c in _PHONE_PLUS))
    runs = _long_phone_run(need)
    if runs is None:
        return may_hold_phone_number(text, regions, min_digits=POSSIBLE_PHONE_MIN_DIGITS)
    if plain is _NOT_GIVEN:
        plain = _ascii_plain(text)
    if plain is None or not _COUNTED_DIGIT_LIKE:
        if runs.search(text):  # may_hold_phone_number's loop over the runs
            return True
        # an extension's first digit follows no digit (its words, separators, "=" are none)
        digits = [m.start() for m in _RUN_DIGIT.finditer(text)]
    else:
        at = _ascii_digits(text)
        if len(at) + text.count("x") + text.count("X") + len(text) - len(plain) >= need and runs.search(text):
            return True  # (a run holds ``need`` digit-like characters: the text at least as many)
        digits = [d for k, d in enumerate(at) if not k or at[k - 1] != d - 1]  # where a run of digits starts
    if "#" in text or "＃" in text or len(digits) > _EXTENSION_DIGITS_LOOKED_AT:
        return b.ext.search(text) is not None
    seps = _EXTENSION_SEPARATORS
    for d in digits:
        if text[d - 1: d] == "=" and _EXTENSION_ASSIGN.search(text[max(0, d - 5): d]):  # it ends in "="
            return True
        j = d
        while j and text[j - 1] in seps:
            j -= 1
        head = text[max(0, j - 12): j]
        if head.isascii():  # its ASCII words: each holds "x", "~" or "int" (as IGNORECASE matches ASCII letters)
            low = head.lower()
            if "x" not in low and "~" not in low and "int" not in low:
                continue
        if _EXTENSION_HEAD.search(head):
            return True
    return False


#: The quote marks :func:`_name_tokens` reads as spaces.
_NAME_QUOTES: Final[dict[int, str]] = str.maketrans({'"': " ", "'": " ", "“": " ", "”": " "})


def _name_tokens(author: str) -> list[str]:
    """The words of a name, quote marks read as spaces (``str.split``: the whitespace ``\\s`` matches)."""
    return author.translate(_NAME_QUOTES).split()


def _detect_pii(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    p = rule.params
    out = []
    if ctx.author:
        tokens = _name_tokens(ctx.author)
        if len(tokens) >= 2:  # a full name: first name alone is fine, the full name is not
            rx = re.compile(r"\b" + r"\s+".join(re.escape(t) for t in tokens[:2]) + r"\b", _FLAGS)
            out.extend(_problem(rule, text, m.start(), m.end(), "repeats the reviewer's full name")
                       for m in rx.finditer(text))
    for value, what in ((ctx.order_id, "order number"), (ctx.address, "address")):
        if value and value.strip():
            rx = re.compile(re.escape(value.strip()), _FLAGS)
            out.extend(_problem(rule, text, m.start(), m.end(), f"repeats the reviewer's {what}")
                       for m in rx.finditer(text))
    digits: bool | None = None  # whether the text has a decimal digit (worked out when a pattern needs one)
    for pat in p.get("order_patterns", ()):
        if _needs_digit(pat, _FLAGS):
            if digits is None:
                digits = _has_decimal_digit(text)
            if not digits:
                continue  # every match holds a decimal digit: none here
        for m in _rx(pat).finditer(text):
            if not any(q.start == m.start() for q in out):
                out.append(_problem(rule, text, m.start(), m.end(), "contains an order number"))
    address = p["address_pattern"]
    if _needs_digit(address, 0) and not (digits if digits is not None else _has_decimal_digit(text)):
        return out
    for m in re.finditer(address, text):
        out.append(_problem(rule, text, m.start(), m.end(), "contains a street address"))
    return out


@lru_cache(maxsize=256)
def _needs_digit(pattern: str, flags: int) -> bool:
    r"""Whether every match of ``pattern`` (with ``flags``) holds a decimal digit (``\d``: Unicode category Nd, what
    :func:`_has_decimal_digit` looks for): an item of the pattern's top-level sequence is ``\d``, or a repeat of it
    at least once. Conservative: False for anything else (or a pattern that does not parse).

    >>> _needs_digit(r"\b\d{3}-\d{7}\b", 2), _needs_digit(r"\d*x", 0), _needs_digit(r"(?:\d|x)", 0)
    (True, False, False)
    """
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]

        items = list(_parser.parse(pattern, flags))
    except Exception:
        return False
    digit = [(c.IN, [(c.CATEGORY, c.CATEGORY_DIGIT)])]
    for op, av in items:
        if op is c.IN and [(op, av)] == digit:
            return True
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)) and av[0] >= 1 and \
                list(av[2]) == digit:
            return True
    return False


#: (id of an R-LENGTH rule, id of a reply limit without a limit) -> (the rule, the limit, the rule's not_run
#: problem for it): made once, the same record each time (it is frozen). Emptied when full.
_LENGTH_NOT_RUN: dict[tuple[int, int], tuple[LintRule, ReplyLimit, LintProblem]] = {}
_LENGTH_NOT_RUN_SIZE: Final[int] = 64


def _detect_length(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    lim = reply_limit(ctx.platform)
    if lim.limit is None:
        key = (id(rule), id(lim))
        got = _LENGTH_NOT_RUN.get(key)
        if got is None or got[0] is not rule or got[1] is not lim:
            if len(_LENGTH_NOT_RUN) >= _LENGTH_NOT_RUN_SIZE:
                _LENGTH_NOT_RUN.clear()
            got = _LENGTH_NOT_RUN[key] = (rule, lim, LintProblem(
                rule.rule_id, 0, 0, "", f"not checked: {lim.source}", "not_run", rule.basis))
        return [got[2]]
    n = lim.measure(text)
    if n <= lim.limit:
        return []
    # the span starts where the limit is crossed
    cut = len(text.encode("utf-8")[: lim.limit].decode("utf-8", "ignore")) if lim.unit == "bytes" else lim.limit
    return [_problem(rule, text, cut, len(text),
                     f"is {n:,} {lim.unit}, over the {ctx.platform} limit of {lim.limit:,} {lim.unit}")]


_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")
#: Distinct texts whose normal form is remembered: triage normalises each draft several times in a row.
NORMALISE_CACHE_SIZE: Final[int] = 1024


@lru_cache(maxsize=NORMALISE_CACHE_SIZE)
def _normalise(text: str) -> str:
    """Case-folded words of ``text`` (punctuation as spaces), one space apart: what R-DUP compares."""
    return " ".join(_NOT_WORD_OR_SPACE.sub(" ", text.casefold()).split())


def _shingles(words: Sequence[str], k: int) -> set[tuple[str, ...]]:
    return {tuple(words[i: i + k]) for i in range(max(1, len(words) - k + 1))}


def _detect_duplicate(rule: LintRule, text: str, ctx: _Ctx) -> list[LintProblem]:
    if not ctx.previous_replies:
        return []
    norm = _normalise(text)
    if not norm:
        return []
    k = int(rule.params.get("shingle_words", 3))
    threshold = float(rule.params.get("near_duplicate_jaccard", 0.9))
    mine = None  # the draft's shingles, worked out for the first reply that is not the same text
    for prev in ctx.previous_replies:
        other = _normalise(prev)
        if other == norm:
            return [_problem(rule, text, 0, len(text))]
        if mine is None:
            mine = _shingles(norm.split(), k)
        theirs = _shingles(other.split(), k)
        jac = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        if jac >= threshold:
            return [_problem(rule, text, 0, len(text),
                             f"is nearly identical (Jaccard {jac:.2f}) to a recent reply; vary the wording")]
    return []


_DETECTORS: Final[dict[str, Callable[[LintRule, str, _Ctx], list[LintProblem]]]] = {
    "patterns": _detect_patterns,
    "incentive": _detect_incentive,
    "links": _detect_links,
    "contact": _detect_contact,
    "pii": _detect_pii,
    "length": _detect_length,
    "duplicate": _detect_duplicate,
}


def lint_draft(
    text: str,
    platform: str,
    *,
    author: str | None = None,
    order_id: str | None = None,
    address: str | None = None,
    previous_replies: Sequence[str] = (),
    region: str | None = None,
) -> list[LintProblem]:
    """Check a reply draft against the rules sellers must follow; return its problems in text order.

    ``author``, ``order_id`` and ``address`` (the review's, when known) let R-PII catch them being repeated;
    ``previous_replies`` lets R-DUP catch a canned reply; ``region`` (e.g. ``"GB"``) is tried first for phone
    numbers. A check that could not run comes back with severity ``not_run`` (e.g. R-LENGTH on a platform
    with no documented limit). Overlapping hits of one rule are reported once.

    >>> [(p.rule_id, p.evidence) for p in lint_draft("Write to help@shop.com", "google")]
    [('R-CONTACT', 'help@shop.com')]
    >>> lint_draft("Thank you, we are glad it arrived safely.", "google")
    []
    """
    if not isinstance(text, str):
        raise TypeError(f"lint_draft expects a str, got {type(text).__name__}")
    # The author matters only through the first two name tokens of a full name (R-PII), so drafts that differ
    # only in who wrote the review share one cached result.
    if not author or author.isalnum():  # one word at most (no whitespace, no quote mark): no full name
        name = None
    else:
        tokens = _name_tokens(author)
        name = " ".join(tokens[:2]) if len(tokens) >= 2 else None
    return list(_lint_cached(text, platform, name, order_id, address, tuple(previous_replies), region))


@lru_cache(maxsize=LINT_CACHE_SIZE)
def _lint_cached(text: str, platform: str, author: str | None, order_id: str | None, address: str | None,
                 previous_replies: tuple[str, ...], region: str | None) -> tuple[LintProblem, ...]:
    """:func:`lint_draft`'s work, memoised: triage lints many identical drafts (same template, same name).

    A draft of several sentences is linted a sentence at a time where the rules allow it
    (:func:`_segment_bounds`, :func:`_split_rules`): each sentence's findings are remembered
    (:func:`_segment_found`), and drafts are mostly the same template sentences around a quote or a product."""
    ctx = _ctx(platform, author, order_id, address, previous_replies, region)
    rules = lint_rules()
    bounds = _segment_bounds(text)
    split = whole = None
    if bounds:
        split, whole = _split_plan(rules, author is None and order_id is None and address is None)
    if whole is None:
        split = None
        todo: Iterable[tuple[int, LintRule]] = enumerate(rules)
    else:  # the pieces with a finding (most have none): a piece looked up by itself in the pieces' table
        table = _segment_found.table(platform, split)  # type: ignore[arg-type]
        segs = []
        for a, b in bounds:  # type: ignore[union-attr]
            seg = text[a:b]
            got = table.get(seg, _NOT_LOOKED_UP)
            if got is _NOT_LOOKED_UP:
                got = _segment_found(seg, platform, split)  # type: ignore[arg-type]
            if got is not None:
                segs.append((a, got))
        # without a finding in a piece, only the rules linted in the whole draft (and R-CONTACT's phone numbers)
        # can find something: the others' turns in the loop below add nothing
        todo = enumerate(rules) if segs else whole
    problems: list[LintProblem] = []
    for i, rule in todo:
        if split is None or not split[i]:
            found = _DETECTORS[rule.detector](rule, text, ctx)
        elif rule.detector == "contact":  # its e-mails and patterns per sentence, its phone numbers in the text
            found = [q for a, got in segs for q in _shifted(got[i][0], a)]
            found.extend(_contact_phones(rule, text, ctx))
            found.extend(q for a, got in segs for q in _shifted(got[i][1], a))
        elif segs:
            found = [q for a, got in segs for q in _shifted(got[i], a)]
        else:
            continue
        if len(found) < 2:  # what the loop below keeps of none or one
            problems.extend(found)
            continue
        kept: list[LintProblem] = []
        for p in sorted(found, key=lambda q: (q.start, -(q.end - q.start))):
            if any(k.start <= p.start < k.end or (k.start == p.start == p.end) for k in kept):
                continue  # the same rule already covers this span
            kept.append(p)
        problems.extend(kept)
    if len(problems) < 2:  # what the sort below gives for none or one
        return tuple(problems)
    order = _rule_order(lint_rules())
    return tuple(sorted(problems, key=lambda p: (p.severity == "not_run", p.start, order[p.rule_id])))


_RULE_ORDER: dict[int, tuple[tuple[LintRule, ...], dict[str, int]]] = {}


def _rule_order(rules: tuple[LintRule, ...]) -> dict[str, int]:
    """Rule id -> its place in ``rules`` (the last place for an id given twice), worked out once per rule set."""
    got = _RULE_ORDER.get(id(rules))
    if got is None or got[0] is not rules:
        got = _RULE_ORDER[id(rules)] = (rules, {r.rule_id: i for i, r in enumerate(rules)})
    return got[1]


def _ctx(platform: str, author: str | None, order_id: str | None, address: str | None,
         previous_replies: tuple[str, ...], region: str | None) -> _Ctx:
    """``_Ctx(...)`` of these fields, set as the frozen dataclass's ``__init__`` sets them (without its
    ``object.__setattr__`` per field)."""
    ctx = _new_object(_Ctx)
    _set_attribute(ctx, "__dict__", {"platform": platform, "author": author, "order_id": order_id,
                                     "address": address, "previous_replies": previous_replies, "region": region})
    return ctx


# Linting a draft a sentence at a time. A draft is cut where a sentence ends: after ".", "!" or "?" and the run of
# whitespace after it, when text follows (:func:`_segment_bounds`). A rule is linted per piece when its findings
# in the draft are exactly its findings in the pieces, moved to where each piece starts, in the same order after
# _lint_cached's sort (a tie there, same start and length, is within one piece, whose own order is the draft's):
# * patterns (regexes) that :func:`_splits_safely` accepts: no match can consume a cut's whitespace (nor start
#   on it, nor be empty), and what a match looks at beside it (\b, a look-behind that cannot match
#   whitespace, a look-ahead that can start with whitespace only where no sentence end was just matched) sees the same at a
#   piece's edge as in the draft, so a regex's run over the draft and over the piece test the same characters;
# * R-INCENTIVE: it looks at sentences only (:func:`_sentences`), and a cut never falls inside one;
# * R-CONTACT's e-mails and patterns (its phone numbers are found in the whole draft: phonenumbers' matcher
#   reads across sentences); R-LINK's e-mails, links, bare domains and patterns; R-PII's order and address
#   patterns when no name, order id or address of the reviewer is given (a name such as "J. Smith" could run
#   across a cut);
# * never R-LENGTH and R-DUP (the whole draft).

#: Where a draft is cut: the whitespace after a sentence's end, when more text follows.
_SEGMENT_GAP: Final[re.Pattern[str]] = re.compile(r"[.!?](\s+)(?=\S)")  # the cut: group 1
#: What :data:`_SEGMENT_GAP`'s group 1 finds, as a look-behind (the definition; slower: no first character to scan
#: for): a match never takes a sentence end another match needs (it ends before a non-space character).
_SEGMENT_GAP_DEFINITION: Final[str] = r"(?<=[.!?])\s+(?=\S)"
#: Whitespace characters (``\s``, ``str.isspace``) and the sentence ends a cut is made of.
_GAP_SPACES: Final[str] = "".join(chr(o) for o in range(0x110000) if chr(o).isspace())
_GAP_ENDS: Final[str] = ".!?"


def _segment_bounds(text: str) -> list[tuple[int, int]] | None:
    r"""The pieces a draft is linted in (``(start, end)``, in order, covering the text but the cuts), or None for
    a text of one piece.

    >>> _segment_bounds("Hi Ann,\n\nSorry. Call us!  Bye")
    [(0, 15), (16, 24), (26, 29)]
    """
    out = []
    start = 0
    for m in _SEGMENT_GAP.finditer(text):
        cut, after = m.span(1)
        out.append((start, cut))
        start = after
    if not out:
        return None
    out.append((start, len(text)))
    return out


class _NotSplittable(Exception):
    pass


def _seq_info(items: Any) -> tuple[bool, bool, bool]:
    """(can match empty, can start with whitespace, can end with a sentence end) of a parsed regex sequence;
    raises :class:`_NotSplittable` where a match could consume whitespace right after a sentence end or the
    regex uses what a cut could change (anchors, back-references, a look-behind that could see whitespace)."""
    nullable, first_ws, last_end = True, False, False
    for item in items:
        n, f, l = _item_info(item)
        if last_end and f:
            raise _NotSplittable
        if nullable:
            first_ws = first_ws or f
        last_end = l or (n and last_end)
        nullable = nullable and n
    return nullable, first_ws, last_end


def _class_matches(items: Any, ch: str) -> bool:
    from re import _constants as c  # type: ignore[attr-defined]

    negate = False
    hit = False
    o = ord(ch)
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            hit = hit or av == o
        elif op is c.RANGE:
            hit = hit or av[0] <= o <= av[1]
        elif op is c.CATEGORY:
            cat = re.compile({c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_DIGIT: r"\d",
                              c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W"}[av])
            hit = hit or cat.fullmatch(ch) is not None
        else:
            raise _NotSplittable
    return hit != negate


def _item_info(item: Any) -> tuple[bool, bool, bool]:
    from re import _constants as c  # type: ignore[attr-defined]

    op, av = item
    # whitespace and ".", "!", "?" have no other case: IGNORECASE does not change which of them an atom matches
    if op is c.LITERAL:
        return False, chr(av) in _GAP_SPACES, chr(av) in _GAP_ENDS
    if op is c.IN:
        return (False, any(_class_matches(av, ch) for ch in _GAP_SPACES),
                any(_class_matches(av, ch) for ch in _GAP_ENDS))
    if op in (c.NOT_LITERAL, c.ANY):
        return False, True, True
    if op is c.AT:
        if av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):  # both sides of a cut are non-word characters or an edge
            return True, False, False
        raise _NotSplittable
    if op is c.SUBPATTERN:
        return _seq_info(av[-1])
    if op is c.ATOMIC_GROUP:
        return _seq_info(av)
    if op is c.BRANCH:
        got = [_seq_info(alt) for alt in av[1]]
        return any(g[0] for g in got), any(g[1] for g in got), any(g[2] for g in got)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        lo, hi, sub = av
        n, f, l = _seq_info(sub)
        if hi != 1 and l and f:
            raise _NotSplittable
        return lo == 0 or n, f, l
    if op in (c.ASSERT, c.ASSERT_NOT):
        direction, sub = av
        if direction < 0:
            if _any_space(sub):
                raise _NotSplittable
            _seq_info(sub)
            return True, False, False
        n, f, l = _seq_info(sub)  # read from here on, as if matched: whitespace right after a sentence end counts
        return True, f, l
    raise _NotSplittable


def _any_space(items: Any) -> bool:
    """Whether some atom of a parsed regex sequence can match whitespace (conservatively)."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in items:
        if op is c.LITERAL:
            if chr(av) in _GAP_SPACES:
                return True
        elif op is c.IN:
            if any(_class_matches(av, ch) for ch in _GAP_SPACES):
                return True
        elif op is c.AT:
            continue
        elif op in (c.SUBPATTERN, c.ATOMIC_GROUP, c.MAX_REPEAT, c.MIN_REPEAT,
                    getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT), c.ASSERT, c.ASSERT_NOT):
            if _any_space(av if op is c.ATOMIC_GROUP else av[-1]):
                return True
        elif op is c.BRANCH:
            if any(_any_space(alt) for alt in av[1]):
                return True
        else:
            return True
    return False


@lru_cache(maxsize=512)
def _splits_safely(pattern: str, flags: int = _FLAGS) -> bool:
    r"""Whether every ``re.finditer(pattern, text, flags)`` equals the matches in the pieces of
    :func:`_segment_bounds` moved to where each piece starts (see the comment above :data:`_SEGMENT_GAP`): no
    empty match, no match starting with whitespace or consuming whitespace right after ".", "!" or "?" (so none
    holds a cut's whitespace), no anchor but \b and \B, no back-reference, no look-behind that could match
    whitespace. Conservative: False for anything the analysis does not know.

    >>> _splits_safely(r"\bupdate\s+your\s+review\b"), _splits_safely(r"etc\.\s+now"), _splits_safely(r"^hi")
    (True, False, False)
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        nullable, first_ws, _ = _seq_info(_parser.parse(pattern, flags))
    except Exception:  # _NotSplittable, or a parser this analysis does not know
        return False
    return not nullable and not first_ws


def _rule_splits(rule: LintRule, plain: bool) -> bool:
    """Whether ``rule`` can be linted a piece at a time (see the comment above :data:`_SEGMENT_GAP`); ``plain``: no
    reviewer name, order id or address is given."""
    p = rule.params
    pats = tuple(p.get("patterns", ()))
    if rule.detector == "patterns":
        return all(_splits_safely(x) for x in pats)
    if rule.detector == "incentive":
        return True
    if rule.detector == "contact":
        return _splits_safely(_EMAIL.pattern, _EMAIL.flags) and all(_splits_safely(x) for x in pats)
    if rule.detector == "links":
        dom = _domain_rx(p["tlds"])
        return all(_splits_safely(x.pattern, x.flags) for x in (_EMAIL, _URL, dom)) and all(
            _splits_safely(x) for x in pats)
    if rule.detector == "pii":
        return plain and all(_splits_safely(x) for x in p.get("order_patterns", ())) and _splits_safely(
            p["address_pattern"], 0)
    return False


_SPLIT_RULES: dict[tuple[int, bool], tuple[tuple[LintRule, ...], tuple[bool, ...]]] = {}


def _split_rules(rules: tuple[LintRule, ...], plain: bool) -> tuple[bool, ...]:
    """Per rule of ``rules`` (in order), whether it is linted a piece at a time; worked out once per rule set."""
    got = _SPLIT_RULES.get((id(rules), plain))
    if got is None or got[0] is not rules:
        got = _SPLIT_RULES[(id(rules), plain)] = (rules, tuple(_rule_splits(r, plain) for r in rules))
    return got[1]


_SPLIT_PLANS: dict[tuple[int, bool], tuple[tuple[LintRule, ...], tuple[bool, ...], Any]] = {}


def _split_plan(rules: tuple[LintRule, ...], plain: bool
                ) -> tuple[tuple[bool, ...], tuple[tuple[int, LintRule], ...] | None]:
    """:func:`_split_rules` of ``rules`` and, when any rule is linted a piece at a time, the ``(place, rule)`` of
    the rules a draft without a finding in any piece still lints (in order): those linted in the whole draft and
    R-CONTACT (its phone numbers); else None. Worked out once per rule set."""
    got = _SPLIT_PLANS.get((id(rules), plain))
    if got is None or got[0] is not rules:
        split = _split_rules(rules, plain)
        whole = tuple((i, r) for i, r in enumerate(rules) if not split[i] or r.detector == "contact") \
            if any(split) else None
        got = _SPLIT_PLANS[(id(rules), plain)] = (rules, split, whole)
    return got[1], got[2]


#: Distinct (sentence, platform, rules split) whose findings are remembered (:func:`_segment_found`).
SEGMENT_CACHE_SIZE: Final[int] = 1 << 16


#: What :meth:`_PieceMemo.table`'s tables give for a piece not looked at yet (a piece's findings are a tuple or None).
_NOT_LOOKED_UP: Final = object()


class _PieceMemo:
    """:func:`_segment_found`'s memo, in place of an ``lru_cache``: per (platform, split), a table of the pieces
    worked out (piece -> findings), so that :func:`_lint_cached` looks a piece up by the piece alone (the split's
    tuple hashed once per draft, not once per piece). All tables are emptied when they hold
    :data:`SEGMENT_CACHE_SIZE` pieces together, or by :meth:`cache_clear` (as the ``lru_cache``'s)."""

    __slots__ = ("__wrapped__", "tables", "size")

    def __init__(self, fn: Callable[[str, str, tuple[bool, ...]], tuple[Any, ...] | None]) -> None:
        self.__wrapped__ = fn
        self.tables: dict[tuple[str, tuple[bool, ...]], dict[str, tuple[Any, ...] | None]] = {}
        self.size = 0

    def table(self, platform: str, split: tuple[bool, ...]) -> dict[str, tuple[Any, ...] | None]:
        """The pieces of (platform, split) worked out so far: look a piece up with ``get``; add one by calling."""
        got = self.tables.get((platform, split))
        if got is None:
            got = self.tables[(platform, split)] = {}
        return got

    def __call__(self, seg: str, platform: str, split: tuple[bool, ...]) -> tuple[Any, ...] | None:
        table = self.table(platform, split)
        got = table.get(seg, _NOT_LOOKED_UP)
        if got is _NOT_LOOKED_UP:
            got = self.__wrapped__(seg, platform, split)
            if self.size >= SEGMENT_CACHE_SIZE:
                self.cache_clear()
                table = self.table(platform, split)
            table[seg] = got
            self.size += 1
        return got  # type: ignore[return-value]

    def cache_clear(self) -> None:
        self.tables.clear()
        self.size = 0


@_PieceMemo
def _segment_found(seg: str, platform: str, split: tuple[bool, ...]) -> tuple[Any, ...] | None:
    """Per rule of :func:`lint_rules` (in order), the findings in one piece of a draft of the rules ``split`` marks
    (R-CONTACT: its e-mails and its patterns apart), or None; positions are the piece's own. None when none of
    them finds anything."""
    ctx = _ctx(platform, None, None, None, (), None)
    out: list[Any] = []
    for rule, on in zip(lint_rules(), split):
        if not on:
            out.append(None)
        elif rule.detector == "contact":
            out.append((tuple(_contact_emails(rule, seg)), tuple(_detect_patterns(rule, seg, ctx))))
        else:
            out.append(tuple(_DETECTORS[rule.detector](rule, seg, ctx)))
    return tuple(out) if any(x for x in out if x is not None and x != ((), ())) else None


def _shifted(found: Sequence[LintProblem], at: int) -> Sequence[LintProblem]:
    """``found`` (a piece's findings) moved to a draft where the piece starts at ``at``."""
    if not at or not found:
        return found
    return [LintProblem(p.rule_id, p.start + at, p.end + at, p.evidence, p.reason, p.severity, p.basis)
            for p in found]


def blocking(problems: Iterable[LintProblem]) -> list[LintProblem]:
    """The problems that stop a draft from being posted as is (severity ``block``)."""
    return [p for p in problems if p.severity == "block"]


def summarise_problems(problems: Iterable[LintProblem]) -> str:
    """One line per problem, ``"block R-LINK 'example.com': contains a bare domain"``; not-run checks last."""
    return "; ".join([_problem_line(p) for p in problems])


#: id of a problem -> (that problem, its line in :func:`summarise_problems`): the linter's cached results hand out
#: the same problem objects again and again (an R-DUP warning quotes the whole draft). Emptied when full.
_PROBLEM_LINES: dict[int, tuple[LintProblem, str]] = {}
_PROBLEM_LINES_SIZE: Final[int] = 4096


def _problem_line(p: LintProblem) -> str:
    """A problem's part of :func:`summarise_problems`, remembered per :class:`LintProblem` object (frozen)."""
    got = _PROBLEM_LINES.get(id(p))
    if got is not None and got[0] is p:
        return got[1]
    line = f"{p.severity} {p.rule_id}" + (f" {p.evidence!r}" if p.evidence else "") + f": {p.reason}"
    if type(p) is LintProblem:  # held, so its id is not another object's while remembered
        if len(_PROBLEM_LINES) >= _PROBLEM_LINES_SIZE:
            _PROBLEM_LINES.clear()
        _PROBLEM_LINES[id(p)] = (p, line)
    return line


# ============================================================================================ reply drafts

#: Tones the templates are written in.
TONES: Final[tuple[str, ...]] = ("warm", "formal")


@dataclass(frozen=True)
class ReplySettings:
    """How drafts are written and which action a positive review gets.

    * ``brand``: the brand name used in the signature (empty: "Customer care team").
    * ``signature``: overrides the signature line entirely.
    * ``tone``: ``"warm"`` or ``"formal"`` (greetings and closings).
    * ``use_display_name``: greet the reviewer by first name or display handle where the platform shows it
      (never the full name).
    * ``amazon_public_reply``: Amazon's public comments on reviews are unverified (platform-policies.md §1.2), so
      by default the Amazon draft is a Buyer-Seller Messaging note for use after Contact Customer; ``True`` writes
      a public comment instead.
    * ``thank_positive``: positive reviews get ``thank`` (a thank-you draft) or, when ``False``, ``none``.
    * ``channels``: per-platform override of the ``{channel}`` phrase (e.g. ``{"google": "at the front desk"}``);
      it must still point to the platform's own channel, and drafts are linted with it.
    * ``region``: the phone-number region tried first by the linter (e.g. ``"GB"``).

    >>> ReplySettings(brand="Acme", tone="formal").tone
    'formal'
    """

    brand: str = ""
    signature: str | None = None
    tone: str = "warm"
    use_display_name: bool = True
    amazon_public_reply: bool = False
    thank_positive: bool = True
    channels: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise TemplateError(f"tone {self.tone!r} is not one of {TONES}")


def _link_tlds() -> Sequence[str]:
    rules = lint_rules()
    got = _LINK_TLDS.get(id(rules))
    if got is None or got[0] is not rules:  # worked out once per (cached) rule set, not per display name
        got = _LINK_TLDS[id(rules)] = (rules, next(r.params["tlds"] for r in rules if r.detector == "links"))
    return got[1]


#: id of the rule set -> (that rule set, its links rule's TLD list): :func:`_link_tlds` per rule set object.
_LINK_TLDS: dict[int, tuple[tuple[LintRule, ...], Sequence[str]]] = {}


def reply_mode(platform: str, settings: ReplySettings | None = None) -> str:
    """``"message"`` when the draft is a private Buyer-Seller Messaging note (Amazon by default), else ``"public"``."""
    settings = settings or ReplySettings()
    info = _platform_channels(platform)
    if "message" in info and not (platform == "amazon" and settings.amazon_public_reply):
        return "message"
    return "public"


def _platform_channels(platform: str) -> Mapping[str, Any]:
    plats = channel_data()["platforms"]
    return plats.get(platform) or plats["other"]


def reply_where(platform: str, settings: ReplySettings | None = None) -> str:
    """Where to paste a reply draft for ``platform`` (e.g. ``"Google Business Profile: Reviews, Reply"``)."""
    return _platform_channels(platform)[reply_mode(platform, settings)]["where"]


def _channel_phrase(platform: str, settings: ReplySettings) -> str:
    if platform in settings.channels:
        return settings.channels[platform]
    return _platform_channels(platform)[reply_mode(platform, settings)]["channel"]


def _plain_sha256() -> Callable[[bytes], Any]:
    """SHA-256 as Python's own implementation (``_sha256``, ``_sha2`` from 3.12) when the build has it, else
    :func:`hashlib.sha256` (OpenSSL's): the same digests; Python's is cheaper to set up for the short keys
    :meth:`_DraftContext.text` hashes (~0.1 us of ~0.5 us a digest on this machine)."""
    for name in ("_sha2", "_sha256"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        fn = getattr(mod, "sha256", None)
        if fn is not None and fn(b"abc").digest() == hashlib.sha256(b"abc").digest():
            return fn
    return hashlib.sha256


_sha256: Final = _plain_sha256()
#: The first eight bytes of a digest as a big-endian unsigned integer, in a 1-tuple (``int.from_bytes(d[:8], "big")``
#: without the slice: the same number).
_FIRST_U64: Final = struct.Struct(">Q").unpack_from


def _pick_plan(ctx: _DraftContext) -> tuple[tuple[Sequence[str], bytes], ...] | None:
    """The option lists :meth:`_DraftContext.text` picks from with :func:`_pick` (greeting, closing, next step,
    openings), each with ``("\x1f" + slot)``'s slot encoded; None when a list is empty (:func:`_pick` says so)."""
    tpl = reply_templates()
    kind, topic = ctx.kind, ctx.topic
    plan = [(tpl["greeting"][ctx.settings.tone]["named" if ctx.name else "anonymous"], "greeting"),
            (tpl["closing"][kind][ctx.settings.tone], "closing"), (ctx.nexts, f"{kind}:{topic}:next")]
    plan += [(opts, f"{kind}:{topic}:{slot}") for slot, opts in ctx.openings]
    if not all(opts for opts, _ in plan):
        return None
    return tuple((opts, slot.encode()) for opts, slot in plan)


#: The option counts of a plan (:func:`_pick_plan`) -> the maker of its picker (:func:`_picker`): a few shapes.
_PICKER_MAKERS: dict[tuple[int, ...], Callable[..., Callable[[bytes], tuple[str, ...]]]] = {}


def _picker(plan: tuple[tuple[Sequence[str], bytes], ...] | None) -> Callable[[bytes], tuple[str, ...]] | None:
    """A function of a hashed key's head (the review id, the variant's tail and the unit separator, encoded) that
    gives the phrasings :meth:`_DraftContext.text` picks from ``plan``: per slot,
    ``opts[int.from_bytes(sha256(head + slot).digest()[:8], "big") % len(opts)]``, with each list, its slot and its
    length held by the function (no unpacking nor ``len`` per pick); for a list of two (a power of two up to 256)
    options the last of the eight bytes' low bits (the same number modulo the count). Where
    :func:`_native_picks` is built (and the slots are bytes), that function's picks with the lists, slots and
    counts held instead: one C call per draft. None for a None plan, or a plan whose option lists are not lists
    or tuples.

    >>> pick = _picker(((["a", "b"], b"greeting"), (["c", "d", "e"], b"closing")))
    >>> head = b"R1\x1f"
    >>> pick(head) == (_pick(["a", "b"], "R1", "greeting"), _pick(["c", "d", "e"], "R1", "closing"))
    True
    """
    if plan is None or not all(type(opts) in (list, tuple) for opts, _ in plan):
        return None
    shape = tuple(len(opts) for opts, _ in plan)
    native = _native_picks() if all(type(slot) is bytes for _, slot in plan) else None
    if native is not None:  # the same picks in one C call per draft (the list, slot and count held as here)
        return functools.partial(native, tuple((opts, slot, n) for (opts, slot), n in zip(plan, shape)))
    make = _PICKER_MAKERS.get(shape)
    if make is None:
        args = ", ".join(f"o{i}, s{i}" for i in range(len(shape)))
        # n a power of two up to 256: the number modulo n is the last byte's low bits
        picks = "".join((f"o{i}[sha(head + s{i}).digest()[7] & {n - 1}], " if n & (n - 1) == 0 and n <= 256 else
                         f"o{i}[first(sha(head + s{i}).digest())[0] % {n}], ") for i, n in enumerate(shape))
        src = (f"def make({args}):\n    def pick(head, sha=sha, first=first):\n        return ({picks})\n"
               f"    return pick\n")
        scope = {"sha": _sha256, "first": _FIRST_U64}
        exec(src, scope)  # noqa: S102 - generated from the counts alone (ints)
        make = _PICKER_MAKERS[shape] = scope["make"]
    return make(*[x for opts, slot in plan for x in (opts, slot)])


def _native_picks() -> Callable[[tuple[tuple[Sequence[str], bytes, int], ...], bytes], tuple[str, ...]] | None:
    """``reviewtools._storecore.sha_picks`` (a plan's picks of one hashed key's head in one call: per ``(options,
    slot, count)``, ``options[int.from_bytes(sha256(head + slot).digest()[:8], "big") % count]``, by the CPU's
    SHA extensions where it has them) when the module is built with it and ``REVIEWTOOLS_PURE_PYTHON`` (read at
    each call) does not disable it, else None (:func:`_picker` generates a Python function instead)."""
    if not NATIVE_PICKS or os.environ.get(_PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _storecore
    except ImportError:  # pragma: no cover - not compiled here
        return None
    return getattr(_storecore, "sha_picks", None)


#: Whether :func:`_picker` picks by :func:`_native_picks` where it is built (~4 SHA-256 objects, digests and
#: unpacks per reply text in Python: ~0.5 CPU s of the decision step at 1M reviews).
NATIVE_PICKS: Final[bool] = True


def _pick(options: Sequence[str], key: str, slot: str) -> str:
    """Choose one of ``options`` from a stable hash of ``key`` and ``slot`` (same on every run and machine)."""
    if not options:
        raise TemplateError(f"no template options for {slot}")
    digest = hashlib.sha256(f"{key}\x1f{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]


_NAME_SPLIT = re.compile(r"[\"“(\[]")
#: Three or more digits in an ASCII text (where ``str.isdigit`` is ``[0-9]``): a handle such as "A3A02E6557BCEA"
#: is no name (:func:`display_name`), found without a call per character.
_THREE_DIGITS: Final = re.compile(r"[0-9][^0-9]*[0-9][^0-9]*[0-9]").search


_NAME_SETS: dict[int, tuple[dict[str, Any], frozenset[str], frozenset[str]]] = {}


def _name_sets() -> tuple[frozenset[str], frozenset[str]]:
    """channels.json's ``generic_names`` and ``titles`` as sets (worked out once per loaded data object)."""
    data = channel_data()
    got = _NAME_SETS.get(id(data))
    if got is None or got[0] is not data:
        got = _NAME_SETS[id(data)] = (data, frozenset(data["generic_names"]), frozenset(data["titles"]))
    return got[1], got[2]


def display_name(author: object, platform: str, settings: ReplySettings | None = None) -> str | None:
    """The name to greet: a first name or display handle, never a full name; ``None`` when unsuitable.

    Returns ``None`` when the platform does not show names, the setting is off, the author is unknown or
    generic ("Amazon Customer"), starts with a title ("Mr Smith"), or looks like an e-mail, link or number.

    >>> display_name('Natalia Corres "Natalia Corres"', "amazon")
    'Natalia'
    >>> display_name("Amazon Customer", "amazon") is None
    True
    """
    settings = settings or ReplySettings()
    if not settings.use_display_name or not _platform_channels(platform).get("shows_display_name", False):
        return None
    if author is None or (not isinstance(author, str)) or not author.strip():
        return None
    if author.isalnum():  # one word, no quote, bracket, "@", "/" or dot: the name is the author as it is
        if len(author) > MAX_NAME_CHARS or (_THREE_DIGITS(author) is not None if author.isascii() else
                                            sum(map(str.isdigit, author)) > 2) or not any(map(str.isalpha, author)):
            return None  # (a handle such as "A3A02E6557BCEA", most authors of the big corpora: no name sets needed)
        generic, titles = _name_sets()
        if author.casefold() in generic or author.casefold().rstrip(".") in titles:
            return None
        return author.capitalize() if author.isalpha() and author.islower() else author
    generic, titles = _name_sets()
    raw = _NAME_SPLIT.split(author, maxsplit=1)[0].strip()
    if not raw or raw.casefold() in generic:
        return None
    if "@" in raw or "/" in raw or ("." in raw and _domain_rx(_link_tlds()).search(raw)):  # a domain has a dot
        return None
    tokens = raw.split()
    first = tokens[0].strip(",.;:!?-_'")
    if first.casefold().rstrip(".") in titles:
        return None
    if not first or not any(map(str.isalpha, first)) or len(first) > MAX_NAME_CHARS:
        return None
    if sum(map(str.isdigit, first)) > 2:
        return None
    return first.capitalize() if first.isalpha() and first.islower() else first


def product_phrase(title: object, platform: str = "amazon", *, general: bool = False) -> str:
    """How a reply names what was reviewed: ``"your <short title>"``, or the platform's fallback.

    Long titles are cut at a natural break. On Google, Yelp and Trustpilot the review is about a place or a
    company, so the phrase never uses the title ("your order"; with ``general=True``, for the generic templates,
    "your visit" on Google and Yelp); apps are named bare.

    >>> product_phrase("Kindle Paperwhite - eBook reader - 4 GB, black")
    'your Kindle Paperwhite'
    >>> product_phrase(None), product_phrase("Corner Bakery", "google"), product_phrase("Acme Notes", "app_store")
    ('your order', 'your order', 'Acme Notes')
    >>> product_phrase("Corner Bakery", "google", general=True)
    'your visit'
    """
    rule = dict(_platform_channels(platform)["product"])
    if general and rule.get("general"):
        rule["untitled"] = rule["general"]
    if rule["titled"] is None or not isinstance(title, str) or not title.strip():
        return rule["untitled"]
    t = " ".join(title.split())
    for sep in (" - ", " – ", " | ", ", ", " (", ": "):
        if sep in t and t.index(sep) >= 3:
            t = t[: t.index(sep)]
    if len(t) > MAX_PRODUCT_CHARS:
        t = t[:MAX_PRODUCT_CHARS].rsplit(" ", 1)[0]
    t = t.strip(" ,;:-")
    return rule["titled"].format(title=t) if t else rule["untitled"]


def problem_quote(evidence: object, topic: str | None = None) -> str | None:
    """The reviewer's own words to quote, tidied; ``None`` if missing, too short or long, not a complaint on its
    own, or not safe to repeat.

    A quote needs :data:`MIN_QUOTE_WORDS` words; with ``topic`` the phrase alone must also read as a complaint
    of that topic (:func:`reviewtools.topics.find_topics` finds a complaint in it), so praise or a bare mention
    ("customer service was") is never quoted back as the reviewer's problem.

    >>> problem_quote("“arrived two weeks late”"), problem_quote("broke"), problem_quote("service")
    ('arrived two weeks late', None, None)
    """
    if not isinstance(evidence, str):
        return None
    q = " ".join(evidence.replace("“", "").replace("”", "").replace('"', "").split()).strip(" .,;:!?")
    if not q or len(q) > MAX_PROBLEM_CHARS or not any(c.isalpha() for c in q):
        return None
    if len(q.split()) < MIN_QUOTE_WORDS:
        return None
    if topic is not None and not _reads_as_complaint(q, topic):
        return None
    if blocking(lint_draft(q, "other")):
        return None  # never quote back a link, a number or anything else a reply may not contain
    return q


#: Distinct (phrase, topic) pairs whose complaint reading is remembered (a batch repeats the same phrases).
_COMPLAINT_CACHE_SIZE: Final[int] = 4096


@functools.lru_cache(maxsize=_COMPLAINT_CACHE_SIZE)
def _reads_as_complaint(phrase: str, topic: str) -> bool:
    from .topics import reads_as_complaint  # the topic rules decide what a complaint is; imported when quoting

    return reads_as_complaint(phrase, topic)


def topic_label(topic: str | None, product: str) -> str:
    """The plain-language name of a topic's problem (``label`` in replies.json), used when no quote fits.

    >>> topic_label("customer_service", "your order"), topic_label(None, "the app")
    ('our customer service', 'the problem with the app')
    """
    tpl = reply_templates()
    label = tpl["topics"][topic]["label"] if topic is not None else tpl["default_label"]
    return _fill(label, {"product": product})


#: id of the loaded reply templates -> (those templates, their ``topic_priority`` list, topic -> its first place
#: there): worked out once per loaded data object (:func:`primary_topic`).
_TOPIC_RANKS: dict[int, tuple[dict[str, Any], list[str], dict[str, int]]] = {}


def primary_topic(topics: Iterable[str]) -> str | None:
    """The topic a reply addresses when a review names several (``topic_priority`` in replies.json): the first of
    the priority list that ``topics`` holds, found by each topic's place in the list (the smallest wins), without a
    set of the topics nor a walk through the list.

    >>> primary_topic(t for t in ("price_value", "safety")), primary_topic(["nothing"]), primary_topic([])
    ('safety', None, None)
    """
    tpl = reply_templates()
    got = _TOPIC_RANKS.get(id(tpl))
    if got is None or got[0] is not tpl:
        prio = tpl["topic_priority"]
        ranks: dict[str, int] = {}
        for i, t in enumerate(prio):
            ranks.setdefault(t, i)
        got = _TOPIC_RANKS[id(tpl)] = (tpl, prio, ranks)
    prio, rank = got[1], got[2].get
    best = None
    for t in topics:  # (an unhashable topic raises TypeError, as a set of them does)
        r = rank(t)
        if r is not None and (best is None or r < best):
            best = r
    return prio[best] if best is not None else None


def _signature(settings: ReplySettings) -> str:
    if settings.signature is not None:
        return settings.signature
    sig = reply_templates()["signature"]
    return sig["branded"].format(brand=settings.brand) if settings.brand else sig["unbranded"]


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``template.format(**values)``; a missing value raises :class:`TemplateError`. A dict's values are looked up
    in it (``format_map``: no keyword dict made per call, the same text); a template ``format_map`` refuses (a
    positional field) or that raises otherwise is formatted as before, which raises as before."""
    if type(values) is dict:
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            pass  # formatted again below: the same exception, or TemplateError for a missing value
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise TemplateError(f"template {template!r} needs a value for {exc}") from exc


def draft_reply(
    review: Mapping[str, Any],
    *,
    kind: str = "negative",
    topic: str | None = None,
    problem: str | None = None,
    settings: ReplySettings | None = None,
    variant: int = 0,
) -> str:
    """Write the reply draft for one review.

    ``review`` needs ``review_id`` and ``platform``, and uses ``author`` and ``product_title`` when present.
    ``kind`` is ``negative``, ``mixed`` or ``positive``; ``topic`` (one of :data:`TOPICS`) picks the
    topic templates and ``problem`` (the topic evidence span) is quoted back. Phrasings are chosen from a hash of
    the review id, so reruns give the same draft. The draft is shortened (dropping the quote, then the layout)
    until it fits the platform's reply limit. ``variant`` > 0 picks another stable set of phrasings (used to
    avoid two identical drafts on one page).

    >>> print(draft_reply({"review_id": "R1", "platform": "google", "author": "Ann Lee"}, kind="positive"))
    Hi Ann,
    <BLANKLINE>
    We're delighted to hear you enjoyed your visit. We look forward to helping you again. All the best.
    <BLANKLINE>
    — Customer care team
    """
    return _draft_context(review, kind, topic, problem, settings).text(variant)


@dataclass(frozen=True)
class _DraftContext:
    """What :func:`draft_reply` needs that does not depend on ``variant``, worked out once per review."""

    platform: str
    review_id: str
    kind: str
    topic: str | None
    values: Mapping[str, str]
    name: str | None
    openings: tuple[tuple[str, Sequence[str]], ...]
    nexts: Sequence[str]
    settings: ReplySettings
    #: picked phrasings -> (draft, over the limit): shared by the contexts of one :class:`_DraftMemo` entry,
    #: whose drafts differ only in the phrasings picked (None: nothing remembered)
    texts: dict[tuple[str, ...], tuple[str, bool]] | None = field(default=None, compare=False, repr=False)
    #: every draft the contexts of that memo entry can give, and which of them a page already has (None: no memo)
    space: _PhrasingSpace | None = field(default=None, compare=False, repr=False)
    #: the option lists :meth:`text` picks from, in its order, each with its slot's bytes (:func:`_pick_plan`),
    #: worked out once per :class:`_DraftMemo` entry (None: picked with :func:`_pick`)
    plan: tuple[tuple[Sequence[str], bytes], ...] | None = field(default=None, compare=False, repr=False)
    #: :func:`_picker` of ``plan``, set with it (None: picked from ``plan`` as it is)
    picker: Callable[[bytes], tuple[str, ...]] | None = field(default=None, compare=False, repr=False)

    def text(self, variant: int = 0) -> str:
        """The draft of phrasing set ``variant`` (0 = the first choice), as :func:`draft_reply` returns it."""
        picker = self.picker
        plan = self.plan
        if picker is not None or plan is not None:  # _pick's choices: the stable hash of the key, a separator, the slot
            if type(variant) is int and 0 <= variant < len(_KEY_TAILS):  # the key's tail and the separator
                head = (self.review_id + _KEY_TAILS[variant]).encode()
            else:
                head = (self.review_id + (f"#{variant}" if variant else "") + "\x1f").encode()
            sha, first = _sha256, _FIRST_U64  # first: int.from_bytes(digest[:8], "big"), as one C call
            if picker is not None:  # the plan's picks by its own function (_picker)
                chosen = picker(head)
            elif len(plan) == 4:  # type: ignore[arg-type]  # greeting, closing, next step, one opening: unrolled
                (o0, s0), (o1, s1), (o2, s2), (o3, s3) = plan  # type: ignore[misc]
                chosen = (o0[first(sha(head + s0).digest())[0] % len(o0)],
                          o1[first(sha(head + s1).digest())[0] % len(o1)],
                          o2[first(sha(head + s2).digest())[0] % len(o2)],
                          o3[first(sha(head + s3).digest())[0] % len(o3)])
            else:
                chosen = tuple([opts[first(sha(head + slot).digest())[0] % len(opts)]
                                for opts, slot in plan])  # type: ignore[union-attr]
            memo = self.texts
            got = memo.get(chosen) if memo is not None else None
            if got is None or got[1]:  # composed, or the same warning the composition gives, for this review
                key = self.review_id + (f"#{variant}" if variant else "")
                if memo is None:
                    return self._compose(key, chosen[0], chosen[1], chosen[2], list(chosen[3:]))[0]
                if got is None:
                    got = memo[chosen] = self._compose(key, chosen[0], chosen[1], chosen[2], list(chosen[3:]))
                else:
                    log.warning("reply draft for review %s is over the %s limit even in its shortest form", key,
                                self.platform)
            return got[0]
        platform = self.platform
        key = self.review_id + (f"#{variant}" if variant else "")
        kind, topic, settings, openings = self.kind, self.topic, self.settings, self.openings
        tpl = reply_templates()
        greeting = _pick(tpl["greeting"][settings.tone]["named" if self.name else "anonymous"], key, "greeting")
        closing = _pick(tpl["closing"][kind][settings.tone], key, "closing")
        nexts = self.nexts
        next_step = _pick(nexts, key, f"{kind}:{topic}:next")
        picks = [_pick(opts, key, f"{kind}:{topic}:{slot}") for slot, opts in openings]
        memo = self.texts
        if memo is None:
            return self._compose(key, greeting, closing, next_step, picks)[0]
        chosen = (greeting, closing, next_step, *picks)
        got = memo.get(chosen)
        if got is None:
            got = memo[chosen] = self._compose(key, greeting, closing, next_step, picks)
        elif got[1]:  # the same warning the composition gives, for this review
            log.warning("reply draft for review %s is over the %s limit even in its shortest form", key, platform)
        return got[0]

    def choices(self) -> tuple[tuple[str, ...], ...]:
        """Every phrasing set :meth:`text` can pick for some review id and variant, as the ``(greeting, closing,
        next step, *openings)`` tuples it picks (each option list in full: a stable hash can land on any of them).
        """
        tpl = reply_templates()
        greetings = tpl["greeting"][self.settings.tone]["named" if self.name else "anonymous"]  # as text() picks
        closings = tpl["closing"][self.kind][self.settings.tone]
        return tuple(itertools.product(greetings, closings, self.nexts, *(opts for _, opts in self.openings)))

    def all_drafts(self, remember: bool = True) -> tuple[list[str], bool]:
        """The draft of every phrasing set (:meth:`choices`), composed without logging (remembered in ``texts``
        when there is one and ``remember``), and whether any of them is over the platform's limit even in its
        shortest form."""
        out: list[str] = []
        over = False
        memo = self.texts
        for chosen in self.choices():
            got = memo.get(chosen) if memo is not None else None
            if got is None:
                got = self._composed(*chosen[:3], list(chosen[3:]))
                if memo is not None and remember:
                    memo[chosen] = got
            out.append(got[0])
            over = over or got[1]
        return out, over

    def all_norms(self) -> tuple[frozenset[str], bool]:
        """The drafts of :meth:`all_drafts` normalised (:func:`_normalise`) and whether any is over the limit even in
        its shortest form, mostly without composing them: a draft that fits in its first, longest form is its
        greeting, three sentence templates and the signature with whitespace between, and the normal form of such
        a text is the normal forms of its parts joined by a space (case folding, the punctuation-to-space and the
        word split all work a character at a time), its length theirs plus the separators'. A part that does not
        fill alone (never with valid templates), or a draft over the limit, is composed as :meth:`all_drafts` does.
        """
        values, limit = self.values, reply_limit(self.platform)
        parts: dict[str, tuple[str, int] | None] = {}

        def norm(text: str) -> tuple[str, int]:
            return " ".join(_NOT_WORD_OR_SPACE.sub(" ", text.casefold()).split()), limit.measure(text)

        def part(template: str) -> tuple[str, int] | None:
            got = parts.get(template, False)
            if got is False:
                try:
                    got = norm(_fill(template, values))
                except TemplateError:
                    got = None
                parts[template] = got
            return got

        sig = norm(_signature(self.settings))  # not a template: used as it is
        out: set[str] = set()
        over = False
        choices = self.choices()
        if choices:
            # every set takes the first, longest form when each slot's options all fill and the longest of each
            # slot together fit (the lengths add up): then the drafts are the slots' joins, built without the
            # per-set lookups (the openings after the first only matter to a composed draft)
            slots = [[part(t) for t in dict.fromkeys(c[i] for c in choices)] for i in (0, 3, 2, 1)]
            if all(g is not None for got in slots for g in got) and (limit.limit is None or sum(
                    max(g[1] for g in got) for got in slots) + sig[1] + 6 <= limit.limit):  # type: ignore[index]
                gs, os_, ns, cs = ([g[0] for g in got] for got in slots)  # type: ignore[index]
                tail = [sig[0]] if sig[0] else []
                for g in gs:
                    for o in os_:
                        for n_ in ns:
                            for c in cs:
                                out.add(" ".join([x for x in (g, o, n_, c) if x] + tail))
                return frozenset(out), over
        for chosen in choices:
            greeting, closing, next_step, opening = chosen[:4]
            got = (part(greeting), part(opening), part(next_step), part(closing), sig)
            if all(g is not None for g in got):
                n = sum(g[1] for g in got) + 6  # type: ignore[index]  # "\n\n", " ", " ", "\n\n"
                if limit.limit is None or n <= limit.limit:
                    out.add(" ".join(g[0] for g in got if g[0]))  # type: ignore[index]
                    continue
            text, o = self._composed(greeting, closing, next_step, list(chosen[3:]))
            out.add(_normalise.__wrapped__(text))
            over = over or o
        return frozenset(out), over

    def _compose(self, key: str, greeting: str, closing: str, next_step: str, picks: list[str]) -> tuple[str, bool]:
        """The draft of the picked phrasings (everything else is the context's), and whether even its shortest
        form is over the platform's limit. Depends on ``key`` only through the warning it logs."""
        got = self._composed(greeting, closing, next_step, picks)
        if got[1]:
            log.warning("reply draft for review %s is over the %s limit even in its shortest form", key,
                        self.platform)
        return got

    def _composed(self, greeting: str, closing: str, next_step: str, picks: list[str]) -> tuple[str, bool]:
        """:meth:`_compose` without the warning."""
        kind, values, settings, openings = self.kind, self.values, self.settings, self.openings
        platform = self.platform
        tpl = reply_templates()
        nexts = self.nexts
        signature = _signature(settings)
        limit = reply_limit(platform)
        head = _fill(greeting, values)
        short_head = head.rstrip(",") + "."
        # The candidates from longest to shortest form; the first that fits the platform's limit is the draft,
        # so the later ones are only built when it does not fit.
        text = ""
        for compact in (False, True):
            for opening in picks:
                body_parts = [opening, next_step] + ([closing] if not compact else [])
                body = _fill(" ".join(body_parts), values)
                text = f"{head} {body} {signature}" if compact else f"{head}\n\n{body}\n\n{signature}"
                if "\n" not in text:  # compact layout: "Hi Ann. We're sorry ..." rather than "Hi Ann, We're"
                    text = short_head + text[len(head):]
                if limit.limit is None or limit.measure(text) <= limit.limit:
                    return text, False
        shortest_opening = min(openings[-1][1], key=len)
        for nxt in (min(nexts, key=len), tpl["short_next_step"]):
            text = _fill(f"{shortest_opening} {nxt}", values).join([short_head + " ", " " + signature])
            if limit.limit is None or limit.measure(text) <= limit.limit:
                return text, False
        return text, True


class _PhrasingSpace:
    """The drafts one :class:`_DraftMemo` entry can give (every phrasing set of :meth:`_DraftContext.choices`,
    normalised as R-DUP compares them), worked out when first asked, and those a page of replies does not have
    yet. A page is a set of normalised drafts that only grows (the triage's drafts so far); once it holds every
    draft of the entry, every variant of every later review of the entry repeats a draft on the page.

    >>> memo = _DraftMemo(ReplySettings())
    >>> ctx = _draft_context({"review_id": "R1", "platform": "google"}, "positive", None, None, memo.settings, memo)
    >>> page = {_normalise(t) for t in ctx.all_drafts()[0]}
    >>> ctx.space.spent(page), ctx.space.update(ctx, page), ctx.space.spent(page)
    (False, True, True)
    """

    __slots__ = ("norms", "over", "page", "size", "missing", "shared")

    def __init__(self, shared: list[Any] | None = None) -> None:
        self.norms: frozenset[str] | None = None  # every draft, normalised (None: not worked out yet)
        #: a one-item list the spaces of memo entries of the same fields (:func:`_norms_box`) hold alike: their
        #: entries' :meth:`_DraftContext.all_norms` once one of them has worked it out (None: not shared)
        self.shared = shared
        self.over = False  # a draft over the limit: its review's warning is logged per variant, never skipped
        self.page: set[str] | None = None  # the page ``missing`` was worked out for
        self.size = 0  # its size then
        self.missing: set[str] = set()  # the drafts that page did not have then

    def spent(self, page: set[str]) -> bool:
        """Whether ``page`` (the same set :meth:`update` last saw, grown since) holds every draft of the entry,
        none of them over the limit, as of that :meth:`update`. False when not known."""
        return self.page is page and not self.missing and not self.over and len(page) >= self.size

    def update(self, ctx: _DraftContext, page: set[str], keep: bool = True) -> bool:
        """Work out which drafts of the entry (``ctx``'s) ``page`` lacks (all of them the first time, then only
        those it lacked before when it is the same page); returns :meth:`spent`. ``keep=False`` (a memo that
        lives long beside other work) holds only the missing drafts, not every draft of the entry (taken again from
        :attr:`shared` if another page asks: every draft is held once per distinct set of entry fields, not per
        entry). The drafts are worked out normalised (:meth:`_DraftContext.all_norms`), their texts
        composed only when a review picks them."""
        if self.page is page and len(page) >= self.size:
            pool: Iterable[str] = self.missing
        elif self.norms is not None:
            pool = self.norms
        else:
            box = self.shared
            got = box[0] if box is not None else None
            if got is None:
                got = ctx.all_norms()  # the drafts' texts are composed when a review picks them
                if box is not None:  # the other spaces of entries of these fields (other blocks' memos, other
                    box[0] = got  # titles or problems of the same quote) take it as it is: one per field set
            pool, self.over = got
            if keep:
                self.norms = pool
        self.missing = {n for n in pool if n not in page}
        self.page, self.size = page, len(page)
        return self.spent(page)


class _DraftMemo:
    """What many drafts written with one :class:`ReplySettings` share (triage writes thousands): the display
    name per (author, platform), and per distinct (platform, name, product title, kind, topic, problem) the
    review-id-independent part of :func:`_draft_context` with one table of composed texts (:meth:`_DraftContext.text`).
    Reviews with the same part differ only in the phrasings their ids pick, so each distinct pick is composed
    once. Only str (or missing) authors, titles and problems are remembered; anything else is worked out anew.
    A new entry takes the fields of the same entry of another memo of the same settings object when this process
    has one (:data:`_SHARED_ENTRIES`), with a phrasing space of its own.

    >>> memo = _DraftMemo(ReplySettings())
    >>> a = _draft_context({"review_id": "R1", "platform": "google"}, "positive", None, None, None, memo)
    >>> a.text(1) == draft_reply({"review_id": "R1", "platform": "google"}, kind="positive", variant=1)
    True
    """

    __slots__ = ("settings", "names", "parts")

    def __init__(self, settings: ReplySettings) -> None:
        self.settings = settings
        self.names: dict[tuple[str | None, str], str | None] = {}
        self.parts: dict[tuple[Any, ...], tuple[Any, ...]] = {}


#: (id of the settings, platform, name, product title, kind, topic, problem) -> (settings, a copy of their
#: channels, the field dict of a :class:`_DraftMemo` entry's context, a one-item list for the entry's normalised
#: drafts): the entries every memo of those settings shares in this process (a decision worker makes one memo per
#: block, and blocks share most entries), all but the :class:`_PhrasingSpace`, which follows one memo's page. The
#: texts table is shared: a composed text depends only on the entry and the phrasings picked; so are the normalised
#: drafts (:meth:`_DraftContext.all_norms`: the entry's fields only), once a space that keeps them has worked them
#: out. Emptied when full.
_SHARED_ENTRIES: dict[tuple[Any, ...], tuple[ReplySettings, dict[str, str], dict[str, Any], list[Any]]] = {}
_SHARED_ENTRIES_SIZE: Final[int] = 1 << 13

#: (id of the settings, platform, kind, topic, name, the values' items) -> (settings, a copy of their channels, a
#: one-item list): where the spaces of memo entries with these fields keep their normalised drafts (entries of
#: different product titles or problems often have the same fields: no title, no quote). Emptied when full.
_NORMS_BOXES: dict[tuple[Any, ...], tuple[ReplySettings, dict[str, str], list[Any]]] = {}


def _norms_box(settings: ReplySettings, platform: str, kind: str, topic: str | None, ctx: _DraftContext
               ) -> list[Any]:
    """The one-item list for the normalised drafts (:meth:`_DraftContext.all_norms`) of a memo entry whose context
    (``ctx``, made with ``settings``) has these fields, shared with earlier entries of the same fields (what
    :meth:`_DraftContext.all_norms` reads: the platform, kind, name and values, and the openings and next steps,
    which :func:`_draft_context` picks by the platform, kind, topic and the quote among the values)."""
    key: tuple[Any, ...] | None = (id(settings), platform, kind, topic, ctx.name, tuple(ctx.values.items()))
    try:
        hash(key)
    except TypeError:
        return [None]
    got = _NORMS_BOXES.get(key)  # type: ignore[arg-type]
    if got is not None and got[0] is settings and got[1] == settings.channels:
        return got[2]
    box: list[Any] = [None]
    if len(_NORMS_BOXES) >= _SHARED_ENTRIES_SIZE:
        _NORMS_BOXES.clear()
    _NORMS_BOXES[key] = (settings, dict(settings.channels), box)  # type: ignore[index]
    return box


_new_object: Final = object.__new__
_set_attribute: Final = object.__setattr__
#: :data:`REPLY_KINDS` and :data:`TOPICS` as sets (:func:`_draft_context`'s checks of a str kind or topic).
_REPLY_KIND_SET: Final[frozenset[str]] = frozenset(REPLY_KINDS)
_TOPIC_SET: Final[frozenset[str]] = frozenset(TOPICS)
#: What :attr:`_DraftMemo.names` gives for an author not looked up yet (a display name is a str or None).
_NO_NAME: Final = object()
#: The end of :meth:`_DraftContext.text`'s hashed key after the review id, with the unit separator, per variant
#: (0: none; ``f"#{variant}"`` else).
_KEY_TAILS: Final[tuple[str, ...]] = ("\x1f",) + tuple(f"#{v}\x1f" for v in range(1, 16))


def _draft_context(
    review: Mapping[str, Any], kind: str, topic: str | None, problem: str | None, settings: ReplySettings | None,
    memo: _DraftMemo | None = None,
) -> _DraftContext:
    """The variant-independent part of :func:`draft_reply` (argument checks, name, product, quote, templates).
    With ``memo`` (made for the same ``settings``) the parts other reviews already had are reused."""
    settings = settings or ReplySettings()
    # a str kind or topic in the sets is in the tuples (the sets hold the tuples' strings); anything else is asked
    # of the tuples as before
    if not (type(kind) is str and kind in _REPLY_KIND_SET) and kind not in REPLY_KINDS:
        raise TemplateError(f"kind {kind!r} is not one of {REPLY_KINDS}")
    if topic is not None and not (type(topic) is str and topic in _TOPIC_SET) and topic not in TOPICS:
        raise TemplateError(f"topic {topic!r} is not one of the {len(TOPICS)} complaint topics")
    get = review.get
    platform = str(get("platform") or "other")
    author, title = get("author"), get("product_title")
    if memo is not None and memo.settings is settings and (author is None or type(author) is str) and (
            title is None or type(title) is str) and (problem is None or type(problem) is str):
        if author is not None and author.isascii() and author.isalnum() and _THREE_DIGITS(author) is not None:
            # a handle such as "A3A02E6557BCEA" (most authors of the big corpora, nearly all distinct):
            # display_name gives None for it whatever the platform and settings, not remembered per author
            name = None
        else:
            names = memo.names
            nkey = (author, platform)
            name = names.get(nkey, _NO_NAME)
            if name is _NO_NAME:
                name = names[nkey] = display_name(author, platform, settings)
        pkey = (platform, name, title, kind, topic, problem)
        part = memo.parts.get(pkey)
        if part is None:
            skey = (id(settings), *pkey)
            shared = _SHARED_ENTRIES.get(skey)
            if shared is not None and shared[0] is settings and shared[1] == settings.channels:
                fields = shared[2].copy()  # the entry another memo of these settings made (its texts table too)
                fields["space"] = _PhrasingSpace(shared[3])  # this memo's own: it follows this memo's page
                part = memo.parts[pkey] = (fields, fields["space"])
            else:
                ctx = _draft_context({"platform": platform, "author": author, "product_title": title}, kind, topic,
                                     problem, settings)
                box = _norms_box(settings, platform, kind, topic, ctx)  # shared by the spaces (_PhrasingSpace)
                proto = _DraftContext(platform, "", kind, topic, ctx.values, ctx.name, ctx.openings, ctx.nexts,
                                      settings, {}, _PhrasingSpace(box))
                object.__setattr__(proto, "plan", _pick_plan(proto))
                object.__setattr__(proto, "picker", _picker(proto.plan))
                part = memo.parts[pkey] = (proto.__dict__, proto.space)
                if len(_SHARED_ENTRIES) >= _SHARED_ENTRIES_SIZE:
                    _SHARED_ENTRIES.clear()
                shared_fields = proto.__dict__.copy()
                shared_fields["space"] = None  # not this memo's space (nor the page it holds)
                _SHARED_ENTRIES[skey] = (settings, dict(settings.channels), shared_fields, box)
        # the entry's context with this review's id: its fields set as the dataclass's __init__ sets them
        fields = part[0].copy()
        fields["review_id"] = str(get("review_id") or "")
        ctx = _new_object(_DraftContext)
        _set_attribute(ctx, "__dict__", fields)
        return ctx
    tpl = reply_templates()
    name = display_name(author, platform, settings)
    is_app = _platform_channels(platform).get("kind") == "app"  # app templates do not follow the topic rules
    values = {
        "name": name or "",
        "product": product_phrase(review.get("product_title"), platform,
                                  general=kind == "positive" or topic is None or kind == "mixed"),
        "problem": problem_quote(problem, None if is_app else topic) or "",
        "channel": _channel_phrase(platform, settings),
        "brand": settings.brand,
    }
    values["label"] = topic_label(None if is_app else topic, values["product"])
    topical = kind != "positive" and topic is not None
    t = (tpl["app"] if _platform_channels(platform).get("kind") == "app" else tpl["topics"][topic]) if topical else None
    generic = tpl["kinds"][kind]
    if t is not None and kind == "negative":
        openings = [("with_problem", t["with_problem"])] if values["problem"] else []
        openings.append(("without_problem", t["without_problem"]))
    else:
        openings = [("opening", generic["opening"])]
    nexts = t["next_step"] if t is not None else generic["next_step"]
    return _DraftContext(platform, str(review.get("review_id") or ""), kind, topic, values, name,
                         tuple(openings), nexts, settings)


# ============================================================================================ removal requests


@dataclass(frozen=True)
class RemovalRequest:
    """A report to the platform's own reporting channel, naming the clause and quoting the evidence."""

    platform: str
    product_id: str
    channel: str
    to: str
    subject: str
    body: str
    review_ids: tuple[str, ...]
    rule_ids: tuple[str, ...]


def _platform_removal(platform: str) -> Mapping[str, Any]:
    plats = removal_templates()["platforms"]
    return plats.get(platform) or plats["other"]


#: ``f"{i:02d}"`` for a month or a day ``i`` (a table: no format spec parsed per date).
_TWO_DIGITS: Final[tuple[str, ...]] = tuple(f"{i:02d}" for i in range(32))


#: The day number of a datetime's own date fields (``datetime.toordinal``; pandas' ``Timestamp.toordinal`` is slower).
_ordinal: Final = datetime.datetime.toordinal
#: Day number -> ``"YYYY-MM-DD"`` of the Timestamps :func:`_fmt_date` gave (a corpus has a few thousand days).
_DATES: dict[int, str] = {}
_DATES_SIZE: Final[int] = 1 << 16


def _date_of_ordinal(day: int) -> tuple[int, int, int]:
    d = datetime.date.fromordinal(day)
    return d.year, d.month, d.day


#: Nanoseconds a day, and the day number (:data:`_ordinal`) of 1970-01-01: an int64 of nanoseconds since the epoch
#: (a datetime64[ns] column's raw value, what ``pd.Timestamp(value)`` reads an int as) is on day
#: ``value // _NS_PER_DAY + _EPOCH_ORDINAL``.
_NS_PER_DAY: Final[int] = 86_400 * 10**9
_EPOCH_ORDINAL: Final[int] = datetime.date(1970, 1, 1).toordinal()
#: ``pd.NaT``'s int64 (the smallest int64): ``pd.Timestamp`` of it is NaT, of every other int64 a date in 1677-2262.
_NAT_INT: Final[int] = -(2**63)


def _fmt_date(value: object) -> str:
    if type(value) is int and _NAT_INT < value < 2**63:
        # what pd.Timestamp(value) below gives (nanoseconds since the epoch, naive: a UTC or naive datetime64[ns]
        # column's raw value, as the decision loop reads created_at), without the Timestamp; its year is 1677-2262
        day = value // _NS_PER_DAY + _EPOCH_ORDINAL
        got = _DATES.get(day)
        if got is None:
            y, m, d = _date_of_ordinal(day)
            got = f"{y}-{_TWO_DIGITS[m]}-{_TWO_DIGITS[d]}"
            if len(_DATES) < _DATES_SIZE:
                _DATES[day] = got
        return got
    if type(value) is pd.Timestamp:  # what pd.Timestamp(value) gives (a Timestamp is never NaT), without the copy
        year = value.year
        if 1000 <= year <= 9999:  # in datetime's range: the datetime fields are the Timestamp's (its wall time)
            day = _ordinal(value)
            got = _DATES.get(day)
            if got is None:
                got = f"{year}-{_TWO_DIGITS[value.month]}-{_TWO_DIGITS[value.day]}"
                if _date_of_ordinal(day) == (year, value.month, value.day) and len(_DATES) < _DATES_SIZE:
                    _DATES[day] = got
            return got
    ts = pd.Timestamp(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else None
    if ts is None or pd.isna(ts):
        return "an unknown date"
    year = ts.year
    if 1000 <= year <= 9999:  # what strftime's %Y-%m-%d gives (four-digit years), ~20x faster
        return f"{year}-{ts.month:02d}-{ts.day:02d}"
    return ts.strftime("%Y-%m-%d")


def _is_derived_id(review_id: str) -> bool:
    """True for an id that ingest derived because the export had none: the platform does not know it."""
    # every derived id is "h" and ID_HEX_DIGITS more characters: any other id is not one, without the regex
    return len(review_id) == _DERIVED_ID_LEN and review_id[0] == "h" and DERIVED_ID.fullmatch(review_id) is not None


#: The length of a derived id (:data:`DERIVED_ID`).
_DERIVED_ID_LEN: Final[int] = 1 + ID_HEX_DIGITS


def _same_platform(hits: pd.DataFrame, platform: str) -> pd.DataFrame:
    """The hits of ``platform`` (review ids are unique only within a platform); all of them without the column."""
    if hits.empty or "platform" not in hits.columns:
        return hits
    return hits[hits["platform"].astype("string").fillna("other") == platform]


def _removal_hits(hits: pd.DataFrame | Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    frame = hits.copy() if isinstance(hits, pd.DataFrame) else pd.DataFrame(list(hits))
    if frame.empty:
        return frame
    if "outcome" in frame.columns:
        frame = frame[frame["outcome"].astype("string").fillna("hit") == "hit"]
    if "removal_basis" in frame.columns:
        frame = frame[frame["removal_basis"].astype("boolean").fillna(False).astype(bool)]
    return frame


def _hits_by_id(hits: pd.DataFrame) -> dict[str, list[Mapping[str, Any]]]:
    """The rows of a hit frame as plain dicts grouped by ``str(review_id)``, in frame order."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for h in hits.to_dict("records"):
        out.setdefault(str(h["review_id"]), []).append(h)
    return out


def _removal_text(platform: str, product: str, reviews: Sequence[Mapping[str, Any]],
                  hits: Mapping[str, Sequence[Mapping[str, Any]]], settings: ReplySettings) -> tuple[str, str]:
    """Subject and body of a removal request; ``hits`` maps ``str(review_id)`` to that review's hit rows."""
    t = removal_templates()
    plat = _platform_removal(platform)
    n = len(reviews)
    ids = ", ".join(str(r.get("review_id")) for r in reviews)
    one = "one_no_id" if n == 1 and _is_derived_id(ids) else "one"
    subject = _fill(t["subject"][one if n == 1 else "many"],
                    {"review_ids": ids, "product": product, "guidelines": plat["guidelines"], "n": str(n)})
    lines = [plat["salutation"], "", _fill(t["intro"]["one" if n == 1 else "many"],
                                           {"product": product, "guidelines": plat["guidelines"], "n": str(n)}), ""]
    for r in reviews:
        rid = str(r.get("review_id"))
        rating = r.get("rating")
        lines.append(_fill(t["item_no_id"] if _is_derived_id(rid) else t["item"], {
            "review_id": rid,
            "author": str(r.get("author")) if isinstance(r.get("author"), str) and r.get("author") else "an unnamed reviewer",
            "date": _fmt_date(r.get("created_at")),
            "rating": f"{int(rating)}★" if rating is not None and not pd.isna(rating) else "unknown stars",
        }))
        cats = []
        for h in hits.get(rid, ()):
            lines.append(_fill(t["reason"], {"clause": str(h["clause"]), "rule_id": str(h["rule_id"]),
                                             "evidence": " ".join(str(h["evidence"]).split())}))
            cats.append(str(h.get("category", "")))
        if "flag_reasons" in plat:
            reasons = plat["flag_reasons"]
            flag = next((reasons[c] for c in cats if c in reasons), reasons["default"])
            lines.append(_fill(t["flag_line"], {"flag_reason": flag}))
        lines.append("")
    sig = t["signature"]
    signature = settings.signature or (sig["branded"].format(brand=settings.brand) if settings.brand
                                       else sig["unbranded"])
    lines += [t["outro"], "", signature]
    return subject, "\n".join(lines)


def _removal_to(platform: str, marketplace: object) -> str:
    plat = _platform_removal(platform)
    table = plat.get("to_by_marketplace")
    if not table:
        return ""
    return table.get(str(marketplace).lower() if isinstance(marketplace, str) else "", table["default"])


def removal_request(
    review: Mapping[str, Any],
    hits: pd.DataFrame | Sequence[Mapping[str, Any]],
    settings: ReplySettings | None = None,
) -> RemovalRequest:
    """A removal request for one review, from its guideline hits (only removal-basis ``hit`` rows are used).

    Raises :class:`TemplateError` when there is no removal-basis hit: a request is never written on stars or tone.

    >>> hit = {"review_id": "R9", "rule_id": "AMZ-PII-EMAIL", "category": "private_info", "removal_basis": True,
    ...        "clause": "Private information", "evidence": "me@x.com", "outcome": "hit"}
    >>> req = removal_request({"review_id": "R9", "platform": "amazon", "product_id": "B01"}, [hit])
    >>> req.to, req.rule_ids
    ('community-help@amazon.com', ('AMZ-PII-EMAIL',))
    """
    settings = settings or ReplySettings()
    rid = str(review.get("review_id"))
    frame = _removal_hits(hits)
    platform = str(review.get("platform") or "other")
    frame = _same_platform(frame[frame["review_id"].astype(str) == rid], platform) if not frame.empty else frame
    if frame.empty:
        raise TemplateError(f"review {rid}: no removal-basis guideline hit, so no removal request")
    return removal_request_from_rows(review, _hits_by_id(frame).get(rid, []), settings)


def removal_request_from_rows(
    review: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    settings: ReplySettings | None = None,
) -> RemovalRequest:
    """:func:`removal_request` from this review's removal-basis ``hit`` rows, already selected, as plain dicts.

    The fast path of :func:`reviewtools.pipeline.recommend` (no per-review DataFrame filtering); ``rows`` must
    be the review's own removal-basis hits on its platform, in hit order (keys ``rule_id``, ``clause``,
    ``evidence`` and optionally ``category``). Same request as :func:`removal_request` gives for them.

    >>> hit = {"review_id": "R9", "rule_id": "AMZ-PII-EMAIL", "category": "private_info", "removal_basis": True,
    ...        "clause": "Private information", "evidence": "me@x.com", "outcome": "hit"}
    >>> removal_request_from_rows({"review_id": "R9", "platform": "amazon"}, [hit]).rule_ids
    ('AMZ-PII-EMAIL',)
    """
    settings = settings or ReplySettings()
    rid = str(review.get("review_id"))
    if not rows:
        raise TemplateError(f"review {rid}: no removal-basis guideline hit, so no removal request")
    platform = str(review.get("platform") or "other")
    product = _product_ref(review)
    subject, body = _removal_text(platform, product, [review], {rid: rows}, settings)
    return RemovalRequest(platform, str(review.get("product_id") or ""), _platform_removal(platform)["channel"],
                          _removal_to(platform, review.get("marketplace")), subject, body, (rid,),
                          tuple(dict.fromkeys(str(h["rule_id"]) for h in rows)))


def _removal_draft(review: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], settings: ReplySettings
                   ) -> tuple[str, str, str]:
    """``(body, channel, to)`` of :func:`removal_request_from_rows` (the same strings), without its subject,
    rule ids and record: what triage's decision loop writes per removal request (a quarter of the reviews of the
    1M benchmark corpus). What a platform's requests take from the templates with the settings' closing lines
    once per (platform, signature, brand) (:func:`_removal_plan`), the first lines once per product, the
    recipient once per (platform, marketplace), the flag line once per flag reason; the item and hit lines by
    concatenation (:func:`_filler`), an evidence already single spaced as it is (:func:`_single_spaced`). For str
    (or missing) signatures, titles, product ids and marketplaces and a str brand, the plan's parts, first lines
    and recipient of a request come from one look-up per (platform, signature, brand, title, product id,
    marketplace) (:data:`_REMOVAL_ROWS`, made from the three tables above on its first request)."""
    get = review.get
    return _removal_draft_of(get("review_id"), get("platform"), get("product_title"), get("product_id"),
                             get("marketplace"), get("rating"), get("author"), get("created_at"), rows, settings)


def _removal_draft_of(review_id: Any, plat: Any, title: Any, pid: Any, marketplace: Any, rating: Any, author: Any,
                      value: Any, rows: Sequence[Mapping[str, Any]], settings: ReplySettings
                      ) -> tuple[str, str, str]:
    """:func:`_removal_draft` of a review given as the values it reads of it (``review_id``, ``platform``,
    ``product_title``, ``product_id``, ``marketplace``, ``rating``, ``author``, ``created_at``; None for a missing
    one): what triage's decision step calls per removal request, without a record dict per row."""
    rid = str(review_id)
    if not rows:
        raise TemplateError(f"review {rid}: no removal-basis guideline hit, so no removal request")
    platform = str(plat or "other")
    signature, brand = settings.signature, settings.brand
    if (signature is None or type(signature) is str) and type(brand) is str and (title is None or type(
            title) is str) and (pid is None or type(pid) is str) and (marketplace is None or type(marketplace) is str):
        rkey = (platform, signature, brand, title, pid, marketplace)
        parts = _REMOVAL_ROWS.get(rkey)
        if parts is None:
            parts = _removal_row_parts({"product_title": title, "product_id": pid}, platform, signature, brand,
                                       title, pid, marketplace)
            if len(_REMOVAL_ROWS) >= _REMOVAL_ROWS_SIZE:
                _REMOVAL_ROWS.clear()
            _REMOVAL_ROWS[rkey] = parts
        head, to, channel, one_fill, one_no_id_fill, end, spaced, plan = parts
        # str(pid or ""), unused, cannot fail for a str or missing id
    else:
        review = {"product_title": title, "product_id": pid, "marketplace": marketplace, "rating": rating,
                  "author": author, "created_at": value}  # all that the general case reads
        return _removal_draft_general(review, rows, settings, rid, platform)
    who = str(author) if isinstance(author, str) and author else "an unnamed reviewer"
    # _fmt_date's remembered day of an int (the loop's raw created_at), else _fmt_date itself (the same string)
    date = _DATES.get(value // _NS_PER_DAY + _EPOCH_ORDINAL) if type(value) is int and _NAT_INT < value < 2**63 \
        else None
    if date is None:
        date = _fmt_date(value)
    if type(rating) is int:  # what the general case below gives for an int, without formatting it
        stars = _STARS[rating] if 0 <= rating < len(_STARS) else f"{rating}★"
    else:
        stars = f"{int(rating)}★" if rating is not None and not _na_scalar(rating) else "unknown stars"
    # a derived id (_is_derived_id) is "h" and ID_HEX_DIGITS more characters
    derived = len(rid) == _DERIVED_ID_LEN and rid[0] == "h" and DERIVED_ID.fullmatch(rid) is not None
    one = one_no_id_fill if derived else one_fill  # None where the plan has a flag line or no closing lines
    if one is not None and len(rows) == 1:
        h = rows[0]
        clause, rule_id, evidence = str(h["clause"]), str(h["rule_id"]), h["evidence"]
        evidence = spaced(evidence) if type(evidence) is str else " ".join(str(evidence).split())
        return one(head, rid, who, date, stars, clause, rule_id, evidence, end), channel, to
    _i, item_fill, item_no_id_fill, item, item_no_id, reason_fill, reason, flag_reasons, flag_line, flag_lines, \
        _c, _e, _o, _n, _s = plan
    fill, template = (item_no_id_fill, item_no_id) if derived else (item_fill, item)
    body = "\n".join(_removal_lines(head, fill, template, rid, who, date, stars, rows, reason_fill, reason,
                                     flag_reasons, flag_lines, flag_line, end, signature, brand))
    return body, channel, to


def _removal_one_drafts(rid: Any, plat: Any, title: Any, pid: Any, marketplace: Any, rating: Any, rated: Any,
                        created: Any, author: Any, clause: Any, rule_id: Any, evidence: Any, settings: ReplySettings
                        ) -> tuple[Any, Any] | None:
    """:func:`_removal_draft_of`'s body and ``where`` (``channel`` and `` (to)`` when there is a recipient) of
    removal requests of one hit each, given as Arrow columns (``large_string``) of the rows: what triage's decision
    workers write for ~250k rows at 1M reviews. ``rid``, ``plat`` (``str(platform or "other")``), ``rule_id`` and
    ``evidence`` (single spaced) have no missing values; ``title``, ``pid``, ``marketplace`` and ``author`` are
    None when the frame has no such column (missing values: None, as the row's value); ``clause`` is
    ``str(clause)`` of the hit's (``"None"`` for a missing one); ``rating`` int64 ratings with ``rated`` false where
    missing; ``created`` the int64 nanoseconds of a ``datetime64[ns]`` column (NaT its smallest int64) or None
    (no such column). The first lines, recipient and channel once per (platform, title, product id,
    marketplace) (:data:`_REMOVAL_ROWS`), the date once per day, the stars once per rating, and the body joined by
    Arrow from the one-hit templates' literals (:func:`_joined_pieces`) and the rows' fields. Both arrays are
    missing (null) at rows whose body the plan does not give by one function (a flag line, other templates: the
    caller drafts those by :func:`_removal_draft_of`); None when the settings are odd (every row so)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    signature, brand = settings.signature, settings.brand
    if not ((signature is None or type(signature) is str) and type(brand) is str):
        return None
    n = len(rid)
    large = pa.large_string()
    if not n:
        empty = pa.array([], type=large)
        return empty, empty
    # the (platform, title, product id, marketplace) of each row by one code, each distinct one's parts once
    code = np.zeros(n, dtype=np.int64)
    combo_cols = []
    for col in (plat, title, pid, marketplace):
        if col is None:
            combo_cols.append(None)
            continue
        enc = pc.dictionary_encode(col, null_encoding="encode")
        k = len(enc.dictionary)
        _, code = np.unique(code * (k + 1) + enc.indices.to_numpy(zero_copy_only=False).astype(np.int64),
                            return_inverse=True)  # kept below n: no overflow
        code = code.ravel().astype(np.int64)
        combo_cols.append(col)
    uniq, first, combo = np.unique(code, return_index=True, return_inverse=True)
    combo = combo.ravel()
    firsts = pa.array(first)
    values = [[None] * len(uniq) if col is None else col.take(firsts).to_pylist() for col in combo_cols]
    heads, ends, wheres, ones, tkeys = [], [], [], [], []
    for p, t, d, m in zip(*values):
        rkey = (p, signature, brand, t, d, m)
        parts = _REMOVAL_ROWS.get(rkey)
        if parts is None:
            parts = _removal_row_parts({"product_title": t, "product_id": d}, p, signature, brand, t, d, m)
            if len(_REMOVAL_ROWS) >= _REMOVAL_ROWS_SIZE:
                _REMOVAL_ROWS.clear()
            _REMOVAL_ROWS[rkey] = parts
        head, to, channel, one_fill, one_no_id_fill, end, _sp, plan = parts
        heads.append(head)
        ends.append(end if end is not None else "")
        wheres.append(f"{channel}" + (f" ({to})" if to else ""))
        # the templates of the one-hit body with and without the review id (None: the caller's way)
        tkeys.append(((plan[3], plan[6]) if one_fill is not None else None,
                      (plan[4], plan[6]) if one_no_id_fill is not None else None))
    # a derived id (_is_derived_id): "h" and ID_HEX_DIGITS lower-case hex digits, nothing else
    derived = pc.match_substring_regex(rid, f"^h[0-9a-f]{{{ID_HEX_DIGITS}}}$").to_numpy(zero_copy_only=False)
    pair = combo * 2 + derived
    pairs, pair_at = np.unique(pair, return_inverse=True)
    pair_at = pair_at.ravel()
    groups: dict[tuple[str, str], list[int]] = {}
    for i, pr in enumerate(pairs.tolist()):
        tkey = tkeys[pr // 2][pr % 2]
        if tkey is not None:
            groups.setdefault(tkey, []).append(i)
    if not groups:
        nulls = pa.nulls(n, type=large)
        return nulls, nulls
    # the fields: who, date and stars as _removal_draft_of writes them
    unnamed = pa.scalar("an unnamed reviewer", type=large)
    who = (pa.array([unnamed.as_py()] * n, type=large) if author is None else
           pc.if_else(pc.fill_null(pc.not_equal(author, ""), False), author, unnamed))
    if created is None:
        date = pa.array([_fmt_date(None)], type=large).take(pa.array(np.zeros(n, dtype=np.int64)))
    else:
        nat = created == _NAT_INT
        day = np.where(nat, np.iinfo(np.int64).min, created // _NS_PER_DAY)
        days, day_first, day_at = np.unique(day, return_index=True, return_inverse=True)
        date = pa.array([_fmt_date(int(created[i])) for i in day_first.tolist()], type=large).take(
            pa.array(day_at.ravel()))
    rates, rate_at = np.unique(np.where(rated, rating, np.iinfo(np.int64).min), return_inverse=True)
    star_txt = []
    for r, present in zip(rates.tolist(), (rates != np.iinfo(np.int64).min).tolist()):
        if not present:
            star_txt.append("unknown stars")
        else:
            star_txt.append(_STARS[r] if 0 <= r < len(_STARS) else f"{r}★")
    stars = pa.array(star_txt, type=large).take(pa.array(rate_at.ravel()))
    head_col = pa.array(heads, type=large).take(pa.array(combo))
    end_col = pa.array(ends, type=large).take(pa.array(combo))
    fields = {"head_": head_col, "review_id": rid, "author": who, "date": date, "rating": stars,
              "clause": clause, "rule_id": rule_id, "evidence": evidence, "end_": end_col}
    pieces_at: list[np.ndarray] = []
    bodies: list[Any] = []
    for tkey, which in groups.items():
        rows = np.flatnonzero(np.isin(pair_at, np.array(which, dtype=np.int64)))
        if len(rows) == n:
            sub = fields
        else:
            take = pa.array(rows)
            sub = {k: v.take(take) for k, v in fields.items()}
        pieces = _joined_pieces(*tkey)
        args = [sub[p] if is_field else pa.scalar(p, type=large) for is_field, p in pieces]
        bodies.append(pc.binary_join_element_wise(*args, pa.scalar("", type=large)))
        pieces_at.append(rows)
    where = pa.array(wheres, type=large).take(pa.array(combo))
    done = np.concatenate(pieces_at)
    if len(done) == n and len(bodies) == 1:
        return bodies[0], where
    order = np.full(n, len(done), dtype=np.int64)  # the rows left: the null after the bodies
    order[done] = np.arange(len(done))
    body = pa.concat_arrays([*bodies, pa.nulls(1, type=large)]).take(pa.array(order))
    left = np.ones(n, dtype=bool)
    left[done] = False
    return body, pc.if_else(pa.array(left), pa.nulls(n, type=large), where)


@lru_cache(maxsize=64)
def _joined_pieces(item: str, reason: str) -> tuple[tuple[bool, str], ...]:
    """:func:`_joined_filler`'s f-string as a sequence of ``(True, field)`` and ``(False, literal)`` (field names of
    :data:`_JOINED_FIELDS`; literals unescaped), for templates it gives a function for: the body is the pieces'
    texts joined.

    >>> [p for _, p in _joined_pieces("* {review_id} {{x}}", "- {evidence}")]
    ['head_', '\\n* ', 'review_id', ' {x}\\n- ', 'evidence', '\\n', 'end_']
    """
    (a_lits, a_names), (b_lits, b_names) = _template_parts(item), _template_parts(reason)  # type: ignore[misc]
    out: list[tuple[bool, str]] = [(True, "head_")]
    lit = "\n"
    for lits, names in ((a_lits, a_names), (b_lits, b_names)):
        lit += lits[0]
        for name, after in zip(names, lits[1:]):
            if lit:
                out.append((False, lit))
            out.append((True, name))
            lit = after
        lit += "\n"
    out.append((False, lit))
    out.append((True, "end_"))
    return tuple(out)


#: (platform, signature, brand, product title, product id, marketplace) -> what :func:`_removal_draft` takes for a
#: request of them (:func:`_removal_row_parts`), for str or missing signatures, titles, ids and marketplaces and str
#: brands; emptied when full.
_REMOVAL_ROWS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_REMOVAL_ROWS_SIZE: Final[int] = 1 << 14


def _removal_plan_of(platform: str, signature: str | None, brand: str) -> tuple[Any, ...]:
    """:func:`_removal_plan` of a str (or missing) signature and a str brand, remembered in :data:`_REMOVAL_PLANS`."""
    pkey = (platform, signature, brand)
    plan = _REMOVAL_PLANS.get(pkey)
    if plan is None:
        plan = _removal_plan(platform, signature, brand)
        if len(_REMOVAL_PLANS) >= _REMOVAL_PLANS_SIZE:
            _REMOVAL_PLANS.clear()
        _REMOVAL_PLANS[pkey] = plan
    return plan


def _removal_row_parts(review: Mapping[str, Any], platform: str, signature: str | None, brand: str,
                       title: str | None, pid: str | None, marketplace: str | None) -> tuple[Any, ...]:
    """What :func:`_removal_draft` takes for ``review``'s request with these settings and fields (str or None;
    ``brand`` a str): the first lines (:func:`_removal_head`, remembered in :data:`_REMOVAL_HEADS`), the recipient
    (:func:`_removal_to`, remembered in :data:`_REMOVAL_TO`), the channel, the one-hit body's functions with and
    without the review id (None when the plan has flag reasons or no closing lines: the general case then), the
    closing lines, the evidence's spacing and the plan itself (:func:`_removal_plan`)."""
    plan = _removal_plan_of(platform, signature, brand)
    intro, _f, _g, _i, _n, _r, _s, flag_reasons, _l, _d, channel, end, one_fill, one_no_id_fill, spaced = plan
    hkey = (platform, title, pid)
    head = _REMOVAL_HEADS.get(hkey)
    if head is None:
        if len(_REMOVAL_HEADS) >= _REMOVAL_HEADS_SIZE:
            _REMOVAL_HEADS.clear()
        head = _REMOVAL_HEADS[hkey] = _removal_head(platform, intro, _product_ref(review))
    to_key = (platform, marketplace)
    to = _REMOVAL_TO.get(to_key)
    if to is None:
        to = _removal_to(platform, marketplace)
        if len(_REMOVAL_TO) < _REMOVAL_TO_SIZE:
            _REMOVAL_TO[to_key] = to
    if flag_reasons is not None or end is None:
        one_fill = one_no_id_fill = None
    return head, to, channel, one_fill, one_no_id_fill, end, spaced, plan


def _removal_draft_general(review: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], settings: ReplySettings,
                           rid: str, platform: str) -> tuple[str, str, str]:
    """:func:`_removal_draft` past its first lines (``rid``, ``platform``) for odd settings or fields (not str or
    missing): each part worked out as it is used, in the same order, so that odd values fail alike."""
    get = review.get
    signature, brand = settings.signature, settings.brand
    if (signature is None or type(signature) is str) and type(brand) is str:
        plan = _removal_plan_of(platform, signature, brand)
    else:  # the closing lines worked out where they are used (odd settings fail there, as before)
        plan = _removal_plan(platform, None, None)
    intro, item_fill, item_no_id_fill, item, item_no_id, reason_fill, reason, flag_reasons, flag_line, flag_lines, \
        channel, end, one_fill, one_no_id_fill, spaced = plan
    title = get("product_title")
    pid = get("product_id")
    if (title is None or type(title) is str) and (pid is None or type(pid) is str):
        hkey = (platform, title, pid)
        head = _REMOVAL_HEADS.get(hkey)
        if head is None:
            if len(_REMOVAL_HEADS) >= _REMOVAL_HEADS_SIZE:
                _REMOVAL_HEADS.clear()
            head = _REMOVAL_HEADS[hkey] = _removal_head(platform, intro, _product_ref(review))
    else:
        head = _removal_head(platform, intro, _product_ref(review))
    str(pid or "")  # the request's product id, unused: only so that odd values fail alike
    rating = get("rating")
    author = get("author")
    who = str(author) if isinstance(author, str) and author else "an unnamed reviewer"
    date = _fmt_date(get("created_at"))
    if type(rating) is int:  # what the general case below gives for an int, without formatting it
        stars = _STARS[rating] if 0 <= rating < len(_STARS) else f"{rating}★"
    else:
        stars = f"{int(rating)}★" if rating is not None and not _na_scalar(rating) else "unknown stars"
    # a derived id (_is_derived_id) is "h" and ID_HEX_DIGITS more characters
    if len(rid) == _DERIVED_ID_LEN and rid[0] == "h" and DERIVED_ID.fullmatch(rid) is not None:
        fill, template, one = item_no_id_fill, item_no_id, one_no_id_fill
    else:
        fill, template, one = item_fill, item, one_fill
    if one is not None and flag_reasons is None and end is not None and len(rows) == 1:
        # one hit, no flag line (most requests): the whole body by one function of the plan (_joined_filler),
        # the lines below without the list and its join
        h = rows[0]
        clause, rule_id, evidence = str(h["clause"]), str(h["rule_id"]), h["evidence"]
        # single spaced (the plan's _single_spaced or the same in C: the very str when it is so already)
        evidence = spaced(evidence) if type(evidence) is str else " ".join(str(evidence).split())
        body = one(head, rid, who, date, stars, clause, rule_id, evidence, end)
    else:
        body = "\n".join(_removal_lines(head, fill, template, rid, who, date, stars, rows, reason_fill, reason,
                                         flag_reasons, flag_lines, flag_line, end, signature, brand))
    marketplace = get("marketplace")
    if marketplace is None or type(marketplace) is str:
        to_key = (platform, marketplace)
        to = _REMOVAL_TO.get(to_key)
        if to is None:
            to = _removal_to(platform, marketplace)
            if len(_REMOVAL_TO) < _REMOVAL_TO_SIZE:
                _REMOVAL_TO[to_key] = to
    else:
        to = _removal_to(platform, marketplace)
    return body, channel, to


def _removal_lines(head: str, fill: Callable[..., str] | None, template: str, rid: str, who: str, date: str,
                   stars: str, rows: Sequence[Mapping[str, Any]], reason_fill: Callable[..., str] | None, reason: str,
                   flag_reasons: Mapping[str, Any] | None, flag_lines: dict[str, str], flag_line: str,
                   end: str | None, signature: str | None, brand: str | None) -> list[str]:
    """The lines of :func:`_removal_draft`'s body (its general case: any number of hits, a flag line)."""
    if fill is not None:
        line = fill(rid, who, date, stars)
    else:
        line = _fill(template, {"review_id": rid, "author": who, "date": date, "rating": stars})
    lines = [head, line]
    for h in rows:
        clause, rule_id, evidence = str(h["clause"]), str(h["rule_id"]), h["evidence"]
        if type(evidence) is not str:
            evidence = " ".join(str(evidence).split())
        elif not (evidence.isprintable() and "  " not in evidence and evidence[:1] != " " and evidence[-1:] != " "):
            evidence = " ".join(evidence.split())  # else single spaced already (_single_spaced)
        lines.append(reason_fill(clause, rule_id, evidence) if reason_fill is not None else _fill(reason, {
            "clause": clause, "rule_id": rule_id, "evidence": evidence}))
    if flag_reasons is not None:
        cats = [str(h.get("category", "")) for h in rows]
        for c in cats:  # the first category with a flag reason, else the default
            if c in flag_reasons:
                flag = flag_reasons[c]
                break
        else:
            flag = flag_reasons["default"]
        got = flag_lines.get(flag) if type(flag) is str else None
        if got is None:
            got = _fill(flag_line, {"flag_reason": flag})
            if type(flag) is str and len(flag_lines) < _REMOVAL_PLANS_SIZE:
                flag_lines[flag] = got
        lines.append(got)
    lines.append(end if end is not None else _removal_end(signature, brand))
    return lines


#: (platform, signature, brand) -> :func:`_removal_plan` of them (str or missing signatures, str brands); emptied
#: when full.
_REMOVAL_PLANS: dict[tuple[str, str | None, str], tuple[Any, ...]] = {}
_REMOVAL_PLANS_SIZE: Final[int] = 64


def _removal_plan(platform: str, signature: str | None, brand: str | None) -> tuple[Any, ...]:
    """What :func:`_removal_draft` takes from the templates for ``platform``: the intro, the item line's
    :func:`_filler` with and without the review id and their templates, the reason line's filler and template,
    the flag reasons (None when the platform has none), the flag line's template, a dict for the flag lines
    made from it (flag reason -> line, filled as they come), the channel, and the closing lines of ``signature``
    and ``brand`` (:func:`_removal_end`; None when ``brand`` is None: worked out per request), the whole body's
    function of one hit with and without the review id (:func:`_joined_filler`), and the evidence's single spacing
    (:func:`_native_spaced` when it is there when the plan is made, else :func:`_single_spaced`: the same strings).
    """
    _t, _plat, intro, item, item_no_id, reason, flag_reasons, flag_line, channel = _removal_consts(platform)
    return (intro, _filler(item, _ITEM_FIELDS), _filler(item_no_id, _ITEM_FIELDS), item, item_no_id,
            _filler(reason, _REASON_FIELDS), reason, flag_reasons, flag_line, {}, channel,
            _removal_end(signature, brand) if brand is not None else None,
            _joined_filler(item, reason), _joined_filler(item_no_id, reason), _native_spaced() or _single_spaced)


#: Set to 1 to use no compiled helper (the same variable as ``reviewtools.vader.PURE_PYTHON_ENV``).
_PURE_PYTHON_ENV: Final[str] = "REVIEWTOOLS_PURE_PYTHON"


def _native_spaced() -> Callable[[str], str] | None:
    """``reviewtools._storecore.spaced`` (:func:`_single_spaced` of a str in C, one pass: the very str when it is
    single spaced already) when the module is built with it and ``REVIEWTOOLS_PURE_PYTHON`` (read at each call)
    does not disable it, else None."""
    if os.environ.get(_PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    try:
        from . import _storecore
    except ImportError:  # pragma: no cover - not compiled here
        return None
    return getattr(_storecore, "spaced", None)


#: (platform, product title, product id) -> the first lines of a removal request (:func:`_removal_head` of
#: :func:`_product_ref`), for str or missing titles and ids; emptied when full.
_REMOVAL_HEADS: dict[tuple[str, str | None, str | None], str] = {}
_REMOVAL_HEADS_SIZE: Final[int] = 1 << 14


@lru_cache(maxsize=64)
def _template_parts(template: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A template of plain named fields only (``{name}``: no conversion, format spec, index or attribute) as its
    literal texts (one more than the fields) and field names, or None: ``template.format(**values)`` with str
    values (``format(v, "")`` is ``v``) is the literals with the fields' values between them.

    >>> _template_parts("Hi {name}, {{ok}} {x}!"), _template_parts("{n:02d}"), _template_parts("{0}")
    ((('Hi ', ', {ok} ', '!'), ('name', 'x')), None, None)
    """
    import _string  # the parser str.format uses

    lits: list[str] = []
    names: list[str] = []
    try:
        for lit, name, spec, conv in _string.formatter_parser(template):
            if len(lits) > len(names):  # two literals in a row ("{{" splits one): joined
                lits[-1] += lit
            else:
                lits.append(lit)
            if name is None:
                continue
            if spec or conv is not None or not name.isidentifier():
                return None
            names.append(name)
    except ValueError:
        return None
    if len(lits) == len(names):
        lits.append("")
    return tuple(lits), tuple(names)


#: The fields of a removal request's item line, in the order :func:`_filler`'s function takes them.
_ITEM_FIELDS: Final[tuple[str, ...]] = ("review_id", "author", "date", "rating")


@lru_cache(maxsize=64)
def _filler(template: str, fields: tuple[str, ...]) -> Callable[..., str] | None:
    """A function of ``fields`` (str values, in this order) that gives ``template.format(**values)``, an f-string
    of the literals and the values (:func:`_template_parts`); None when the template is not plain or uses a field
    not in ``fields`` (then :func:`_fill` reports it as before).

    >>> _filler("Hi {b}, {{ok}} {a}!", ("a", "b"))("A", "B"), _filler("{c}", ("a",))
    ('Hi B, {ok} A!', None)
    """
    parts = _template_parts(template)
    if parts is None or not all(n in fields for n in parts[1]) or not all(f.isidentifier() for f in fields):
        return None
    lits, names = parts
    # an f-string of the literals (braces doubled) and the fields: one join, and each value formatted as
    # str.format formats it (format(v, ""): v itself for a str)
    body = "".join([_braced(lits[0])] + [f"{{{n}}}{_braced(lit)}" for n, lit in zip(names, lits[1:])])
    return eval(f"lambda {', '.join(fields)}: f{body!r}", {})  # noqa: S307 - names checked, literals as repr


def _filler_body(template: str, fields: tuple[str, ...]) -> str | None:
    """The f-string body (without ``f`` and quotes) of :func:`_filler`'s function, or None where it gives None."""
    parts = _template_parts(template)
    if parts is None or not all(n in fields for n in parts[1]) or not all(f.isidentifier() for f in fields):
        return None
    lits, names = parts
    return "".join([_braced(lits[0])] + [f"{{{n}}}{_braced(lit)}" for n, lit in zip(names, lits[1:])])


#: The arguments of :func:`_joined_filler`'s function: the head, the item line's fields, the reason line's, the end.
_JOINED_FIELDS: Final[tuple[str, ...]] = ("head_", "review_id", "author", "date", "rating", "clause", "rule_id",
                                          "evidence", "end_")


def _joined_filler(item: str, reason: str) -> Callable[..., str] | None:
    """A function of :data:`_JOINED_FIELDS` (str values) that gives a one-hit removal request's body without a flag
    line: ``"\\n".join([head, item.format(...), reason.format(...), end])``, as one f-string; None when either
    template has no :func:`_filler`.

    >>> _joined_filler("* {review_id} {{x}}", "- {evidence}")("H", "R1", "a", "d", "5", "c", "r", "e", "E")
    'H\\n* R1 {x}\\n- e\\nE'
    """
    a, b = _filler_body(item, _ITEM_FIELDS), _filler_body(reason, _REASON_FIELDS)
    if a is None or b is None or set(_ITEM_FIELDS) & set(_REASON_FIELDS):
        return None
    body = "{head_}\n" + a + "\n" + b + "\n{end_}"
    return eval(f"lambda {', '.join(_JOINED_FIELDS)}: f{body!r}", {})  # noqa: S307 - names checked, literals as repr


def _braced(literal: str) -> str:
    """``literal`` as an f-string's literal text (its braces doubled)."""
    return literal.replace("{", "{{").replace("}", "}}")


#: ``f"{i}★"`` for the ratings a review can have (and a few more).
_STARS: Final[tuple[str, ...]] = tuple(f"{i}★" for i in range(11))
#: (platform, marketplace) -> :func:`_removal_to` of them, for str or missing marketplaces (a few per corpus).
_REMOVAL_TO: dict[tuple[str, str | None], str] = {}
_REMOVAL_TO_SIZE: Final[int] = 4096
#: The fields of a removal request's line per hit, in the order :func:`_filler`'s function takes them.
_REASON_FIELDS: Final[tuple[str, ...]] = ("clause", "rule_id", "evidence")


def _single_spaced(text: str) -> str:
    """``" ".join(text.split())``; a text that is already so (printable, so no whitespace but the space, which
    neither starts nor ends it nor comes twice in a row) as it is, without splitting it."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


@lru_cache(maxsize=64)
def _removal_end(signature: str | None, brand: str) -> str:
    """The last lines of a removal request: a blank line, the outro, a blank line and the signature."""
    t = removal_templates()
    return _removal_tail(t["outro"], _removal_signature(t["signature"]["branded"], t["signature"]["unbranded"],
                                                        signature, brand))


def _na_scalar(v: object) -> bool:
    """``pd.isna(v)`` for a scalar, answered without pandas for int and float."""
    t = type(v)
    if t is int:
        return False
    if t is float:
        return v != v
    return bool(pd.isna(v))


#: Distinct (platform, intro, product) whose first lines of a removal request are remembered (:func:`_removal_head`).
_REMOVAL_HEAD_CACHE_SIZE: Final[int] = 4096


@lru_cache(maxsize=_REMOVAL_HEAD_CACHE_SIZE)
def _removal_head(platform: str, intro: str, product: str) -> str:
    """The salutation, a blank line, the intro for one review of ``product`` and a blank line, joined by newlines
    (a product has many reviews reported)."""
    plat = _platform_removal(platform)
    return "\n".join([plat["salutation"], "", _fill(intro, {"product": product, "guidelines": plat["guidelines"],
                                                          "n": "1"}), ""])


@lru_cache(maxsize=64)
def _removal_signature(branded: str, unbranded: str, signature: str | None, brand: str) -> str:
    return signature or (branded.format(brand=brand) if brand else unbranded)


@lru_cache(maxsize=64)
def _removal_tail(outro: str, signature: str) -> str:
    return "\n".join(["", outro, "", signature])


@lru_cache(maxsize=64)
def _removal_consts(platform: str) -> tuple[Any, ...]:
    """What :func:`_removal_text` looks up per platform for one review: the templates, the platform's entry,
    the intro, item, reason and flag templates, the flag reasons (None when the platform has none), the channel."""
    t = removal_templates()
    plat = _platform_removal(platform)
    return (t, plat, t["intro"]["one"], t["item"], t["item_no_id"], t["reason"], plat.get("flag_reasons")
            if "flag_reasons" in plat else None, t["flag_line"], plat["channel"])


def _product_ref(review: Mapping[str, Any]) -> str:
    title = review.get("product_title")
    pid = review.get("product_id")
    has_title = isinstance(title, str) and title.strip()
    has_id = isinstance(pid, str) and pid.strip()
    if has_title and has_id:
        return f"{' '.join(title.split())} ({pid})"
    if has_title:
        return " ".join(title.split())
    if has_id:
        return f"product {pid}"
    return "our product"


def removal_request_batch(
    reviews: pd.DataFrame,
    hits: pd.DataFrame,
    settings: ReplySettings | None = None,
) -> pd.DataFrame:
    """Removal requests for every review with a removal-basis hit, grouped where the platform allows it.

    Amazon's report e-mail may list several reviews of one product, so Amazon reviews are grouped per
    (marketplace, product); other platforms report one review at a time. Returns one row per request:
    ``platform, product_id, channel, to, subject, body, review_ids, rule_ids`` (ids joined by ``|``).
    Reviews without a removal-basis hit are never included. The inputs are not modified.
    """
    settings = settings or ReplySettings()
    cols = ["platform", "product_id", "channel", "to", "subject", "body", "review_ids", "rule_ids"]
    frame = _removal_hits(hits)
    if frame.empty or reviews.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    by_platform = "platform" in frame.columns and "platform" in reviews.columns
    if by_platform:  # review ids are unique only within a platform
        hit_keys = frame["platform"].astype("string").fillna("other") + "\x1f" + frame["review_id"].astype("string")
        rev_keys = reviews["platform"].astype("string").fillna("other") + "\x1f" + reviews["review_id"].astype("string")
        chosen = reviews[rev_keys.isin(set(hit_keys)).fillna(False).to_numpy(dtype=bool)]
    else:
        chosen = reviews[reviews["review_id"].astype(str).isin(set(frame["review_id"].astype(str)))]
    rows = []
    groups: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for rec in chosen.to_dict("records"):
        platform = str(rec.get("platform") or "other")
        if _platform_removal(platform).get("batch"):
            k = (platform, str(rec.get("marketplace") or ""), str(rec.get("product_id") or ""))
        else:
            k = (platform, "", str(rec.get("review_id")))
        groups.setdefault(k, []).append(rec)
    for (platform, _, _), recs in groups.items():
        ids = [str(r.get("review_id")) for r in recs]
        mine = _same_platform(frame[frame["review_id"].astype(str).isin(ids)], platform)
        subject, body = _removal_text(platform, _product_ref(recs[0]), recs, _hits_by_id(mine), settings)
        rows.append({
            "platform": platform,
            "product_id": str(recs[0].get("product_id") or ""),
            "channel": _platform_removal(platform)["channel"],
            "to": _removal_to(platform, recs[0].get("marketplace")),
            "subject": subject,
            "body": body,
            "review_ids": "|".join(ids),
            "rule_ids": "|".join(dict.fromkeys(mine["rule_id"].astype(str))),
        })
    return pd.DataFrame(rows, columns=cols).astype("string")


__all__ = [
    "SEVERITIES",
    "REPLY_KINDS",
    "TOPICS",
    "TONES",
    "TemplateError",
    "LintRule",
    "LintProblem",
    "ReplyLimit",
    "ReplySettings",
    "RemovalRequest",
    "lint_rules",
    "lint_draft",
    "blocking",
    "summarise_problems",
    "reply_limit",
    "reply_mode",
    "reply_where",
    "reply_templates",
    "channel_data",
    "removal_templates",
    "display_name",
    "product_phrase",
    "problem_quote",
    "topic_label",
    "MIN_QUOTE_WORDS",
    "primary_topic",
    "draft_reply",
    "removal_request",
    "removal_request_from_rows",
    "removal_request_batch",
]
