"""Complaint topics: phrase rules kept as data, with evidence spans, and theme discovery with scikit-learn.

The rules live in ``reviewtools/resources/topics.json`` (see its ``about`` field for the phrase syntax). Each
topic has *complaint* phrases (a problem in themselves: "arrived cracked"), *praise* phrases ("fits
perfectly") and *mention* phrases that only name the topic ("shipping") and take their polarity from a cue
word nearby ("slow shipping", "shipping was fast").

Polarity of one match (the ``polarity`` column; ``complaint`` is ``polarity == "complaint"``):

* complaint phrase → ``complaint``; negated ("no damage", "wasn't damaged") → ``neutral``.
* praise phrase → ``praise``; negated ("doesn't fit well", "not genuine") → ``complaint``.
* mention → the nearest cue word within :data:`CUE_WINDOW` tokens in the same clause decides: a negative cue
  gives ``complaint``, a positive one ``praise``; a negated negative cue ("never had a problem with
  shipping") gives ``neutral`` and a negated positive cue ("shipping was not fast") gives ``complaint``;
  no cue gives ``neutral``. On a tie the negative cue wins.

Negation: a negator (``negators`` in the resource: no, not, never, without, n't forms...) within
:data:`NEGATION_WINDOW` tokens before the phrase (or the cue) *in the same clause*, or inside a phrase's
``...`` gap. A clause ends at ``. , ; : ! ?``, a line break, or a contrast word (but, however, although...),
so "no problems, but it broke" still counts "broke". A *quantified* negation reaches
:data:`QUANTIFIED_NEGATION_WINDOW` tokens back ("not a single jar was broken", "none of them leaked", "very
few broken"; "a few were broken" and "not all" stay complaints).

Context rules (``context_rules`` in the resource, :func:`context_rules`) then void a complaint (polarity
``neutral``; the reason names the rule and the marker) when it is about another item ("to replace a broken
kindle", "my old one cracked"), damage the user caused, a hypothetical, fear or hope ("in case it arrives
damaged"), the main clause of a conditional with a modal ("if it breaks, I'll return it"), what the product
prevents, a warning label, the buyer's own ordering mistake, a rhetorical question or a body condition
("cracked heels", "sun damage"). Decisions kept in the data: efficacy ("didn't work for me") is no topic;
"doesn't work anymore" is durability, not a defect on arrival; a seller's quick replacement of a broken item
is still a damaged_defective complaint and customer_service praise; questions and advice are kept.
Four topics need more than their vocabulary (third precision pass, ``scripts/eval_topics_labels_v3.csv``):
safety needs a hazard from this product (it overheated, sparked, shocked me, caught fire, gave me a rash,
made my dog sick, was recalled, "is dangerous for kids"), not danger or health words ("a dangerous villain",
"vomited for years", "he recalled"); missing_parts needs an expected part of the delivered package ("did not
come with a charger", "two bottles were missing from the box"), not a feature the model lacks ("doesn't come
with a spray attachment"); damaged_defective needs the item damaged or faulty, not a figure of speech
("broken heart", "faulty premise") or an accident; quality_durability needs wear or poor build, not the
quality of a performance ("sound quality") or of a scent that fades, and not a person breaking it ("he broke
my tablet"); breakage in transit is damage on arrival (context rule ``in_transit``).

>>> import pandas as pd
>>> frame = pd.DataFrame({"review_id": ["r1"], "title": ["Meh"], "text": ["Arrived cracked. No smell though."]})
>>> hits = find_topics(frame)
>>> hits[["topic", "evidence", "polarity"]].values.tolist()
[['damaged_defective', 'Arrived cracked', 'complaint'], ['smell_material', 'smell', 'neutral']]
>>> tag_topics(frame)["topics"].tolist()
['damaged_defective']
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

from .errors import ReviewToolsError, SchemaError
from .vader import native_module

log = logging.getLogger(__name__)


class TopicsError(ReviewToolsError, ValueError):
    """A bad topic rule, an unknown topic id, or input too small or empty for theme discovery."""


#: Resource file holding the topic rules, inside the ``reviewtools.resources`` package folder.
TOPICS_RESOURCE: Final[str] = "topics.json"

#: Most words a phrase's ``...`` gap may skip ("stopped ... working" matches "stopped completely working").
GAP_MAX_WORDS: Final[int] = 3

#: Tokens before a phrase searched for a negator. Same window as VADER's negation check (it looks at the
#: three preceding tokens; vaderSentiment 3.3.2 ``SentimentIntensityAnalyzer._negation_check``).
NEGATION_WINDOW: Final[int] = 3

#: Tokens before a phrase searched for a *quantified* negation ("not a single jar was broken": 'not' is four
#: tokens back; "none of the bottles had leaked"). Covers a quantifier, a noun, an auxiliary and an adverb.
QUANTIFIED_NEGATION_WINDOW: Final[int] = 6

#: Tokens either side of a topic *mention* searched for a cue word that gives it a polarity.
CUE_WINDOW: Final[int] = 3

#: The polarities a match can have.
POLARITIES: Final[tuple[str, ...]] = ("complaint", "praise", "neutral")

#: The fields searched, in this order.
TEXT_FIELDS: Final[tuple[str, ...]] = ("title", "text")

#: Columns of :func:`find_topics`' result, in order.
MATCH_COLUMNS: Final[tuple[str, ...]] = (
    "review_id",
    "platform",
    "topic",
    "field",
    "start",
    "end",
    "evidence",
    "phrase",
    "kind",
    "polarity",
    "complaint",
    "negated",
    "negator",
    "cue",
    "reason",
)

#: Separator chars between two words of one clause (anything but word chars and clause punctuation).
_SEP: Final[str] = r"[^\w.,;:!?\n]+"
_WORD: Final[str] = r"\w+(?:['’]\w+)*"
_TOKEN_RE: Final[re.Pattern[str]] = re.compile(_WORD)
_TOKEN_OR_PUNCT_RE: Final[re.Pattern[str]] = re.compile(rf"({_WORD})|[.,;:!?\n]")
_KINDS: Final[tuple[str, ...]] = ("complaint", "praise", "mention")


# ------------------------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class TopicRule:
    """One complaint topic as declared in the resource file."""

    id: str
    label: str
    description: str
    complaint: tuple[str, ...]
    praise: tuple[str, ...]
    mention: tuple[str, ...]
    negative_cues: frozenset[str]
    positive_cues: frozenset[str]
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Phrase:
    topic: str
    kind: str
    phrase: str
    pattern: str
    vocabulary: frozenset[str]
    first_stems: tuple[str, ...]  # literal starts of the first word's alternatives: where a match can begin
    regex: re.Pattern[str]
    #: length of the pattern without its '!word' look-arounds: a long exclusion list must not make a phrase
    #: outrank a more specific one at the same position ("broke ... after" beats "broke !it/my/...")
    core_length: int = 0
    #: the alternatives of each word token, in order (no '!word'/'^word' look-arounds, no '...' gaps): the
    #: literals a match must contain, for the word-presence prefilter (:class:`_PhraseIndex`)
    tokens: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class _Compiled:
    rule: TopicRule
    phrases: tuple[_Phrase, ...]  # in priority order: complaint, praise, mention; longer patterns first


@dataclass(frozen=True)
class _Matcher:
    """Every phrase of the selected topics, indexed by the stems their first word starts with."""

    topics: tuple[_Compiled, ...]
    by_stem: dict[str, tuple[tuple[int, int, _Phrase], ...]]  # stem -> (topic index, priority, phrase)
    starts: re.Pattern[str]  # a trie regex finding word starts that begin with some stem
    prefilter: str  # the same stems as an RE2 alternation, to skip rows quickly
    word_cache: dict[str, tuple[tuple[int, int, _Phrase], ...]] = field(default_factory=dict)


#: Characters of context either side of a match that are tokenised to judge it. Wide enough for
#: max(NEGATION_WINDOW, CUE_WINDOW) tokens of any realistic length; a clause break further away changes nothing.
_CONTEXT_CHARS: Final[int] = 160

#: Most distinct words whose candidate phrases are remembered between texts (memory bound of the cache).
_WORD_CACHE_MAX: Final[int] = 200_000


@dataclass(frozen=True)
class ContextRule:
    """A context that voids a complaint match nearby (see ``context_rules`` in the resource).

    ``markers`` are word sequences (each token a set of alternatives). ``scope`` says where a marker is
    looked for: ``clause`` (the match's clause), ``sentence`` (its sentence) or ``conditional`` (a marker
    earlier in the sentence voids a match in its clause, or in the next clause when a modal such as
    will/won't/would/going comes before or in the match there: "If it breaks, I'll return it"). ``before``/``after`` bound
    the distance in tokens; ``reset`` words between a marker and the match cancel it ("replaced my old
    one and this one arrived cracked"). ``topics`` limits the rule to those topic ids (empty: all) and
    ``except_topics`` leaves some out (a counterfeit complaint names "the original" by nature).
    """

    id: str
    reason: str
    markers: tuple[tuple[frozenset[str], ...], ...]
    scope: str
    before: int
    after: int
    reset: frozenset[str]
    topics: frozenset[str]
    except_topics: frozenset[str] = frozenset()

    @functools.cached_property
    def first_words(self) -> frozenset[str]:
        """Words a marker can start with (a quick filter before matching markers)."""
        return frozenset(w.split(" ")[0] for m in self.markers for w in m[0])

    @functools.cached_property
    def markers_by_start(self) -> dict[str, tuple[tuple[frozenset[str], ...], ...]]:
        """Per word of :attr:`first_words`, the markers (in order) with an alternative starting with it: the
        only ones that can match where that word stands."""
        return {w: tuple(m for m in self.markers if any(a.split(" ")[0] == w for a in m[0]))
                for w in self.first_words}


@dataclass(frozen=True)
class _Lexicon:
    negators: frozenset[str]
    break_words: frozenset[str]
    negative: frozenset[str]
    positive: frozenset[str]
    quantified_negators: frozenset[str] = frozenset()
    not_quantifiers: frozenset[str] = frozenset()
    context_rules: tuple[ContextRule, ...] = ()
    modals: frozenset[str] = frozenset()

    @functools.cached_property
    def negation_words(self) -> frozenset[str]:
        """Every word that can make :meth:`_Doc.negator_before` answer (negators, quantified negators)."""
        return self.negators | self.quantified_negators


def _norm(token: str) -> str:
    return token.lower().replace("’", "'")


def _compile_alternative(alt: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(alt):
        if ch == "'":
            out.append("['’]?")
        elif ch == "-":
            out.append(r"[-\s]?")
        elif ch == "_":
            out.append(r"\s+")
        elif ch == "*":
            if i != len(alt) - 1:
                raise TopicsError(f"topic phrase token {alt!r}: '*' is only allowed at the end of a word")
            out.append(r"\w*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _stem(alt: str) -> str:
    return re.split(r"['\-_*]", alt, maxsplit=1)[0]


def _compile_phrase(topic: str, kind: str, phrase: str) -> _Phrase:
    """Compile one phrase of the mini-language (see the resource's ``about``) to a Python regex."""
    raw = phrase.lower().split()
    if not raw:
        raise TopicsError(f"topic {topic!r}: empty {kind} phrase")
    before: list[str] = []
    after: list[str] = []
    required: list[str] = []
    while raw and raw[0].startswith("^"):
        required.extend(raw.pop(0)[1:].split("/"))
    while raw and raw[0].startswith("!"):
        before.extend(raw.pop(0)[1:].split("/"))
    while raw and raw[-1].startswith("!"):
        after[:0] = raw.pop()[1:].split("/")
    if not raw or raw[0].startswith("...") or raw[-1].startswith("..."):
        raise TopicsError(f"topic {topic!r}: phrase {phrase!r} must start and end with a word")
    parts: list[str] = []
    vocabulary: set[str] = set()
    first_stems: tuple[str, ...] = ()
    pending_gap: int | bool = False
    tokens: list[tuple[str, ...]] = []
    for tok in raw:
        gap = re.fullmatch(r"\.\.\.(\d?)", tok)
        if gap:
            pending_gap = int(gap.group(1)) if gap.group(1) else GAP_MAX_WORDS
            continue
        if tok.startswith("!"):
            raise TopicsError(f"topic {topic!r}: phrase {phrase!r}: '!word' only at the start or end")
        alts = [a for a in tok.split("/") if a]
        if not alts:
            raise TopicsError(f"topic {topic!r}: phrase {phrase!r} has an empty token")
        for a in alts:
            for w in a.replace("*", "").split("_"):
                vocabulary.add(w)
                vocabulary.add(w.replace("'", ""))
        group = "(?:" + "|".join(_compile_alternative(a) for a in sorted(alts, key=len, reverse=True)) + ")"
        if parts:
            if pending_gap:
                parts.append(rf"(?:{_SEP}{_WORD}){{0,{pending_gap}}}?{_SEP}")
            else:
                parts.append(_SEP)
        parts.append(rf"\b{group}\b")
        tokens.append(tuple(alts))
        pending_gap = False
        if not first_stems:
            first_stems = tuple(sorted({_stem(a) for a in alts}))
    # a leading '!a_b' is the words 'a b' (one space: a lookbehind has a fixed width)
    lookbehind = "".join(
        rf"(?<!{re.escape(w.replace('_', ' '))}\s)(?<!{re.escape(w.replace('_', ' '))}-)" for w in before
    )
    if required:  # a leading '^a/b' = directly preceded by one of these words (the match starts after them)
        lookbehind = "(?:" + "|".join(rf"(?<={re.escape(w.replace('_', ' '))}\s)" for w in required) + ")" + lookbehind
    lookahead = rf"(?!{_SEP}(?:{'|'.join(_compile_alternative(w) for w in after)})\b)" if after else ""
    pattern = lookbehind + "".join(parts) + lookahead
    for stem in first_stems:
        if not stem.isalnum():
            raise TopicsError(f"topic {topic!r}: phrase {phrase!r} must start with letters or digits ({stem!r})")
    core = "".join(parts)
    return _Phrase(topic, kind, phrase, pattern, frozenset(vocabulary), first_stems, re.compile(pattern), len(core),
                   tuple(tokens))


def _read_resource() -> dict[str, Any]:
    text = resources.files("reviewtools.resources").joinpath(TOPICS_RESOURCE).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TopicsError(f"resources/{TOPICS_RESOURCE}: invalid JSON: {exc}") from exc


@functools.lru_cache(maxsize=1)
def load_topic_rules() -> tuple[TopicRule, ...]:
    """Return the topic registry from ``resources/topics.json``, in file order.

    >>> [r.id for r in load_topic_rules()][:3]
    ['shipping_delivery', 'damaged_defective', 'wrong_item']
    """
    data = _read_resource()
    rules: list[TopicRule] = []
    for entry in data.get("topics", []):
        try:
            rules.append(
                TopicRule(
                    id=entry["id"],
                    label=entry["label"],
                    description=entry["description"],
                    complaint=tuple(entry.get("complaint", ())),
                    praise=tuple(entry.get("praise", ())),
                    mention=tuple(entry.get("mention", ())),
                    negative_cues=frozenset(_norm(c) for c in entry.get("negative_cues", ())),
                    positive_cues=frozenset(_norm(c) for c in entry.get("positive_cues", ())),
                    examples={k: tuple(v) for k, v in entry.get("examples", {}).items()},
                )
            )
        except KeyError as exc:
            raise TopicsError(f"resources/{TOPICS_RESOURCE}: topic {entry!r} lacks {exc}") from exc
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise TopicsError(f"resources/{TOPICS_RESOURCE}: duplicate topic ids")
    return tuple(rules)


#: Ids of every topic in the registry, in file order.
def topic_ids() -> tuple[str, ...]:
    """Return the ids of every topic in the registry.

    >>> "return_refund" in topic_ids()
    True
    """
    return tuple(r.id for r in load_topic_rules())


#: Scopes a context rule may have.
CONTEXT_SCOPES: Final[tuple[str, ...]] = ("clause", "sentence", "conditional")


def _marker(text: str) -> tuple[frozenset[str], ...]:
    """``"my/our old/previous"`` -> one set of alternatives per word (an underscore joins words in a token)."""
    return tuple(frozenset(_norm(a).replace("_", " ") for a in tok.split("/") if a) for tok in text.split())


def _context_rules(data: Mapping[str, Any], known: set[str]) -> tuple[ContextRule, ...]:
    out = []
    for entry in data.get("context_rules", ()):
        try:
            rule = ContextRule(
                id=entry["id"],
                reason=entry["reason"],
                markers=tuple(_marker(m) for m in entry["markers"]),
                scope=entry.get("scope", "clause"),
                before=int(entry.get("before", 0)),
                after=int(entry.get("after", 0)),
                reset=frozenset(_norm(w) for w in entry.get("reset", ())),
                topics=frozenset(entry.get("topics", ())),
                except_topics=frozenset(entry.get("except_topics", ())),
            )
        except KeyError as exc:
            raise TopicsError(f"resources/{TOPICS_RESOURCE}: context rule {entry!r} lacks {exc}") from exc
        if rule.scope not in CONTEXT_SCOPES:
            raise TopicsError(f"context rule {rule.id!r}: scope {rule.scope!r} not in {CONTEXT_SCOPES}")
        if unknown := sorted((rule.topics | rule.except_topics) - known):
            raise TopicsError(f"context rule {rule.id!r}: unknown topics {unknown}")
        if not rule.markers or any(not m or any(not alts for alts in m) for m in rule.markers):
            raise TopicsError(f"context rule {rule.id!r}: empty marker")
        out.append(rule)
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = _read_resource()
    cues = data.get("cues", {})
    quantified = data.get("quantified_negation", {})
    return _Lexicon(
        negators=frozenset(_norm(w) for w in data["negators"]),
        break_words=frozenset(_norm(w) for w in data["clause_break_words"]),
        negative=frozenset(_norm(w) for w in cues.get("negative", ())),
        positive=frozenset(_norm(w) for w in cues.get("positive", ())),
        quantified_negators=frozenset(_norm(w) for w in quantified.get("negators", ())),
        not_quantifiers=frozenset(_norm(w) for w in quantified.get("after_not", ())),
        context_rules=_context_rules(data, {r.id for r in load_topic_rules()}),
        modals=frozenset(_norm(w) for w in data.get("modals", ())),
    )


def context_rules() -> tuple[ContextRule, ...]:
    """Return the context rules that void complaint matches (other item, hypothetical, body condition...).

    >>> "other_item" in [r.id for r in context_rules()]
    True
    """
    return _lexicon().context_rules


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[_Compiled, ...]:
    out: list[_Compiled] = []
    for rule in load_topic_rules():
        phrases = [_compile_phrase(rule.id, kind, p) for kind in _KINDS for p in getattr(rule, kind)]
        if not phrases:
            raise TopicsError(f"topic {rule.id!r} has no phrases")
        # As in one alternation: the leftmost match wins; at one position complaint beats praise beats
        # mention, and a longer pattern (not counting its '!word' exclusions) beats a shorter one.
        phrases.sort(key=lambda ph: (_KINDS.index(ph.kind), -ph.core_length))
        out.append(_Compiled(rule, tuple(phrases)))
    return tuple(out)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` folded into a prefix trie (fast in Python's backtracking engine)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node:  # a whole stem ends here; longer ones are redundant for finding starts
            return ""
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


@functools.lru_cache(maxsize=32)
def _matcher(selected: tuple[str, ...] | None) -> _Matcher:
    compiled = tuple(c for c in _compiled() if selected is None or c.rule.id in selected)
    by_stem: dict[str, list[tuple[int, int, _Phrase]]] = {}
    for t, comp in enumerate(compiled):
        for prio, ph in enumerate(comp.phrases):
            for stem in ph.first_stems:
                by_stem.setdefault(stem, []).append((t, prio, ph))
    stems = sorted(by_stem)
    return _Matcher(
        topics=compiled,
        by_stem={k: tuple(v) for k, v in by_stem.items()},
        starts=re.compile(r"\b" + _trie_pattern(stems) + r"\w*"),
        prefilter="|".join(stems),
    )


# ------------------------------------------------------------------------------------------- matching


@dataclass
class _Doc:
    """Tokens of one field value, with the clause each token belongs to."""

    starts: list[int]
    ends: list[int]
    words: list[str]
    clauses: list[int]
    sentences: list[int] = field(default_factory=list)
    offset: int = 0  # ``starts``/``ends`` are relative to the tokenised string; add this for text offsets

    @classmethod
    def of(cls, low: str, lex: _Lexicon, offset: int = 0) -> _Doc:
        """Tokenise ``low`` (lower-cased text); token offsets are ``starts``/``ends`` plus ``offset``.

        A clause ends at punctuation or a contrast word; a sentence ends at ``. ! ?`` or a line break.
        """
        starts: list[int] = []
        ends: list[int] = []
        words: list[str] = []
        clauses: list[int] = []
        sentences: list[int] = []
        add_start, add_end, add_word, add_clause, add_sentence = (
            starts.append, ends.append, words.append, clauses.append, sentences.append)
        clause = sentence = 0
        breaks = lex.break_words
        for m in _TOKEN_OR_PUNCT_RE.finditer(low.replace("’", "'")):
            w = m[1]
            if w is None:
                clause += 1
                if m[0] in ".!?\n":
                    sentence += 1
                continue
            if w in breaks:
                clause += 1
            a, b = m.span()
            add_start(a)
            add_end(b)
            add_word(w)
            add_clause(clause)
            add_sentence(sentence)
        return cls(starts, ends, words, clauses, sentences, offset)

    def token_at(self, pos: int) -> int:
        """Index of the first token ending after ``pos``."""
        return bisect.bisect_right(self.ends, pos - self.offset)

    def negator_before(self, i: int, lex: _Lexicon) -> str:
        """The negator within NEGATION_WINDOW tokens before token ``i`` in its clause, or ''.

        A quantified negation ("not a single jar was broken", "none of them leaked", "very few broken")
        reaches :data:`QUANTIFIED_NEGATION_WINDOW` tokens back; "a few" and "not all" do not negate.
        """
        clause = self.clauses[i]
        for j in range(i - 1, max(-1, i - 1 - QUANTIFIED_NEGATION_WINDOW), -1):
            if self.clauses[j] != clause:
                break
            w = self.words[j]
            if i - j <= NEGATION_WINDOW and w in lex.negators:
                return w
            if w in lex.quantified_negators and not (j > 0 and self.words[j - 1] in ("a", "quite")):
                return w
            if w in ("not", "no") and j + 1 < i and (
                self.words[j + 1] in lex.not_quantifiers
                or j + 2 < i and self.words[j + 1] == "a" and self.words[j + 2] in lex.not_quantifiers
            ):
                return " ".join(self.words[j : j + (2 if self.words[j + 1] != "a" else 3)])
        return ""

    def _marker_at(self, j: int, marker: tuple[frozenset[str], ...]) -> int:
        """End token (exclusive) of ``marker`` when it starts at token ``j``, else -1."""
        k = j
        for alts in marker:
            if k >= len(self.words):
                return -1
            w = self.words[k]
            if w in alts:
                k += 1
            elif k + 1 < len(self.words) and f"{w} {self.words[k + 1]}" in alts:
                k += 2
            else:
                return -1
        return k

    def context_veto(
        self, first: int, last: int, topic: str, lex: _Lexicon, rules: Sequence[ContextRule] | None = None
    ) -> tuple[ContextRule, str] | None:
        """The first context rule whose marker voids a complaint on tokens ``first..last``, with the marker.

        ``rules``: the lexicon's rules to try, in its order (default all; leaving out rules whose markers
        cannot start at any token changes nothing).
        """
        if first >= len(self.words):
            return None
        clause, sentence = self.clauses[first], self.sentences[first]
        for rule in lex.context_rules if rules is None else rules:
            if (rule.topics and topic not in rule.topics) or topic in rule.except_topics:
                continue
            if rule.scope == "conditional":
                found = self._conditional(first, last, rule, lex)
                if found:
                    return rule, found
                continue
            same = self.clauses if rule.scope == "clause" else self.sentences
            unit = clause if rule.scope == "clause" else sentence
            lo = first
            while lo > 0 and first - lo < rule.before and same[lo - 1] == unit:
                lo -= 1
            hi = last + 1
            while hi < len(self.words) and hi - last - 1 < rule.after and same[hi] == unit:
                hi += 1
            starts = rule.markers_by_start
            for j in list(range(lo, first)) + list(range(last + 1, hi)):
                if self.words[j] not in starts:
                    continue
                for marker in starts[self.words[j]]:
                    end = self._marker_at(j, marker)
                    if end < 0 or (j < first and end > first):
                        continue
                    if j < first and any(
                        self.words[k] in rule.reset or self.words[k] in lex.break_words for k in range(end, first)
                    ):
                        continue
                    return rule, " ".join(self.words[j:end])
        return None

    def _conditional(self, first: int, last: int, rule: ContextRule, lex: _Lexicon) -> str:
        """A conditional marker earlier in the sentence whose clause holds the match, or whose next clause
        holds it after a modal ("if it breaks, I'll return it"; "if I see that again I am going to return it")."""
        sentence = self.sentences[first]
        j = first
        while j > 0 and self.sentences[j - 1] == sentence:
            j -= 1
        starts = rule.markers_by_start
        for k in range(j, first):
            if self.words[k] not in starts:
                continue
            for marker in starts[self.words[k]]:
                end = self._marker_at(k, marker)
                if end < 0 or end > first:
                    continue
                if self.clauses[first] == self.clauses[k]:
                    return " ".join(self.words[k:end])
                nxt = self.clauses[k] + 1
                if self.clauses[first] == nxt and any(
                    self.words[m] in lex.modals for m in range(end, min(last + 1, len(self.words)))
                    if self.clauses[m] == nxt
                ):
                    return " ".join(self.words[k:end])
        return ""


def _judge(
    doc: _Doc, start: int, end: int, ph: _Phrase, rule: TopicRule, lex: _Lexicon
) -> tuple[str, bool, str, str, str]:
    """Return ``(polarity, negated, negator, cue, reason)`` for one match."""
    first = doc.token_at(start)
    last = doc.token_at(end - 1) if end > start else first
    return _judge_tokens(doc, first, last, ph, rule, lex)


def _judge_tokens(
    doc: _Doc, first: int, last: int, ph: _Phrase, rule: TopicRule, lex: _Lexicon,
    rules: Sequence[ContextRule] | None = None,
) -> tuple[str, bool, str, str, str]:
    """:func:`_judge` of the match on tokens ``first..last`` of ``doc`` (``rules``: see :meth:`_Doc.context_veto`)."""
    return _with_veto(_judge_verdict(doc, first, last, ph, rule, lex), doc, first, last, rule, lex, rules)


def _with_veto(
    verdict: tuple[str, bool, str, str, str], doc: _Doc, first: int, last: int, rule: TopicRule, lex: _Lexicon,
    rules: Sequence[ContextRule] | None = None,
) -> tuple[str, bool, str, str, str]:
    """``verdict``, voided (``neutral``, the reason naming the rule and marker) when it is a complaint that a
    context rule voids on ``doc``."""
    if verdict[0] == "complaint":
        veto = doc.context_veto(first, last, rule.id, lex, rules)
        if veto:
            ctx, marker = veto
            return "neutral", verdict[1], verdict[2], verdict[3], f"{verdict[4]}, void: {ctx.reason} ({marker!r})"
    return verdict


def _judge_verdict(
    doc: _Doc, first: int, last: int, ph: _Phrase, rule: TopicRule, lex: _Lexicon
) -> tuple[str, bool, str, str, str]:
    """The verdict of :func:`_judge_tokens` before its context rules: negation, then the phrase's kind and cues.

    Reads only the match's clause, the token before it, and the match's tokens: every scan stops at a token
    of another clause (``negator_before`` reads one token further back, the word before a quantifier).
    """
    negator = doc.negator_before(first, lex)
    if not negator:  # a negator inside a '...' gap, not part of the phrase's own words
        for j in range(first, min(last + 1, len(doc.words))):
            if doc.words[j] in lex.negators and doc.words[j] not in ph.vocabulary:
                negator = doc.words[j]
                break
    return _judge_polarity(doc, first, last, ph, rule, lex, negator)


@functools.lru_cache(maxsize=256)
def _cue_union(shared: frozenset[str], own: frozenset[str]) -> frozenset[str]:
    """The shared cue words and a topic's own (one union per topic, not one per match)."""
    return shared | own


@functools.lru_cache(maxsize=4096)
def _quoted(kind: str, phrase: str) -> str:
    """The reason's opening for a complaint or praise phrase (one string per phrase, not one per match)."""
    return f"{kind} phrase {phrase!r}"


def _judge_polarity(
    doc: _Doc, first: int, last: int, ph: _Phrase, rule: TopicRule, lex: _Lexicon, negator: str
) -> tuple[str, bool, str, str, str]:
    kind = ph.kind
    if kind == "complaint":
        quoted = _quoted(kind, ph.phrase)
        if negator:
            return "neutral", True, negator, "", f"{quoted} negated by {negator!r}"
        return "complaint", False, "", "", quoted
    if kind == "praise":
        quoted = _quoted(kind, ph.phrase)
        if negator:
            return "complaint", True, negator, "", f"{quoted} negated by {negator!r}"
        return "praise", False, "", "", quoted
    # mention: the nearest cue in the same clause decides
    negative = _cue_union(lex.negative, rule.negative_cues)
    positive = _cue_union(lex.positive, rule.positive_cues)
    words, clauses = doc.words, doc.clauses
    n = len(words)
    clause = clauses[first] if first < len(clauses) else -1
    best: tuple[int, int, int] | None = None  # (distance, 0 for negative / 1 for positive, token index)
    # The least (distance, sign, index) over the tokens within CUE_WINDOW of the match in its clause: outward by
    # distance, so the first distance with a cue decides (before the match, the smaller index, wins a tie).
    for dist in range(1, CUE_WINDOW + 1):
        for j in (first - dist, last + dist):
            if j < 0 or j >= n or clauses[j] != clause:
                continue
            w = words[j]
            sign = 0 if w in negative else 1 if w in positive else None
            if sign is not None and (best is None or (sign, j) < best[1:]):
                best = (dist, sign, j)
        if best is not None:
            break
    if best is None:
        return "neutral", bool(negator), negator, "", f"mention {ph.phrase!r} with no cue word nearby"
    _, sign, j = best
    cue = doc.words[j]
    cue_neg = doc.negator_before(j, lex)
    tone = "negative" if sign == 0 else "positive"
    if cue_neg:
        polarity = "neutral" if sign == 0 else "complaint"
        return polarity, True, cue_neg, cue, f"mention {ph.phrase!r} with {tone} cue {cue!r} negated by {cue_neg!r}"
    polarity = "complaint" if sign == 0 else "praise"
    return polarity, False, "", cue, f"mention {ph.phrase!r} with {tone} cue {cue!r}"


#: The phrase kinds as the native ``topic_verdict`` numbers them.
_KIND_CODES: Final[dict[str, int]] = {"complaint": 0, "praise": 1, "mention": 2}
_NO_WORDS: Final[frozenset[str]] = frozenset()


def _verdict_of(ph: _Phrase, negator: str, cue: str, sign: int, cue_neg: str) -> tuple[str, bool, str, str, str]:
    """:func:`_judge_polarity`'s verdict from what the native ``topic_verdict`` found on the match's clause: the
    negator (:func:`_judge_verdict`'s), and for a mention the nearest cue, its sign (0 negative, 1 positive, -1
    none) and the cue's own negator (``''`` for none)."""
    kind = ph.kind
    if kind == "complaint":
        quoted = _quoted(kind, ph.phrase)
        if negator:
            return "neutral", True, negator, "", f"{quoted} negated by {negator!r}"
        return "complaint", False, "", "", quoted
    if kind == "praise":
        quoted = _quoted(kind, ph.phrase)
        if negator:
            return "complaint", True, negator, "", f"{quoted} negated by {negator!r}"
        return "praise", False, "", "", quoted
    if sign < 0:
        return "neutral", bool(negator), negator, "", f"mention {ph.phrase!r} with no cue word nearby"
    tone = "negative" if sign == 0 else "positive"
    if cue_neg:
        polarity = "neutral" if sign == 0 else "complaint"
        return polarity, True, cue_neg, cue, f"mention {ph.phrase!r} with {tone} cue {cue!r} negated by {cue_neg!r}"
    polarity = "complaint" if sign == 0 else "praise"
    return polarity, False, "", cue, f"mention {ph.phrase!r} with {tone} cue {cue!r}"


def _field_values(frame: pd.DataFrame, column: str) -> list[str]:
    """The column's values as ``str``, missing ones as ``""``; anything else is a :class:`SchemaError`.

    A pandas string column holds nothing but ``str`` and missing values: its missing positions are replaced
    at once instead of testing every value (the same list).
    """
    col = frame[column]
    if isinstance(col.dtype, pd.StringDtype):
        values = col.tolist()
        for pos in np.flatnonzero(col.isna().to_numpy(dtype=bool)).tolist():
            values[pos] = ""
        return values
    values = col.tolist()
    out: list[str] = []
    for pos, v in enumerate(values):
        if isinstance(v, str):
            out.append(v)
        elif v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append("")
        else:
            rid = frame["review_id"].iloc[pos]
            raise SchemaError(
                f"column {column!r}, row {pos} (review_id {rid!r}): expected text or null, got {type(v).__name__} {v!r}"
            )
    return out


def _candidates(texts: list[str], pattern: str) -> np.ndarray:
    """Row positions whose text may match ``pattern`` (an alternation of literal stems), via RE2."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts, type=pa.large_string())
    mask = pc.match_substring_regex(arr, pattern=pattern, ignore_case=True)
    return np.flatnonzero(mask.to_numpy(zero_copy_only=False))


def _check_frame(frame: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    for col in ("review_id", "text"):
        if col not in frame.columns:
            raise SchemaError(f"topics need a {col!r} column; the frame has {list(frame.columns)}")


def _match_text(low: str, m: _Matcher) -> list[tuple[int, int, int, _Phrase]]:
    """All topic matches in one lower-cased text: ``(topic index, start, end, phrase)``.

    Same result as running one alternation per topic with ``finditer``: per topic, non-overlapping,
    leftmost first, and at one position the phrase of highest priority.
    """
    tried: list[tuple[int, int, int, int, _Phrase]] = []  # (topic, start, priority, end, phrase)
    cache = m.word_cache
    for hit in m.starts.finditer(low):
        pos = hit.start()
        w = hit.group()
        cands = cache.get(w)
        if cands is None:
            found: dict[int, tuple[int, int, _Phrase]] = {}
            for k in range(1, len(w) + 1):
                for entry in m.by_stem.get(w[:k], ()):
                    found.setdefault(id(entry[2]), entry)
            cands = tuple(found.values())
            if len(cache) >= _WORD_CACHE_MAX:
                cache.clear()
            cache[w] = cands
        for t, prio, ph in cands:
            mm = ph.regex.match(low, pos)
            if mm and mm.end() > pos:
                tried.append((t, pos, prio, mm.end(), ph))
    tried.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[tuple[int, int, int, _Phrase]] = []
    last_topic, last_end = -1, -1
    for t, start, _prio, end, ph in tried:
        if t != last_topic:
            last_topic, last_end = t, -1
        if start < last_end:
            continue
        out.append((t, start, end, ph))
        last_end = end
    return out


# ------------------------------------------------------------------ word-presence prefilter (column-wide)
#
# A phrase can only match where the text holds, for each of its word tokens, a word (a maximal run of ``\w``
# characters of the lower-cased text) that this token can begin: a token's match starts at a word start
# (``\b`` before a letter or digit), so the word there equals an alternative made of letters and digits only
# ("fit"), or starts with the literal letters and digits an alternative opens with ("refund*" -> "refund",
# "didn't" -> "didn", "did_not" -> "did", "re-sent" -> "re"). Those are necessary conditions, never sufficient:
# the unchanged phrase regex decides, and it is only tried where its first token can begin. The words of a
# block of texts are found column-wide (numpy over the texts' bytes for ASCII texts, where Python's and a byte
# table's idea of ``\w`` agree; ``re.finditer`` for the others), counted per distinct word with Arrow's hash
# table, and turned into (text, phrase) candidates with numpy, so a text without a candidate costs no Python.

#: Texts whose candidate phrases are worked out together (their numpy work arrays stay a few MB).
_PREFILTER_BLOCK_ROWS: Final[int] = 4096

_ALNUM_START_RE: Final[re.Pattern[str]] = re.compile(r"[^\W_]*")  # letters and digits: \w less the underscore
_RUN_RE: Final[re.Pattern[str]] = re.compile(r"\w+")
#: Bytes that ``\w`` matches in an ASCII text (Python's ``re``: ``[a-zA-Z0-9_]``).
_ASCII_WORD_BYTES: Final[np.ndarray] = np.zeros(256, dtype=bool)
for _c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
    _ASCII_WORD_BYTES[_c] = True
del _c


def _alternative_literals(alt: str) -> frozenset[tuple[str, bool]]:
    """The ``(literal, exact)`` options for the word (maximal ``\\w`` run) where a match of the alternative
    begins: the word equals an exact literal or starts with another. Empty when the alternative opens with a
    mark (no word is required there).

    After an optional ``'`` or ``-`` (``['’]?``, ``[-\\s]?``) the word
    either ends (the mark or a space is there) or runs on with the rest; before ``_`` (``\\s+``) or any other
    mark it ends; before ``*`` (``\\w*``) it may run on with anything.

    >>> sorted(_alternative_literals("re-sent")), sorted(_alternative_literals("didn't*"))
    ([('re', True), ('resent', True)], [('didn', True), ('didnt', False)])
    """
    out: set[tuple[str, bool]] = set()
    stem, i = "", 0
    while True:
        letters = _ALNUM_START_RE.match(alt, i).group()  # type: ignore[union-attr]
        if not stem and not letters:
            return frozenset()
        stem += letters
        i += len(letters)
        if i == len(alt):
            out.add((stem, True))
            break
        mark = alt[i]
        if mark == "*":
            out.add((stem, False))
            break
        out.add((stem, True))  # the word ends at the mark ('_', or an optional ' or - that is there)
        if mark not in "'-":
            break
        i += 1  # ... or an optional ' or - is not there: the word runs on with the rest
    return frozenset(out)


@dataclass(frozen=True)
class _PhraseIndex:
    """The phrases of one :class:`_Matcher` as word-presence requirements (*units*), for :func:`_candidate_attempts`.

    A unit is one word token's set of ``(literal, exact)`` alternatives; a word *satisfies* it when it equals an
    exact literal or starts with a non-exact one. A phrase is a *candidate* for a text when the text's words
    satisfy every unit of the phrase.
    """

    phrases: tuple[tuple[int, int, _Phrase], ...]  # per phrase id: (topic index, priority, phrase)
    is_first: np.ndarray  # per unit: whether it is some phrase's first token
    first_ptr: np.ndarray  # CSR: phrases whose first token is unit u are first_phrases[first_ptr[u]:first_ptr[u + 1]]
    first_phrases: np.ndarray
    exact_units: dict[str, tuple[int, ...]]  # word -> units it satisfies by equality
    prefix_units: dict[str, tuple[int, ...]]  # literal -> units a word starting with it satisfies
    longest_prefix: int
    n_units: int
    #: the distinct lengths of the ``prefix_units`` literals, increasing (a word can only start with a literal
    #: of one of these lengths: only those prefixes of it are looked up)
    prefix_lengths: tuple[int, ...]
    #: per unit, the phrases whose first token it is (``first_phrases[first_ptr[u]:first_ptr[u + 1]]``), as ints
    first_of_unit: tuple[tuple[int, ...], ...]
    #: phrases grouped by how many units they have: ``(phrase ids (P,), their units (P, k))`` per k
    by_size: tuple[tuple[np.ndarray, np.ndarray], ...]
    @functools.cached_property
    def matchers(self) -> tuple[Callable[..., re.Match[str] | None], ...]:
        """Per phrase id, its regex's bound ``match`` (one look-up per attempt instead of two)."""
        return tuple(ph.regex.match for _t, _prio, ph in self.phrases)

    @functools.cached_property
    def words(self) -> _WordTable:
        """The words met so far with their units and the phrases they can begin (see :func:`_candidate_attempts`)."""
        return _WordTable(self)

    @functools.cached_property
    def _exact_literals(self) -> Any:
        """The exact literals as an Arrow ``large_string`` array (the value set of :meth:`satisfies_any`)."""
        import pyarrow as pa

        return pa.array(sorted(self.exact_units), type=pa.large_string())

    @functools.cached_property
    def _prefix_pattern(self) -> str | None:
        """One anchored RE2 alternation of the prefix literals (letters and digits only), or None."""
        if not self.prefix_units:
            return None
        return "^(?:" + "|".join(re.escape(k) for k in sorted(self.prefix_units)) + ")"

    def satisfies_any(self, words: Any) -> np.ndarray:
        """Per word of the Arrow string array ``words`` (no nulls): whether it satisfies some unit, i.e.
        ``bool(self.units_of(word))``: it equals an exact literal or starts with a prefix literal. Column-wide
        (Arrow), so that only those words are looked up in Python (:meth:`_WordTable.numbers`); most words of a
        review satisfy none.

        >>> import pyarrow as pa
        >>> ix = _phrase_index(None)
        >>> ix.satisfies_any(pa.array(["refund", "zzz"], type=pa.large_string())).tolist()
        [True, False]
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        words = words.cast(pa.large_string()) if words.type != pa.large_string() else words
        hit = pc.is_in(words, value_set=self._exact_literals)
        if self._prefix_pattern is not None:
            hit = pc.or_(hit, pc.match_substring_regex(words, pattern=self._prefix_pattern))
        return hit.to_numpy(zero_copy_only=False)

    def units_of(self, word: str) -> tuple[int, ...]:
        """The units ``word`` satisfies, in increasing order."""
        exact = self.exact_units.get(word, ())  # sorted, distinct
        prefix_units = self.prefix_units
        hits = [prefix_units[p] for k in self.prefix_lengths if len(word) >= k and (p := word[:k]) in prefix_units]
        if not hits:  # most words: no literal of a prefix length starts them
            return exact
        found = set(exact).union(*hits)
        return tuple(sorted(found))


@functools.lru_cache(maxsize=32)
def _phrase_index(selected: tuple[str, ...] | None) -> _PhraseIndex:
    m = _matcher(selected)
    phrases = tuple((t, prio, ph) for t, comp in enumerate(m.topics) for prio, ph in enumerate(comp.phrases))
    unit_ids: dict[frozenset[tuple[str, bool]], int] = {}
    phrase_units: list[set[int]] = []
    first_unit: list[int] = []
    for _t, _prio, ph in phrases:
        units: set[int] = set()
        for i, tok in enumerate(ph.tokens):
            options = [_alternative_literals(a) for a in tok]
            lits = frozenset().union(*options)
            if not all(options):  # an alternative opening with a mark: no word required
                if i == 0:  # _compile_phrase refuses such first words: a match must start at a word start
                    raise TopicsError(f"phrase {ph.phrase!r}: its first word must start with letters or digits")
                continue
            units.add(unit_ids.setdefault(lits, len(unit_ids)))
            if i == 0:
                first_unit.append(unit_ids[lits])
        phrase_units.append(units)
    by_first: list[list[int]] = [[] for _ in unit_ids]
    for p, u in enumerate(first_unit):
        by_first[u].append(p)
    exact_units: dict[str, set[int]] = {}
    prefix_units: dict[str, set[int]] = {}
    for lits, u in unit_ids.items():
        for stem, exact in lits:
            (exact_units if exact else prefix_units).setdefault(stem, set()).add(u)
    return _PhraseIndex(
        phrases=phrases,
        is_first=np.array([bool(b) for b in by_first], dtype=bool),
        first_ptr=np.concatenate([[0], np.cumsum([len(b) for b in by_first])]).astype(np.int64),
        first_phrases=np.array([p for b in by_first for p in b], dtype=np.int64),
        exact_units={k: tuple(sorted(v)) for k, v in exact_units.items()},
        prefix_units={k: tuple(sorted(v)) for k, v in prefix_units.items()},
        longest_prefix=max((len(k) for k in prefix_units), default=0),
        n_units=len(unit_ids),
        prefix_lengths=tuple(sorted({len(k) for k in prefix_units})),
        first_of_unit=tuple(tuple(b) for b in by_first),
        by_size=tuple(
            (np.array(ids, dtype=np.int64), np.array([sorted(phrase_units[p]) for p in ids], dtype=np.int64))
            for k in sorted({len(u) for u in phrase_units})
            for ids in [[p for p, u in enumerate(phrase_units) if len(u) == k]]
        ),
    )


def _csr_gather(ptr: np.ndarray, flat: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each ``keys[i]``, the entries ``flat[ptr[k]:ptr[k + 1]]``: ``(position i per entry, entries)``."""
    counts = ptr[keys + 1] - ptr[keys]
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    return owner, flat[np.repeat(ptr[keys] - first, counts) + np.arange(total)]


def _block_words(lows: list[str]) -> tuple[Any, np.ndarray, np.ndarray]:
    """Every word (maximal ``\\w`` run) of every text: ``(Arrow string array, text position per word, offset
    of the word in its text)``. ASCII texts by one numpy pass over their bytes; the others by one pass over
    their code points (:func:`_word_runs_unicode`), each text's words together."""
    import pyarrow as pa

    ascii_mask = np.fromiter(map(str.isascii, lows), dtype=bool, count=len(lows))
    ascii_rows = np.flatnonzero(ascii_mask)
    arrays = []
    owners = []
    offsets = []
    if len(ascii_rows):
        texts = lows if len(ascii_rows) == len(lows) else [lows[i] for i in ascii_rows.tolist()]
        # one buffer: a space, then each text followed by a space (not a word byte: no word runs from one text
        # into the next, and the first byte is no word's)
        data = np.frombuffer(b" " + " ".join(texts).encode("ascii") + b" ", dtype=np.uint8)
        text_starts = np.ones(len(texts), dtype=np.int64)
        np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))[:-1] + 1, out=text_starts[1:])
        text_starts[1:] += 1
        word = _ASCII_WORD_BYTES[data]
        edges = np.flatnonzero(word[1:] != word[:-1]) + 1  # word starts and ends, in turn
        starts, ends = edges[0::2], edges[1::2]
        run_offsets = np.zeros(len(starts) + 1, dtype=np.int64)
        np.cumsum(ends - starts, out=run_offsets[1:])
        arrays.append(pa.LargeStringArray.from_buffers(
            len(starts), pa.py_buffer(run_offsets), pa.py_buffer(np.ascontiguousarray(data[word]))))
        local = np.searchsorted(text_starts, starts, side="right") - 1
        owners.append(ascii_rows[local])
        offsets.append(starts - text_starts[local])
    if len(ascii_rows) < len(lows):
        other_rows = np.flatnonzero(~ascii_mask)
        words, local, where = _word_runs_unicode([lows[i] for i in other_rows.tolist()])
        arrays.append(words)
        owners.append(other_rows[local])
        offsets.append(where)
    if not arrays:
        return pa.array([], type=pa.large_string()), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(arrays) == 1:
        return arrays[0], owners[0], offsets[0]
    return pa.concat_arrays(arrays), np.concatenate(owners), np.concatenate(offsets)


def _word_runs_unicode(texts: list[str]) -> tuple[Any, np.ndarray, np.ndarray]:
    """:func:`_block_words` of any texts, by their code points: ``\\w`` of each distinct code point asked of
    Python's own ``re`` (the ASCII ones from a table), the runs found on the code points (offsets in
    characters, as ``str`` indexes), and their UTF-8 bytes cut from the texts' UTF-8 encoding. A lone
    surrogate (text decoded with ``surrogateescape``) is encoded as it stands and is never a word character."""
    import pyarrow as pa

    joined = " " + " ".join(texts) + " "
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = _ASCII_WORD_BYTES[np.minimum(cps, 127)]  # 127 (DEL) is no word character
    high = np.flatnonzero(cps >= 128)
    if len(high):
        distinct, which = np.unique(cps[high], return_inverse=True)
        is_word = np.fromiter((_RUN_RE.match(chr(c)) is not None for c in distinct.tolist()), dtype=bool,
                              count=len(distinct))
        word[high] = is_word[which]
    text_starts = np.ones(len(texts), dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))[:-1] + 1, out=text_starts[1:])
    text_starts[1:] += 1
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    # UTF-8 bytes per character (a surrogate takes three with surrogatepass)
    width = (1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)).astype(np.int64)
    word_bytes = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(width * word, out=word_bytes[1:])
    run_offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(word_bytes[ends] - word_bytes[starts], out=run_offsets[1:])
    utf8 = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    packed = np.ascontiguousarray(utf8[np.repeat(word, width)])
    words = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(run_offsets), pa.py_buffer(packed))
    local = np.searchsorted(text_starts, starts, side="right") - 1
    return words, local, starts - text_starts[local]


#: Most frequent words of a block (by the (word, unit) pairs they would add) whose presence per text is found
#: as one bit of a 64-bit mask per text instead of one pair per occurrence and unit: "the", "it", "my"...
_BLOCK_HEAVY_WORDS: Final[int] = 64


class _WordTable:
    """Per distinct word met so far, a number and, as flat numpy arrays (CSR), the units it satisfies and the
    phrases whose first token it can begin; grown block by block (capacity doubled, so each word is copied a
    bounded number of times), emptied past :data:`_WORD_CACHE_MAX` words. Thread-safe: :meth:`numbers` works
    under a lock and hands back the arrays its numbers index (entries are never changed once written; growing
    or emptying the table makes new arrays)."""

    def __init__(self, ix: _PhraseIndex) -> None:
        self.ix = ix
        self._lock = threading.Lock()
        self._reset()

    def reset(self) -> None:
        """Forget every word (the memory bound)."""
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        self.ids: dict[str, int] = {}
        self._ptr = {"unit": np.zeros(1024, dtype=np.int64), "first": np.zeros(1024, dtype=np.int64)}
        self._flat = {"unit": np.zeros(1024, dtype=np.int64), "first": np.zeros(1024, dtype=np.int64)}
        self._used = {"unit": 0, "first": 0}

    @property
    def unit_ptr(self) -> np.ndarray:
        """CSR offsets: the units of word ``g`` are ``units[unit_ptr[g]:unit_ptr[g + 1]]``."""
        return self._ptr["unit"]

    @property
    def units(self) -> np.ndarray:
        return self._flat["unit"]

    @property
    def first_ptr(self) -> np.ndarray:
        """CSR offsets: the phrases word ``g`` can begin are ``firsts[first_ptr[g]:first_ptr[g + 1]]``."""
        return self._ptr["first"]

    @property
    def firsts(self) -> np.ndarray:
        return self._flat["first"]

    def numbers(self, words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The number of each of ``words`` (distinct), the new ones added first, with the arrays those numbers
        index: ``(numbers, unit_ptr, units, first_ptr, firsts)``."""
        with self._lock:
            got = list(map(self.ids.get, words))  # C-level look-ups; the few new words below
            new = [w for w, g in zip(words, got) if g is None]
            if new:
                if len(self.ids) + len(new) > _WORD_CACHE_MAX:
                    self._reset()
                    new = words
                self._add(new)
                ids = self.ids
                got = ([ids[w] if g is None else g for w, g in zip(words, got)] if new is not words
                       else [ids[w] for w in words])
            return (np.fromiter(got, dtype=np.int64, count=len(got)), self.unit_ptr, self.units, self.first_ptr,
                    self.firsts)

    def _append(self, key: str, lists: list[tuple[int, ...]] | list[list[int]]) -> None:
        base = len(self.ids)  # words before these
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        values = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
        ptr, flat, used = self._ptr[key], self._flat[key], self._used[key]
        if base + len(lists) + 1 > len(ptr):
            ptr = self._ptr[key] = np.concatenate([ptr, np.zeros(max(len(ptr), len(lists) + 1), dtype=np.int64)])
        if used + len(values) > len(flat):
            flat = self._flat[key] = np.concatenate([flat, np.zeros(max(len(flat), len(values)), dtype=np.int64)])
        flat[used : used + len(values)] = values
        np.cumsum(lengths, out=ptr[base + 1 : base + 1 + len(lists)])
        ptr[base + 1 : base + 1 + len(lists)] += used
        self._used[key] = used + len(values)

    def _add(self, words: list[str]) -> None:
        ix = self.ix
        per_word = list(map(ix.units_of, words))
        first_of_unit = ix.first_of_unit  # per unit its phrases (empty for a unit that is no first token)
        firsts = [
            tuple(itertools.chain.from_iterable(map(first_of_unit.__getitem__, units))) if units else ()
            for units in per_word
        ]
        self._append("unit", per_word)
        self._append("first", firsts)
        base = len(self.ids)
        self.ids.update(zip(words, range(base, base + len(words))))


#: Most units one word may satisfy for the native core's fixed per-word buffer (``TP_MAX_UNITS`` in
#: ``_vadercore.c``); an index whose bound is larger uses the numpy path.
_NATIVE_MAX_UNITS: Final[int] = 256


def _native_attempts_args(ix: _PhraseIndex) -> tuple[Any, ...] | None:
    """The arguments after the texts of ``_vadercore.topic_attempts`` for ``ix`` (its literals, their units
    and the phrases' units as int64 CSR arrays), cached on the index; None when a word could satisfy more
    units than the native core holds."""
    cached = ix.__dict__.get("_native_args", False)
    if cached is not False:
        return cached

    def csr(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum([len(v) for v in lists], out=ptr[1:])
        return ptr, np.array([u for v in lists for u in v], dtype=np.int64)

    exact = list(ix.exact_units)
    prefix = list(ix.prefix_units)
    bound = max((len(v) for v in ix.exact_units.values()), default=0) + sum(
        max(len(v) for k, v in ix.prefix_units.items() if len(k) == n) for n in ix.prefix_lengths)
    phrase_units: list[list[int]] = [[] for _ in ix.phrases]
    for ids, units in ix.by_size:
        for p, us in zip(ids.tolist(), units.tolist()):
            phrase_units[p] = us
    args = None if bound > _NATIVE_MAX_UNITS else (
        exact, *csr([ix.exact_units[k] for k in exact]), prefix, *csr([ix.prefix_units[k] for k in prefix]),
        ix.first_ptr, ix.first_phrases, *csr(phrase_units), ix.n_units)
    ix.__dict__["_native_args"] = args  # the frozen dataclass's own dict, as functools.cached_property does
    return args


#: Clause punctuation: :data:`_SEP` and :data:`_WORD` never match these, nor does any compiled alternative
#: unless it holds one literally (see :func:`_attempt_marks`).
_CLAUSE_MARKS: Final[str] = ".,;:!?"


def _attempt_marks(ix: _PhraseIndex) -> str | None:
    """The ``marks`` of the native ``topic_attempts`` for ``ix``: the characters of :data:`_CLAUSE_MARKS` that
    no phrase alternative holds, i.e. that no phrase match can hold (a match is lookarounds, which consume
    nothing, and ``\\b(?:alternatives)\\b`` groups joined by :data:`_SEP` or gaps of :data:`_SEP` and
    :data:`_WORD`; an alternative compiles to its escaped characters, ``['’]?``, ``[-\\s]?``, ``\\s+`` and
    ``\\w*``). Each token of a match begins a word that satisfies the token's unit, so an attempt whose phrase
    has a unit with no satisfying word between the attempt's offset and the next of these characters cannot
    match: the native call drops it (the regex would fail there). None when no character is left. Cached."""
    cached = ix.__dict__.get("_attempt_marks", False)
    if cached is not False:
        return cached
    held = {c for _t, _prio, ph in ix.phrases for tok in ph.tokens for alt in tok for c in alt}
    marks = "".join(c for c in _CLAUSE_MARKS if c not in held) or None
    ix.__dict__["_attempt_marks"] = marks
    return marks


def _candidate_attempts(
    lows: list[str], ix: _PhraseIndex, native: bool | None = None
) -> tuple[list[int], list[int], list[int]]:
    """``(texts, offsets, phrase ids)``: where in a block of lower-cased texts each phrase regex is worth trying,
    grouped by text: at each word start whose word its first token can begin, in the texts where it is a
    candidate (every one of its units satisfied). Every position where a phrase matches is among them.

    ``native`` (default: when built): the native core's one pass per text (``_vadercore.topic_attempts``: the
    same words, units and attempts in the same order); ``False``: the numpy path below, the reference.

    Which units each text satisfies: the block's most frequent words (:data:`_BLOCK_HEAVY_WORDS`) as bits of a
    mask per text (an OR over each text's words, then per unit the texts whose mask meets its words' bits), the
    others as one (unit, text) pair per occurrence and unit.

    >>> ix = _phrase_index(("shipping_delivery",))
    >>> _candidate_attempts(["it arrived late"], ix, native=False) == _candidate_attempts(["it arrived late"], ix)
    True
    """
    if native is not False:
        core = native_module()
        args = _native_attempts_args(ix) if core is not None and hasattr(core, "topic_attempts") else None
        if args is not None:
            rows, offsets, phrase_ids = core.topic_attempts(lows, *args)  # type: ignore[union-attr]
            return (np.frombuffer(rows, dtype=np.int64).tolist(), np.frombuffer(offsets, dtype=np.int64).tolist(),
                    np.frombuffer(phrase_ids, dtype=np.int64).tolist())
        if native:
            raise RuntimeError("the native core (reviewtools._vadercore.topic_attempts) is not available")
    import pyarrow.compute as pc

    n, n_phrases = len(lows), len(ix.phrases)
    words, owner, offset = _block_words(lows)
    if not len(words) or not ix.n_units:
        return [], [], []
    encoded = pc.dictionary_encode(words)
    word_id = encoded.indices.to_numpy(zero_copy_only=False)  # int32, Arrow's buffer
    # per distinct word of the block that satisfies some unit (the others add nothing below: no units, no
    # phrase they can begin): its number in the word table, and the table's CSR arrays; -1 for the others
    dictionary = encoded.dictionary
    useful = np.flatnonzero(ix.satisfies_any(dictionary))
    gid = np.full(len(dictionary), -1, dtype=np.int64)
    got, unit_ptr, units_flat, first_ptr, firsts = ix.words.numbers(dictionary.take(useful).to_pylist())
    gid[useful] = got
    n_units_of = np.zeros(len(gid), dtype=np.int64)  # per distinct word
    n_units_of[useful] = unit_ptr[got + 1] - unit_ptr[got]
    seen = np.zeros((ix.n_units, n), dtype=bool)  # seen[u, i]: text i has a word satisfying unit u
    weight = np.bincount(word_id, minlength=len(gid)) * n_units_of
    heavy = np.flatnonzero(weight)
    if len(heavy) > _BLOCK_HEAVY_WORDS:
        heavy = heavy[np.argpartition(-weight[heavy], _BLOCK_HEAVY_WORDS)[:_BLOCK_HEAVY_WORDS]]
    if len(heavy):
        bit = np.zeros(len(gid), dtype=np.uint64)
        bit[heavy] = np.left_shift(np.uint64(1), np.arange(len(heavy), dtype=np.uint64))
        starts = np.flatnonzero(np.diff(owner, prepend=np.int64(-1)))  # each text's words are consecutive
        mask = np.zeros(n, dtype=np.uint64)
        mask[owner[starts]] = np.bitwise_or.reduceat(bit[word_id], starts)
        hunit_owner, hunit = _csr_gather(unit_ptr, units_flat, gid[heavy])
        unit_ids, where = np.unique(hunit, return_inverse=True)
        unit_bits = np.zeros(len(unit_ids), dtype=np.uint64)
        np.bitwise_or.at(unit_bits, where, bit[heavy][hunit_owner])
        seen[unit_ids] = (mask[None, :] & unit_bits[:, None]) != 0
        light = np.ones(len(gid), dtype=bool)
        light[heavy] = False
        occ = np.flatnonzero(light[word_id] & (n_units_of[word_id] > 0))
    else:
        occ = np.flatnonzero(n_units_of[word_id] > 0)
    run, unit = _csr_gather(unit_ptr, units_flat, gid[word_id[occ]])
    seen.reshape(-1)[unit * n + owner[occ[run]]] = True
    candidate = np.zeros((n_phrases, n), dtype=bool)
    for ids, units in ix.by_size:  # a phrase is a candidate where all of its units are seen
        ok = seen[units[:, 0]]
        for j in range(1, units.shape[1]):
            ok &= seen[units[:, j]]
        candidate[ids] = ok  # each phrase is in one group
    # attempts: each occurrence of a word that can begin some phrase's first token, at each such phrase ...
    n_firsts_of = np.zeros(len(gid), dtype=np.int64)
    n_firsts_of[useful] = first_ptr[got + 1] - first_ptr[got]
    occ = np.flatnonzero(n_firsts_of[word_id] > 0)
    which, phrase = _csr_gather(first_ptr, firsts, gid[word_id[occ]])
    occ = occ[which]
    keep = candidate[phrase, owner[occ]]  # ... that is a candidate in that text
    occ, phrase = occ[keep], phrase[keep]
    order = np.argsort(owner[occ], kind="stable")
    occ, phrase = occ[order], phrase[order]
    return owner[occ].tolist(), offset[occ].tolist(), phrase.tolist()


def _leftmost_per_topic(tried: list[tuple[int, int, int, int, _Phrase]]) -> list[tuple[int, int, int, _Phrase]]:
    """Per topic, non-overlapping matches, leftmost first, and at one position the highest priority."""
    if len(tried) == 1:  # most texts with a match: nothing to order or overlap
        t, start, _prio, end, ph = tried[0]
        return [(t, start, end, ph)]
    tried.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[tuple[int, int, int, _Phrase]] = []
    last_topic, last_end = -1, -1
    for t, start, _prio, end, ph in tried:
        if t != last_topic:
            last_topic, last_end = t, -1
        if start < last_end:
            continue
        out.append((t, start, end, ph))
        last_end = end
    return out


def _judged_matches(
    original: str, m: _Matcher, lex: _Lexicon, fast: bool = False
) -> list[tuple[str, int, int, _Phrase, str, bool, str, str, str]]:
    """The matches of one field value, judged: ``(topic, start, end, phrase, polarity, negated, negator, cue,
    reason)`` per match, in :func:`_match_text`'s order (the reference per-text work of :func:`find_topics`;
    ``fast`` judges on :func:`_window_doc` tokens, the same verdicts)."""
    low = _lower(original)
    return _judge_matches(low, _match_text(low, m), m, lex, fast=fast)


def _lower(original: str) -> str:
    """``original.lower()``, keeping each character's offset (rare characters whose lower case is longer stay)."""
    low = original.lower()
    if len(low) != len(original):  # rare: lower() changed the length; keep offsets exact
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in original)
    return low


def _judge_matches(
    low: str, matches: list[tuple[int, int, int, _Phrase]], m: _Matcher, lex: _Lexicon, fast: bool = True,
    core: Any = None,
) -> list[tuple[str, int, int, _Phrase, str, bool, str, str, str]]:
    """Judge each ``(topic index, start, end, phrase)`` match of the lower-cased text ``low`` on the tokens of
    its context window (``fast``: :func:`_window_doc`; else :meth:`_Doc.of`, the reference).

    ``fast`` first judges on the match's clause alone (:func:`_clause_doc`, all that :func:`_judge_verdict`
    reads); only a complaint, which the context rules may still void, is judged again on its sentence.
    ``core``: the native module for :func:`_clause_doc` and :func:`_window_doc` (None: their regexes); with its
    ``topic_verdict``, the clause's tokens and :func:`_judge_verdict`'s work on them are one native call
    (:func:`_verdict_of` turns what it found into the verdict).
    """
    out = []
    verdict_of = getattr(core, "topic_verdict", None) if fast and core is not None else None
    for t, s, e, ph in matches:
        rule = m.topics[t].rule
        lo = max(0, s - _CONTEXT_CHARS)
        window = low[lo : e + _CONTEXT_CHARS]
        if fast:
            verdict = None
            if verdict_of is not None:  # the clause's tokens and the verdict in one native call
                kind = ph.kind
                mention = kind == "mention"
                got = verdict_of(
                    window.replace("’", "'"), s - lo, e - lo, _KIND_CODES[kind], lex.break_words,
                    lex.quantified_negators, lex.negators, lex.not_quantifiers, ph.vocabulary,
                    _cue_union(lex.negative, rule.negative_cues) if mention else _NO_WORDS,
                    _cue_union(lex.positive, rule.positive_cues) if mention else _NO_WORDS,
                    NEGATION_WINDOW, QUANTIFIED_NEGATION_WINDOW, CUE_WINDOW)
                if got is not None:
                    verdict = _verdict_of(ph, *got)
            else:
                local = _clause_doc(window, s - lo, e - lo, lex, ph.kind == "mention", core)
                if local is not None:
                    doc, first, last = local
                    if lex.negation_words.isdisjoint(
                            doc.words[max(0, first - QUANTIFIED_NEGATION_WINDOW - 1) : last + 1]):
                        verdict = _judge_polarity(doc, first, last, ph, rule, lex, "")  # no negator can be found
                    else:
                        verdict = _judge_verdict(doc, first, last, ph, rule, lex)
            if verdict is not None:
                if verdict[0] != "complaint":
                    out.append((rule.id, s, e, ph, *verdict))
                    continue
                got = _window_doc(window, s - lo, e - lo, lex, core)  # the same verdict; context rules need more
                if got is not None:
                    rules = _rules_that_can_start(got[0].words, lex)
                    out.append((rule.id, s, e, ph, *_with_veto(verdict, got[0], got[1], got[2], rule, lex, rules)))
                    continue
        got = _window_doc(window, s - lo, e - lo, lex, core) if fast else None
        if got is None:
            doc = _Doc.of(window, lex, offset=lo)
            out.append((rule.id, s, e, ph, *_judge(doc, s, e, ph, rule, lex)))
        else:
            rules = _rules_that_can_start(got[0].words, lex)
            out.append((rule.id, s, e, ph, *_judge_tokens(got[0], got[1], got[2], ph, rule, lex, rules)))
    return out


def _rules_that_can_start(words: list[str], lex: _Lexicon) -> tuple[ContextRule, ...]:
    """The context rules, in order, with a marker that can start at one of ``words`` (the others cannot void
    anything there: each rule looks only for its markers' first words)."""
    if lex is not _lexicon():
        return lex.context_rules
    return _rules_with_starts(_marker_starts().intersection(words))


@functools.lru_cache(maxsize=1)
def _marker_starts() -> frozenset[str]:
    """Every word a context-rule marker can start with."""
    return frozenset().union(*(rule.first_words for rule in _lexicon().context_rules))


@functools.lru_cache(maxsize=4096)
def _rules_with_starts(present: frozenset[str]) -> tuple[ContextRule, ...]:
    return tuple(rule for rule in _lexicon().context_rules if not rule.first_words.isdisjoint(present))


#: The tokens and marks of :data:`_TOKEN_OR_PUNCT_RE` on text whose curly apostrophes were made straight, for
#: ``findall``: ``(word, "")`` or ``("", mark)``.
_TOKEN_OR_MARK_RE: Final[re.Pattern[str]] = re.compile(r"(\w+(?:'\w+)*)|([.,;:!?\n])")


def _token_char(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to a token: a word character, or an apostrophe between two of them."""
    c = text[i]
    if c.isalnum() or c == "_":
        return True
    return c == "'" and 0 < i < len(text) - 1 and (text[i - 1].isalnum() or text[i - 1] == "_") and (
        text[i + 1].isalnum() or text[i + 1] == "_")


#: Up to (and including) the last word character of the searched range.
_UP_TO_LAST_WORD_CHAR_RE: Final[re.Pattern[str]] = re.compile(r"[\s\S]*\w")


@functools.lru_cache(maxsize=1)
def _marker_reach() -> int:
    """Most tokens a context-rule marker reads from where it starts (two for a two-word alternative)."""
    return max((sum(2 if any(" " in a for a in alts) else 1 for alts in marker)
                for rule in _lexicon().context_rules for marker in rule.markers), default=0)


def _window_doc(
    window: str, start: int, end: int, lex: _Lexicon, core: Any = None
) -> tuple[_Doc, int, int] | None:
    """``(doc, first, last)``: the tokens the judge can read around the match ``window[start:end]``, as
    :meth:`_Doc.of` makes them of the whole window (words, clauses and sentences, numbered from another
    origin; no offsets), and the match's first and last token. None when a token runs across ``start`` or
    ``end`` (the caller then tokenises the whole window with :meth:`_Doc.of`).

    Exact by construction: the judge reads nothing outside the match's sentence except one token before it
    (``negator_before`` looks at the word before a quantifier) and a context-rule marker's words after it
    (at most :func:`_marker_reach`), and every scan that reaches the sentence's edge stops there, as it
    would at the window's. So the window is tokenised from the start of the last token before the match's
    sentence (no token crosses a token's start) up to the match's sentence end, plus that many tokens. With
    no token crossing them, the tokens are those of the pieces before, of and after the match (the tokeniser
    has no look-behind; a token ends where the next character cannot continue it), each read clause by
    clause (:func:`_add_tokens`), and the match's tokens are the middle piece's.

    ``core``: the native module (:func:`reviewtools.vader.native_module`) whose ``topic_window`` makes the same
    tokens and numbers in one call; None: the regexes here, the reference.
    """
    text = window.replace("’", "'")
    if core is not None:
        got = core.topic_window(text, start, end, lex.break_words, _marker_reach())
        if got is None:
            return None
        words, clauses, sentences, first, last = got
        if last < first:
            return None
        return _Doc([], [], words, clauses, sentences), first, last
    size = len(text)
    if (0 < start < size and _token_char(text, start - 1) and _token_char(text, start)) or (
        0 < end < size and _token_char(text, end - 1) and _token_char(text, end)
    ):
        return None
    origin = 0
    mark_end = _last_sentence_mark_end(text, start)  # _UP_TO_LAST_SENTENCE_MARK_RE's end, 0 when no mark
    if mark_end:
        before = _UP_TO_LAST_TOKEN_RE.match(text, 0, mark_end - 1)
        if before is not None:  # from the start of the last token before the match's sentence
            origin = before.start(1)
    found = _SENTENCE_MARK_RE.search(text, end)
    stop = size if found is None else found.start()
    words: list[str] = []
    clauses: list[int] = []
    sentences: list[int] = []
    breaks = lex.break_words
    tokens = _ASCII_WORD_TOKEN_RE if text.isascii() else _WORD_TOKEN_RE
    clause, sentence = _add_tokens(text[origin:start], 0, 0, tokens, breaks, words, clauses, sentences)
    first = len(words)
    clause, sentence = _add_tokens(text[start:end], clause, sentence, tokens, breaks, words, clauses, sentences)
    last = len(words) - 1
    clause, sentence = _add_tokens(text[end:stop], clause, sentence, tokens, breaks, words, clauses, sentences)
    if stop < size:  # past the sentence: only the tokens a marker can still read
        extra = _marker_reach()
        for mo in _TOKEN_OR_MARK_RE.finditer(text, stop):
            w = mo[1]
            if w:
                if w in breaks:
                    clause += 1
                words.append(w)
                clauses.append(clause)
                sentences.append(sentence)
                extra -= 1
                if not extra:
                    break
            else:
                clause += 1
                if mo[2] in ".!?\n":
                    sentence += 1
    if last < first:  # no token in the match (cannot happen for a phrase match): let the caller decide
        return None
    return _Doc([], [], words, clauses, sentences), first, last


def _clause_doc(
    window: str, start: int, end: int, lex: _Lexicon, after: bool, core: Any = None
) -> tuple[_Doc, int, int] | None:
    """``(doc, first, last)`` as :func:`_window_doc`, but of the match's clause only: the last token before the
    last clause mark before the match, the tokens from that mark to the match's end, and (``after``: a
    mention, whose cue may follow it) those up to the next clause mark. All that :func:`_judge_verdict` reads:
    a suffix of :func:`_window_doc`'s tokens before the match (a sentence mark is a clause mark), numbered the
    same relative to each other, and every token after the match in its clause; no sentence numbers (the
    verdict reads none). None when a token runs across ``start`` or ``end``.

    No clause mark lies between that mark and the match, nor in the match, nor after it before the next one,
    so each piece is one ``findall``; a contrast word in any of them (a clause of its own) takes the general
    path, clause by clause (:func:`_add_tokens`).

    ``core``: the native module (:func:`reviewtools.vader.native_module`) whose ``topic_clause`` makes the same
    tokens and clause numbers in one call; None: the regexes here, the reference.
    """
    text = window.replace("’", "'")
    if core is not None:  # the same tokens and clause numbers in one native call
        got = core.topic_clause(text, start, end, after, lex.break_words, lex.quantified_negators)
        if got is None:
            return None
        words, clauses, first, last = got
        if last < first:
            return None
        return _Doc([], [], words, clauses, []), first, last
    size = len(text)
    if _crosses(text, start, size) or _crosses(text, end, size):
        return None
    tokens = _ASCII_WORD_TOKEN_RE if text.isascii() else _WORD_TOKEN_RE
    mark_end = _last_clause_mark_end(text, start)  # _UP_TO_LAST_CLAUSE_MARK_RE's end, 0 when no mark
    piece = mark_end  # no clause mark before the match (0): from the window's start
    if after:
        nxt = _CLAUSE_MARK_RE.search(text, end)
        stop = size if nxt is None else nxt.start()
    else:
        stop = end
    words_before = tokens.findall(text, piece, start)
    words_match = tokens.findall(text, start, end)
    words_after = tokens.findall(text, end, stop) if stop > end else []
    breaks = lex.break_words
    if (breaks.isdisjoint(words_before) and breaks.isdisjoint(words_match) and breaks.isdisjoint(words_after)
            and _CLAUSE_MARK_RE.search(text, start, end) is None):
        # The token before the clause mark is read only as the word before a quantified negator that opens
        # the clause ("a, few broken"); anywhere else a scan stops at the clause's edge, as at the doc's start.
        head: list[str] = []
        if mark_end and (words_before or words_match or [""])[0] in lex.quantified_negators:
            before = _UP_TO_LAST_TOKEN_RE.match(text, 0, mark_end - 1)
            head = [] if before is None else [before.group(1)]
        words = head + words_before
        first = len(words)
        words += words_match
        last = len(words) - 1
        words += words_after
        clauses = [0] * len(head) + [1] * (len(words) - len(head))
    else:
        origin = 0
        if mark_end:  # from the last token before the clause mark (or the mark itself)
            before = _UP_TO_LAST_TOKEN_RE.match(text, 0, mark_end - 1)
            origin = mark_end - 1 if before is None else before.start(1)
        words, clauses, sentences = [], [], []
        clause, sentence = _add_tokens(text[origin:start], 0, 0, tokens, breaks, words, clauses, sentences)
        first = len(words)
        clause, sentence = _add_tokens(text[start:end], clause, sentence, tokens, breaks, words, clauses, sentences)
        last = len(words) - 1
        if stop > end:
            _add_tokens(text[end:stop], clause, sentence, tokens, breaks, words, clauses, sentences)
    if last < first:
        return None
    return _Doc([], [], words, clauses, []), first, last


def _crosses(text: str, pos: int, size: int) -> bool:
    """Whether a token runs across ``pos`` (:func:`_token_char` on both sides; a character that is no word
    character nor an apostrophe answers at once)."""
    if not 0 < pos < size:
        return False
    before, after = text[pos - 1], text[pos]
    if not (before.isalnum() or before in "_'") or not (after.isalnum() or after in "_'"):
        return False
    return _token_char(text, pos - 1) and _token_char(text, pos)


#: A clause mark, and everything up to the last one of the searched range.
_CLAUSE_MARK_RE: Final[re.Pattern[str]] = re.compile(r"[.,;:!?\n]")
_UP_TO_LAST_CLAUSE_MARK_RE: Final[re.Pattern[str]] = re.compile(r"[\s\S]*[.,;:!?\n]")
#: A clause mark (:data:`_TOKEN_OR_PUNCT_RE`'s marks), captured: ``split`` gives ``[piece, mark, piece, ...]``.
_CLAUSE_MARK_SPLIT_RE: Final[re.Pattern[str]] = re.compile(r"([.,;:!?\n])")
#: A word token of :data:`_TOKEN_OR_MARK_RE` (text whose curly apostrophes were made straight).
_WORD_TOKEN_RE: Final[re.Pattern[str]] = re.compile(r"\w+(?:'\w+)*")
#: The same on an ASCII text (where ``\w`` is ``[a-zA-Z0-9_]``, and the judged text is lower-cased): a byte
#: class instead of a Unicode category test per character.
_ASCII_WORD_TOKEN_RE: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*")
#: A sentence mark, and everything up to the last one of the searched range.
_SENTENCE_MARK_RE: Final[re.Pattern[str]] = re.compile(r"[.!?\n]")
_UP_TO_LAST_SENTENCE_MARK_RE: Final[re.Pattern[str]] = re.compile(r"[\s\S]*[.!?\n]")


def _last_clause_mark_end(text: str, stop: int) -> int:
    """``_UP_TO_LAST_CLAUSE_MARK_RE.match(text, 0, stop).end()``, or 0 when it does not match: one past the last
    clause mark of ``text[:stop]``. Seven C-level ``rfind`` calls instead of the regex's greedy scan and
    backtrack (~4 µs a call on a 160-character window).

    >>> _last_clause_mark_end("no, it broke. then", 18), _last_clause_mark_end("no mark", 7)
    (13, 0)
    """
    rf = text.rfind
    return max(rf(".", 0, stop), rf(",", 0, stop), rf(";", 0, stop), rf(":", 0, stop), rf("!", 0, stop),
               rf("?", 0, stop), rf("\n", 0, stop)) + 1


def _last_sentence_mark_end(text: str, stop: int) -> int:
    """``_UP_TO_LAST_SENTENCE_MARK_RE.match(text, 0, stop).end()``, or 0 when it does not match (see
    :func:`_last_clause_mark_end`).

    >>> _last_sentence_mark_end("no, it broke. then", 18), _last_sentence_mark_end("no, mark", 8)
    (13, 0)
    """
    rf = text.rfind
    return max(rf(".", 0, stop), rf("!", 0, stop), rf("?", 0, stop), rf("\n", 0, stop)) + 1
#: Up to the last token of the searched range, the token captured. A token starts where the character before it
#: is no word character and is not an apostrophe right after one ("don't": 't' is inside the token).
_UP_TO_LAST_TOKEN_RE: Final[re.Pattern[str]] = re.compile(r"[\s\S]*(?<!\w)(?<!\w')(\w+(?:'\w+)*)")


def _add_tokens(
    piece: str, clause: int, sentence: int, tokens: re.Pattern[str], breaks: frozenset[str],
    words: list[str], clauses: list[int], sentences: list[int],
) -> tuple[int, int]:
    """Append the tokens of ``piece`` with their clause and sentence numbers, as :meth:`_Doc.of` numbers them
    from ``clause``/``sentence``; return the numbers after it. Marks are never inside a token, so the piece is
    cut at its marks and each clause's words are found at once (one call, no per-token Python unless the
    clause holds a contrast word)."""
    parts = _CLAUSE_MARK_SPLIT_RE.split(piece)
    for k in range(0, len(parts), 2):
        if k:
            clause += 1
            if parts[k - 1] in ".!?\n":
                sentence += 1
        ws = tokens.findall(parts[k])
        if not ws:
            continue
        if breaks.isdisjoint(ws):
            words += ws
            clauses += [clause] * len(ws)
            sentences += [sentence] * len(ws)
        else:
            for w in ws:
                if w in breaks:
                    clause += 1
                words.append(w)
                clauses.append(clause)
                sentences.append(sentence)
    return clause, sentence


def reads_as_complaint(text: str, topic: str) -> bool:
    """Whether ``text`` on its own holds a complaint of ``topic``: the same answer as
    ``find_topics(pd.DataFrame({"review_id": ["x"], "text": [text]}), topics=[topic])["complaint"].any()``,
    without building frames (:mod:`reviewtools.respond` asks it of every phrase it would quote back).

    >>> reads_as_complaint("arrived two weeks late", "shipping_delivery")
    True
    >>> reads_as_complaint("shipping was fast", "shipping_delivery")
    False
    """
    if not isinstance(text, str):
        raise TypeError(f"reads_as_complaint expects str, got {type(text).__name__}")
    known = [c.rule.id for c in _compiled()]
    if topic not in known:
        raise TopicsError(f"unknown topic ids {[topic]}; known: {known}")
    m = _matcher((topic,))
    # No RE2 prefilter (``_candidates(..., m.prefilter)``, which compiled its pattern on every call: ~0.3-0.6 ms,
    # nearly all of a call): it cannot change the answer. Every stem is ``[a-z0-9]+`` (checked by
    # tests/test_topics_reads_as_complaint.py) and _match_text only tries phrases where the lower-cased text
    # holds a stem, so each of those characters of the text is that digit, that letter in either case, or for
    # "k" the Kelvin sign, all of which RE2's case-insensitive match folds to the stem: the prefilter passes
    # whenever a match can be found.
    return any(match[4] == "complaint" for match in _judged_matches(text, m, _lexicon(), fast=True))


def _clause_core() -> Any:
    """The native module when it is built, current, not switched off and has ``topic_clause`` and
    ``topic_window``, else None."""
    core = native_module()
    return core if core is not None and hasattr(core, "topic_clause") and hasattr(core, "topic_window") else None


def _field_matches(
    texts: list[str], m: _Matcher, lex: _Lexicon, ix: _PhraseIndex, sink: tuple[Any, ...] | None = None,
    lows_given: list[str | None] | None = None,
) -> Iterator[tuple[int, list[tuple[str, int, int, _Phrase, str, bool, str, str, str]]]]:
    """``(position, judged matches)`` of each text of one field that has a match, in position order: the
    word-presence prefilter finds each text's candidate phrases block by block, then the phrase regexes run
    only there (the same matches as :func:`_judged_matches` on every text). With the native core, the attempts
    (``topic_attempts``), each attempt's regex match and :func:`_leftmost_per_topic` (``topic_tried``) are two
    calls per block; the loop below is the reference.

    ``sink``: ``(columns, first, count)`` of :func:`_field_columns`; with the native core, the texts whose
    matches it judges all by itself (the context rules included) go straight into those (``first``/``count`` at
    the text's position) and are not yielded. ``lows_given``: :func:`_lower` of each text where known (one per
    text; None where not: those are lowered here)."""
    core = _clause_core()
    tried_of = getattr(core, "topic_tried", None) if core is not None and hasattr(core, "topic_attempts") else None
    native_args = _native_attempts_args(ix) if tried_of is not None else None
    judge = _native_judge_args(ix, m, lex) if native_args is not None else None
    lower_of = getattr(core, "topic_lower", None) if core is not None else None
    lang = _lang_core() if native_args is not None else None
    matchers = _literal_matchers(ix, lang) if lang is not None and hasattr(lang, "topic_literal") else ix.matchers
    for b0 in range(0, len(texts), _PREFILTER_BLOCK_ROWS):
        if lows_given is not None:  # made with the distinct values (but a few), those left lowered here
            lows = lows_given[b0 : b0 + _PREFILTER_BLOCK_ROWS]
            if None in lows:
                lows = [_lower(texts[b0 + i]) if low is None else low for i, low in enumerate(lows)]
        elif lower_of is not None:
            lows, left = lower_of(texts[b0 : b0 + _PREFILTER_BLOCK_ROWS])
            if left:  # lower() changed the length: keep offsets exact
                lows = [_lower(texts[b0 + i]) if low is None else low for i, low in enumerate(lows)]
        else:
            lows = [_lower(t) for t in texts[b0 : b0 + _PREFILTER_BLOCK_ROWS]]
        if native_args is not None:  # the attempts, their regex matches, the leftmost selection and verdicts in C
            attempts = core.topic_attempts(lows, *native_args, _attempt_marks(ix))
            to_columns = None if sink is None or len(judge) < 13 else (
                texts[b0 : b0 + _PREFILTER_BLOCK_ROWS], *sink, b0)
            at, total = 0, len(attempts[0]) // 8
            while at < total:  # in pieces: a whole block's tuples at once would fill GC's young generation
                got, at = tried_of(lows, *attempts, matchers, ix.phrases, at, _TRIED_PIECE, judge, to_columns)
                for row, matches in got:
                    yield b0 + row, _finish_judged(lows[row], matches, m, lex, core)
            continue
        rows, offsets, phrase_ids = _candidate_attempts(lows, ix)
        for row, matches in _tried_matches(lows, rows, offsets, phrase_ids, ix):
            yield b0 + row, _judge_matches(lows[row], matches, m, lex, core=core)


def _native_judge_args(ix: _PhraseIndex, m: _Matcher, lex: _Lexicon) -> tuple[Any, ...]:
    """``judge`` of the native ``topic_tried`` for the phrases of ``ix`` (``m``'s topics): the lexicon's word
    sets, the windows, :data:`_CONTEXT_CHARS` and per phrase id what :func:`_judge_matches` and
    :func:`_verdict_of` read of it (its kind's code, vocabulary, the topic's cue words when a mention, the
    rule id, the phrase and the reason's opening); then, for a complaint's context rules, the marker reach,
    each rule's fields :meth:`_Doc.context_veto` reads, per marker start word the bit mask of the rules it can
    start (:func:`_rules_that_can_start`) and the modals. Cached on ``ix`` for ``m`` and ``lex``."""
    cached = ix.__dict__.get("_judge_args")
    if cached is not None and cached[0] is m and cached[1] is lex:
        return cached[2]
    info = []
    for t, _prio, ph in ix.phrases:
        rule = m.topics[t].rule
        mention = ph.kind == "mention"
        info.append((_KIND_CODES[ph.kind], ph.vocabulary,
                     _cue_union(lex.negative, rule.negative_cues) if mention else _NO_WORDS,
                     _cue_union(lex.positive, rule.positive_cues) if mention else _NO_WORDS,
                     rule.id, ph.phrase, _quoted(ph.kind, ph.phrase), ph.kind))
    args: tuple[Any, ...] = (lex.break_words, lex.quantified_negators, lex.negators, lex.not_quantifiers,
                             NEGATION_WINDOW, QUANTIFIED_NEGATION_WINDOW, CUE_WINDOW, _CONTEXT_CHARS, tuple(info))
    if len(lex.context_rules) <= 64:  # a complaint's context rules in C too (a bit per rule in the start masks)
        rules = tuple((rule.topics, rule.except_topics, _SCOPE_CODES.get(rule.scope, 1), rule.before, rule.after,
                       rule.reset, rule.markers_by_start, rule.reason) for rule in lex.context_rules)
        masks: dict[str, int] = {}
        for r, rule in enumerate(lex.context_rules):
            for w in rule.first_words:
                masks[w] = masks.get(w, 0) | 1 << r
        args += (_marker_reach(), rules, masks, lex.modals)  # the reach _window_doc reads past the sentence
    ix.__dict__["_judge_args"] = (m, lex, args)
    return args


def _literal_spec(ph: _Phrase) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...],
                                        tuple[str, ...], tuple[int, ...]] | None:
    """``(required, before, tokens, after, gaps)`` of ``ph``'s pattern for ``_langcore.topic_literal``: the
    required and before words with ``_`` as a space, each token's alternatives in the pattern's order, the after
    words, and between each two tokens 0 (a separator) or the most words of a ``...`` gap; None when the pattern
    rebuilt from these parts (as :func:`_compile_phrase` builds it) is not ``ph.pattern``."""
    raw = ph.phrase.lower().split()
    required: list[str] = []
    before: list[str] = []
    after: list[str] = []
    while raw and raw[0].startswith("^"):
        required.extend(raw.pop(0)[1:].split("/"))
    while raw and raw[0].startswith("!"):
        before.extend(raw.pop(0)[1:].split("/"))
    while raw and raw[-1].startswith("!"):
        after[:0] = raw.pop()[1:].split("/")
    tokens: list[tuple[str, ...]] = []
    gaps: list[int] = []
    pending_gap = 0
    for tok in raw:
        gap = re.fullmatch(r"\.\.\.(\d?)", tok)
        if gap:
            pending_gap = int(gap.group(1)) if gap.group(1) else GAP_MAX_WORDS
            continue
        alts = tuple(sorted((a for a in tok.split("/") if a), key=len, reverse=True))
        if tok.startswith("!") or not alts:
            return None
        if tokens:
            gaps.append(pending_gap)
        tokens.append(alts)
        pending_gap = 0
    if not tokens or not all(required) or not all(before) or not all(after):
        return None
    required = [w.replace("_", " ") for w in required]
    before = [w.replace("_", " ") for w in before]
    pattern = "".join(rf"(?<!{re.escape(w)}\s)(?<!{re.escape(w)}-)" for w in before)
    if required:
        pattern = "(?:" + "|".join(rf"(?<={re.escape(w)}\s)" for w in required) + ")" + pattern
    for k, alts in enumerate(tokens):
        if k:
            pattern += rf"(?:{_SEP}{_WORD}){{0,{gaps[k - 1]}}}?{_SEP}" if gaps[k - 1] else _SEP
        pattern += rf"\b(?:{'|'.join(_compile_alternative(a) for a in alts)})\b"
    if after:
        pattern += rf"(?!{_SEP}(?:{'|'.join(_compile_alternative(w) for w in after)})\b)"
    if pattern != ph.pattern:
        return None
    return tuple(required), tuple(before), tuple(tokens), tuple(after), tuple(gaps)


def _literal_matchers(ix: _PhraseIndex, lang: Any) -> tuple[Callable[..., Any], ...]:
    """:attr:`_PhraseIndex.matchers` with each phrase's regex replaced by ``lang.topic_literal``'s plain matcher
    where :func:`_literal_spec` gives its parts (the same matches: ``m(low, pos)`` is None or has the regex
    match's ``end()``; no regex state, match object or group bookkeeping per attempt); cached on ``ix``. The
    native ``topic_tried`` calls these."""
    cached = ix.__dict__.get("_literal_matchers")
    if cached is not None and cached[0] is lang:
        return cached[1]
    out = []
    for (_t, _prio, ph), regex_match in zip(ix.phrases, ix.matchers):
        spec = _literal_spec(ph)
        out.append(regex_match if spec is None else lang.topic_literal(*spec))
    got = tuple(out)
    ix.__dict__["_literal_matchers"] = (lang, got)
    return got


#: Context-rule scopes as the native ``topic_tried`` numbers them (any other scope reads the sentence, as
#: :meth:`_Doc.context_veto` does).
_SCOPE_CODES: Final[dict[str, int]] = {"clause": 0, "sentence": 1, "conditional": 2}


def _finish_judged(
    low: str, matches: list[tuple], m: _Matcher, lex: _Lexicon, core: Any
) -> list[tuple[str, int, int, _Phrase, str, bool, str, str, str]]:
    """:func:`_judge_matches` of ``low``'s matches as the native ``topic_tried`` judged them: a judged tuple
    stands; a complaint ``(topic, start, end, phrase, verdict)`` is judged again on its sentence for the context
    rules (as :func:`_judge_matches` does); ``verdict`` None (no clause-first verdict) goes to
    :func:`_judge_matches` itself."""
    out = []
    for item in matches:
        if len(item) == 9:
            out.append(item)
            continue
        t, s, e, ph, verdict = item
        if verdict is not None:
            lo = max(0, s - _CONTEXT_CHARS)
            got = _window_doc(low[lo : e + _CONTEXT_CHARS], s - lo, e - lo, lex, core)
            if got is not None:
                rule = m.topics[t].rule
                rules = _rules_that_can_start(got[0].words, lex)
                out.append((rule.id, s, e, ph, *_with_veto(verdict, got[0], got[1], got[2], rule, lex, rules)))
                continue
        out += _judge_matches(low, [(t, s, e, ph)], m, lex, core=core)
    return out


#: Texts with a match the native ``topic_tried`` returns per call (a bound on the tuples alive at once).
_TRIED_PIECE: Final[int] = 64


def _tried_matches(
    lows: list[str], rows: list[int], offsets: list[int], phrase_ids: list[int], ix: _PhraseIndex
) -> Iterator[tuple[int, list[tuple[int, int, int, _Phrase]]]]:
    """``(row, matches)`` of each text of ``lows`` with a match at one of the attempts (grouped by row, as
    :func:`_candidate_attempts` gives them): each attempt's phrase regex at its offset, kept when it ends after
    it, then :func:`_leftmost_per_topic`. The reference of the native ``topic_tried``."""
    phrases = ix.phrases
    matchers = ix.matchers
    i, total = 0, len(rows)
    while i < total:
        row = rows[i]
        low = lows[row]
        tried: list[tuple[int, int, int, int, _Phrase]] = []  # (topic, start, priority, end, phrase)
        while i < total and rows[i] == row:
            p = phrase_ids[i]
            pos = offsets[i]
            mm = matchers[p](low, pos)
            if mm is not None and mm.end() > pos:
                t, prio, ph = phrases[p]
                tried.append((t, pos, prio, mm.end(), ph))
            i += 1
        if tried:
            yield row, _leftmost_per_topic(tried)


@dataclass(frozen=True)
class _Found:
    """The raw matches of :func:`_find`, in the order of :func:`find_topics`' rows (review, field, start,
    topic): one list (or array) per column, and which reviews have a title or text to check."""

    rows: np.ndarray  # int64 row position of each match in the frame
    field: list[str]
    topic: list[str]
    start: np.ndarray  # int64
    end: np.ndarray  # int64
    evidence: list[str]
    phrase: list[str]
    kind: list[str]
    polarity: list[str]
    negated: np.ndarray  # bool
    negator: list[str]
    cue: list[str]
    reason: list[str]
    has_text: np.ndarray  # bool per review: a title or text with something other than whitespace


#: Columns of a raw match tuple of :func:`_find`, in order (``_field`` is the field's index in TEXT_FIELDS).
_RAW_COLUMNS: Final[tuple[str, ...]] = ("_row", "_field", "topic", "start", "end", "evidence", "phrase", "kind",
                                        "polarity", "negated", "negator", "cue", "reason")


def _find(frame: pd.DataFrame, topics: Sequence[str] | None, prefilter: bool = True) -> _Found:
    _check_frame(frame)
    if topics is not None:
        known = [c.rule.id for c in _compiled()]
        unknown = sorted(set(topics) - set(known))
        if unknown:
            raise TopicsError(f"unknown topic ids {unknown}; known: {known}")
    selected = None if topics is None else tuple(sorted(set(topics)))
    m = _matcher(selected)
    lex = _lexicon()
    rows: list[tuple] = []
    parts: list[list[np.ndarray]] = []  # the fast path's columns per field (see _field_columns)
    has_text = np.zeros(len(frame), dtype=bool)
    for fi, fld in enumerate(TEXT_FIELDS):
        if fld not in frame.columns:
            continue
        encoded = _field_codes(frame, fld) if prefilter else None
        if encoded is not None:  # each distinct value once, found by Arrow, no str per row
            code_of, distinct, distinct_has_text, lows = encoded
            has_text |= (_has_text(distinct) if distinct_has_text is None else distinct_has_text)[code_of]
            parts.append((fi, *_field_parts(distinct, fi, m, lex, _phrase_index(selected), code_of=code_of, lows=lows)))
            continue
        texts = _field_values(frame, fld)
        has_text |= _has_text(texts)
        if prefilter:  # each distinct value once (titles repeat: "Five Stars"), then its matches on every row
            parts.append((fi, *_field_parts(texts, fi, m, lex, _phrase_index(selected))))
            continue
        # the reference: every text the RE2 stem prefilter passes, every phrase at every word start
        judged = ((int(pos), _judged_matches(texts[int(pos)], m, lex)) for pos in _candidates(texts, m.prefilter))
        for pos, found in judged:
            original = texts[pos]
            for rule_id, s, e, ph, polarity, negated, negator, cue, reason in found:
                rows.append((pos, fi, rule_id, s, e, original[s:e], ph.phrase, ph.kind,
                             polarity, negated, negator, cue, reason))
    if prefilter:
        return _sorted_parts(parts, has_text)
    return _sorted_found_reference(rows, has_text)


def _has_text(texts: list[str]) -> np.ndarray:
    """``bool(t.strip())`` of each value: some character is not whitespace (``str.isspace`` is strip's
    whitespace, all of it; ``"".isspace()`` is False: the empty value is told apart by its length; both passes
    C-level)."""
    return (np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > 0) & ~np.fromiter(
        map(str.isspace, texts), dtype=bool, count=len(texts))


def _lang_core() -> Any:
    """``reviewtools._langcore`` when built with the topics helpers (``topic_field_codes``, ``topic_tags``,
    ``topic_utf8``) and not switched off by ``REVIEWTOOLS_PURE_PYTHON``, else None (the Python and pyarrow code
    does the same)."""
    from .rules import _lang_core as lang_core

    core = lang_core()
    return core if core is not None and all(
        hasattr(core, f) for f in ("topic_field_codes", "topic_tags", "topic_utf8")) else None


def _field_codes(
    frame: pd.DataFrame, column: str
) -> tuple[np.ndarray, list[str], np.ndarray | None, list[str | None] | None] | None:
    """``(code of each row's value, the distinct values in order of first occurrence, their has-text flags or
    None, their lower case or None)`` of a pyarrow-backed string column, missing values as ``""`` (what :func:`_field_values` gives, and
    the codes the first-seen numbering of those values gives); None for any other column. With
    ``_langcore.topic_field_codes`` (:func:`_lang_core`): one C pass over the column's Arrow buffers (a hash
    table of the values' bytes; a str made per distinct value only) that also gives :func:`_has_text` of each
    distinct value and its lower case (``str.lower``; None for the rare ones with a capital sigma or a
    character whose lower case is longer: :func:`_field_matches` lowers those); else Arrow's ``dictionary_encode`` (its hash table over the column's bytes: no ``str`` per
    row, no Python hashing of each text) and None for the flags.

    >>> import pandas as pd
    >>> codes, distinct, _, _ = _field_codes(pd.DataFrame({"t": pd.array(["b", None, "b", "a"], dtype="string[pyarrow]")}), "t")
    >>> codes.tolist(), distinct
    ([0, 1, 0, 2], ['b', '', 'a'])
    """
    arr = frame[column].array
    if not isinstance(arr, pd.arrays.ArrowStringArray):
        return None
    import pyarrow.compute as pc

    data = arr._pa_array
    lang = _lang_core()
    if lang is not None and str(data.type) in ("string", "large_string"):  # one C pass over Arrow's buffers
        codes = np.empty(len(data), dtype=np.int64)
        chunks = [(*c.buffers()[:3], c.offset, len(c)) for c in data.chunks]
        distinct, has, lows = lang.topic_field_codes(chunks, str(data.type) == "large_string", codes, True)
        return codes, distinct, np.frombuffer(has, dtype=bool), lows
    if data.null_count:
        data = pc.fill_null(data, "")
    enc = pc.dictionary_encode(data.combine_chunks())
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary.to_pylist(), None, None


def _field_columns(
    texts: list[str], fi: int, m: _Matcher, lex: _Lexicon, ix: _PhraseIndex, code_of: np.ndarray | None = None,
    lows: list[str | None] | None = None,
) -> list[np.ndarray]:
    """The raw matches of one field (index ``fi``) as numpy columns in :data:`_RAW_COLUMNS` order, rows in
    position order and each row's matches in :func:`_field_matches`' order (the order of the raw match tuples
    of the reference path). Each distinct value is matched and judged once; its matches are kept as columns of
    plain values (no tuple per match outlives its text: fewer objects for Python's cyclic GC to track), then
    repeated onto every row holding that value by index arithmetic. ``code_of`` given: ``texts`` are the
    distinct values already (:func:`_field_codes`) and ``code_of`` each row's among them; ``lows``: their lower
    case where :func:`_field_codes` made it (see :func:`_field_matches`)."""
    rows, take, columns = _field_parts(texts, fi, m, lex, ix, code_of=code_of, lows=lows)
    topic, start, end, evidence, phrase, kind, polarity, negated, negator, cue, reason = columns
    total = len(take)

    def objects(values: list[Any]) -> np.ndarray:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr[take]

    return [rows, np.full(total, fi, dtype=np.int64), objects(topic),
            np.array(start, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
            np.array(end, dtype=np.int64)[take] if total else np.zeros(0, dtype=np.int64),
            objects(evidence), objects(phrase), objects(kind), objects(polarity),
            np.array(negated, dtype=bool)[take] if total else np.zeros(0, dtype=bool),
            objects(negator), objects(cue), objects(reason)]


def _field_parts(
    texts: list[str], fi: int, m: _Matcher, lex: _Lexicon, ix: _PhraseIndex, code_of: np.ndarray | None = None,
    lows: list[str | None] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[list[Any]]]:
    """:func:`_field_columns` before its columns are made: ``(rows, take, lists)``, the 11 plain lists of the
    matches of each distinct value (topic .. reason, each distinct value's matches once) and ``take`` the
    index into them of each match of ``rows`` (so column ``k`` of :func:`_field_columns` is
    ``lists[k - 2][take]``). :func:`_sorted_parts` gathers the lists straight into the sorted order."""
    if code_of is None:
        codes: dict[str, int] = {}
        code_of = np.fromiter((codes.setdefault(t, len(codes)) for t in texts), dtype=np.int64, count=len(texts))
        distinct = list(codes)
    else:
        distinct = texts
    # per distinct value: where its matches start in the columns below, and how many
    first_of = np.zeros(len(distinct), dtype=np.int64)
    count_of = np.zeros(len(distinct), dtype=np.int64)
    topic: list[str] = []
    start: list[int] = []
    end: list[int] = []
    evidence: list[str] = []
    phrase: list[str] = []
    kind: list[str] = []
    polarity: list[str] = []
    negated: list[bool] = []
    negator: list[str] = []
    cue: list[str] = []
    reason: list[str] = []
    columns = [topic, start, end, evidence, phrase, kind, polarity, negated, negator, cue, reason]
    for c, found in _field_matches(distinct, m, lex, ix, (columns, first_of, count_of), lows_given=lows):
        original = distinct[c]
        first_of[c] = len(topic)
        count_of[c] = len(found)
        for rule_id, s, e, ph, pol, neg, negr, cu, rsn in found:
            topic.append(rule_id)
            start.append(s)
            end.append(e)
            evidence.append(original[s:e])
            phrase.append(ph.phrase)
            kind.append(ph.kind)
            polarity.append(pol)
            negated.append(neg)
            negator.append(negr)
            cue.append(cu)
            reason.append(rsn)
    per_row = count_of[code_of]
    total = int(per_row.sum())
    rows = np.repeat(np.arange(len(code_of), dtype=np.int64), per_row)
    take = (np.repeat(first_of[code_of] - (np.cumsum(per_row) - per_row), per_row)
            + np.arange(total, dtype=np.int64)) if total else np.zeros(0, dtype=np.int64)
    return rows, take, columns


def _sorted_parts(parts: list[tuple[int, np.ndarray, np.ndarray, list[list[Any]]]], has_text: np.ndarray) -> _Found:
    """:func:`_sorted_columns` of the fields' :func:`_field_columns`, from their :func:`_field_parts`
    ``(fi, rows, take, lists)``: the fields' lists joined, the sort keys gathered from them, and each object
    column made once, by one gather from the joined list straight into the sorted order (no per-field object
    column, no concatenation, no second take)."""
    if not parts:
        return _found_of([[] for _ in _RAW_COLUMNS], None, has_text)
    lists: list[list[Any]] = [[] for _ in range(11)]
    rows_p, fields_p, take_p = [], [], []
    for fi, rows, take, columns in parts:
        offset = len(lists[0])
        for joined, values in zip(lists, columns):
            joined.extend(values)
        rows_p.append(rows)
        fields_p.append(np.full(len(rows), fi, dtype=np.int64))
        take_p.append(take + offset)
    rows = np.concatenate(rows_p)
    if not len(rows):
        return _found_of([[] for _ in _RAW_COLUMNS], None, has_text)
    fields = np.concatenate(fields_p)
    gather = np.concatenate(take_p)
    topic = lists[0]
    rank = {t: i for i, t in enumerate(sorted(set(topic)))}
    topic_rank = np.fromiter(map(rank.__getitem__, topic), dtype=np.int64, count=len(topic))[gather]
    starts = np.array(lists[1], dtype=np.int64)[gather]
    order = _lexsort_order(rows, fields, starts, topic_rank, len(rank))
    final = np.ascontiguousarray(gather[order], dtype=np.int64)
    lang = _lang_core()
    gather_of = getattr(lang, "topic_gather", None) if lang is not None else None

    def objects(i: int) -> list[Any]:
        if gather_of is not None:  # one C pass from the joined list into the sorted order
            return gather_of(lists[i], final)
        arr = np.empty(len(lists[i]), dtype=object)
        arr[:] = lists[i]
        return arr[final].tolist()

    field_order = np.ascontiguousarray(fields[order], dtype=np.int64)
    return _Found(
        rows=rows[order],
        field=gather_of(list(TEXT_FIELDS), field_order) if gather_of is not None else
        [TEXT_FIELDS[f] for f in field_order.tolist()],
        topic=objects(0),
        start=starts[order],
        end=np.array(lists[2], dtype=np.int64)[final],
        evidence=objects(3),
        phrase=objects(4),
        kind=objects(5),
        polarity=objects(6),
        negated=np.array(lists[7], dtype=bool)[final],
        negator=objects(8),
        cue=objects(9),
        reason=objects(10),
        has_text=has_text,
    )


def _sorted_columns(cols: list[np.ndarray], has_text: np.ndarray) -> _Found:
    """The raw matches (numpy columns in :data:`_RAW_COLUMNS` order) sorted by (review, field, start, topic)
    with one ``np.lexsort`` (stable, as pandas' multi-column ``sort_values``; no two matches share all four keys:
    a topic's matches do not overlap), as :class:`_Found`."""
    if not len(cols[0]):
        return _found_of([[] for _ in _RAW_COLUMNS], None, has_text)
    topic = cols[2].tolist()
    rank = {t: i for i, t in enumerate(sorted(set(topic)))}
    topic_rank = np.fromiter(map(rank.__getitem__, topic), dtype=np.int64, count=len(topic))
    order = _lexsort_order(cols[0], cols[1], cols[3], topic_rank, len(rank))
    fields = cols[1][order]
    return _Found(
        rows=cols[0][order],
        field=[TEXT_FIELDS[f] for f in fields.tolist()],
        topic=cols[2][order].tolist(),
        start=cols[3][order],
        end=cols[4][order],
        evidence=cols[5][order].tolist(),
        phrase=cols[6][order].tolist(),
        kind=cols[7][order].tolist(),
        polarity=cols[8][order].tolist(),
        negated=cols[9][order],
        negator=cols[10][order].tolist(),
        cue=cols[11][order].tolist(),
        reason=cols[12][order].tolist(),
        has_text=has_text,
    )


def _lexsort_order(rows: np.ndarray, fields: np.ndarray, starts: np.ndarray, ranks: np.ndarray, n_ranks: int) -> np.ndarray:
    """``np.lexsort((ranks, starts, fields, rows))`` (all int64, none negative; ``ranks`` < ``n_ranks``): when the
    four fit one int64 key (mixed radix, row most significant), a stable ``argsort`` of that key, the same order
    (a stable sort by the key orders as the stable sort by the four in turn does, ties by position) at a fraction
    of the cost (the key is nearly sorted already: each field's rows come in order); else ``np.lexsort`` itself.

    >>> r, f, s, k = (np.array(v, dtype=np.int64) for v in ([1, 0, 1, 0], [0, 1, 0, 0], [5, 2, 5, 9], [1, 0, 0, 2]))
    >>> _lexsort_order(r, f, s, k, 3).tolist() == np.lexsort((k, s, f, r)).tolist()
    True
    """
    if not len(rows):
        return np.zeros(0, dtype=np.intp)
    n_fields, n_starts = int(fields.max()) + 1, int(starts.max()) + 1
    lows = (int(rows.min()), int(fields.min()), int(starts.min()), int(ranks.min()))
    if min(lows) >= 0 and int(ranks.max()) < n_ranks and (int(rows.max()) + 1) * n_fields * n_starts * max(n_ranks, 1) < 2**63:
        key = ((rows * n_fields + fields) * n_starts + starts) * max(n_ranks, 1) + ranks
        return np.argsort(key, kind="stable")
    return np.lexsort((ranks, starts, fields, rows))


def _sorted_found_reference(rows: list[tuple], has_text: np.ndarray) -> _Found:
    """:func:`_sorted_columns` by pandas on raw match tuples (the code before it, kept for the reference path
    ``prefilter=False``)."""
    found_frame = pd.DataFrame(rows, columns=list(_RAW_COLUMNS))
    found_frame = found_frame.sort_values(["_row", "_field", "start", "topic"], kind="stable").reset_index(drop=True)
    return _found_of([found_frame[c].tolist() for c in _RAW_COLUMNS], None, has_text)


def _found_of(cols: Sequence[Sequence[Any]], order: np.ndarray | None, has_text: np.ndarray) -> _Found:
    """:class:`_Found` of the raw columns (in :data:`_RAW_COLUMNS` order), taken in ``order`` when given."""
    def objects(i: int) -> list[Any]:
        values = cols[i]
        if order is None:
            return list(values)
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr[order].tolist()

    def ints(i: int, dtype: type) -> np.ndarray:
        arr = np.array(cols[i], dtype=dtype) if len(cols[i]) else np.zeros(0, dtype=dtype)
        return arr if order is None else arr[order]

    fields = ints(1, np.int64)
    return _Found(
        rows=ints(0, np.int64),
        field=[TEXT_FIELDS[f] for f in fields.tolist()],
        topic=objects(2),
        start=ints(3, np.int64),
        end=ints(4, np.int64),
        evidence=objects(5),
        phrase=objects(6),
        kind=objects(7),
        polarity=objects(8),
        negated=ints(9, bool),
        negator=objects(10),
        cue=objects(11),
        reason=objects(12),
        has_text=has_text,
    )


def find_topics(frame: pd.DataFrame, topics: Sequence[str] | None = None, prefilter: bool = True) -> pd.DataFrame:
    """Return one row per topic phrase match in ``title`` and ``text`` (complaints, praise and mentions).

    Columns: :data:`MATCH_COLUMNS`. ``start``/``end`` index into ``frame[field]`` of that review, so the
    review's ``field`` value sliced ``[start:end]`` equals ``evidence``. Filter on ``complaint`` to keep only
    problems. ``platform`` is carried when the frame has it (review ids are unique per platform).
    ``topics`` limits the search to those ids. The input is not modified. ``prefilter=False`` runs the slow
    reference path (every phrase tried at every word start it could begin at; the same result, for tests).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a"], "text": ["Runs small, and the seller never responded."]})
    >>> find_topics(f)[["topic", "evidence", "complaint"]].values.tolist()
    [['size_fit', 'Runs small', True], ['customer_service', 'seller', False], ['customer_service', 'never responded', True]]
    """
    return _matches_frame(frame, _find(frame, topics, prefilter))


def _matches_frame(frame: pd.DataFrame, found: _Found) -> pd.DataFrame:
    """:func:`find_topics`' long frame from the raw matches of :func:`_find`."""
    rows = found.rows
    if "platform" in frame.columns:
        platform = _taken_strings(frame["platform"], rows)
    else:
        platform = pd.array([pd.NA] * len(rows), dtype="string")
    columns = {
        "review_id": _taken_strings(frame["review_id"], rows),
        "platform": platform,
        "topic": found.topic,
        "field": found.field,
        "start": found.start,
        "end": found.end,
        "evidence": found.evidence,
        "phrase": found.phrase,
        "kind": found.kind,
        "polarity": found.polarity,
        "complaint": None,  # from polarity below
        "negated": found.negated,
        "negator": found.negator,
        "cue": found.cue,
        "reason": found.reason,
    }
    for col, v in columns.items():
        if isinstance(v, list):
            columns[col] = _string_array(v)
    polarity = columns["polarity"]
    columns["complaint"] = (polarity == "complaint").to_numpy(dtype=bool) if len(polarity) else np.zeros(0, bool)
    return pd.DataFrame(columns)  # in MATCH_COLUMNS order


def _taken_strings(column: pd.Series, rows: np.ndarray) -> Any:
    """``pd.array(column.astype("string").to_numpy()[rows], dtype="string")``; for a column that is such an array
    already (pyarrow ``large_string`` storage), Arrow's ``take`` of its values (no ``str`` per row)."""
    arr = column.array
    if type(arr) is pd.arrays.ArrowStringArray and arr.dtype == pd.StringDtype("pyarrow", na_value=pd.NA) \
            and _arrow_string_storage() and str(arr._pa_array.type) == "large_string":
        import pyarrow as pa

        return pd.arrays.ArrowStringArray(arr._pa_array.take(pa.array(rows, type=pa.int64())))
    return pd.array(column.astype("string").to_numpy()[rows], dtype="string")


@functools.lru_cache(maxsize=1)
def _arrow_string_storage() -> bool:
    """Whether ``pd.array(values, dtype="string")`` makes a pyarrow-backed array of ``large_string``."""
    got = pd.array(["x"], dtype="string")
    return isinstance(got, pd.arrays.ArrowStringArray) and str(got._pa_array.type) == "large_string"


def _string_array(values: list[str]) -> Any:
    """``pd.array(values, dtype="string")`` of a list of ``str`` (no missing values): with pyarrow storage, the
    same array straight from ``pa.array`` (pandas would first check and convert every value again)."""
    if not _arrow_string_storage():
        return pd.array(values, dtype="string")
    import pyarrow as pa

    lang = _lang_core()
    got = lang.topic_utf8(values) if lang is not None and type(values) is list else None
    if got is not None:  # the same buffers pa.array builds, by one C copy of each str's UTF-8 bytes
        offsets, data = got
        arr = pa.Array.from_buffers(pa.large_string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)])
        return pd.arrays.ArrowStringArray(pa.chunked_array([arr]))
    return pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(values, type=pa.large_string())]))


#: Columns :func:`tag_topics` adds.
TAG_COLUMNS: Final[tuple[str, ...]] = ("topics", "topics_praised", "topic_evidence", "topics_checked")


def tag_topics(frame: pd.DataFrame, topics: Sequence[str] | None = None, prefilter: bool = True) -> pd.DataFrame:
    """Return a copy of ``frame`` with complaint-topic columns added (the input is not modified).

    * ``topics``: sorted ids of the topics the review *complains* about, joined by ``|``; ``""`` when none.
    * ``topics_praised``: sorted ids of topics praised and not complained about, joined by ``|``.
    * ``topic_evidence``: for each complaint topic, ``topic: "first evidence"``, joined by ``" | "``.
    * ``topics_checked``: False when the review had no title and no text, so nothing could be checked
      (its empty ``topics`` then means *unknown*, not *clean*).

    ``prefilter=False`` runs the reference path (see :func:`find_topics`).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a", "b"], "text": ["Never arrived.", ""]})
    >>> tag_topics(f)[["topics", "topics_checked"]].values.tolist()
    [['shipping_delivery', True], ['', False]]
    """
    return _tagged_frame(frame, _find(frame, topics, prefilter))


def find_and_tag_topics(
    frame: pd.DataFrame, topics: Sequence[str] | None = None, prefilter: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(tag_topics(frame), find_topics(frame))`` with the phrase search run once (half the work of both).

    ``prefilter=False`` runs the reference path (see :func:`find_topics`).

    >>> import pandas as pd
    >>> tagged, matches = find_and_tag_topics(pd.DataFrame({"review_id": ["a"], "text": ["Never arrived."]}))
    >>> tagged.loc[0, "topics"], matches["evidence"].tolist()
    ('shipping_delivery', ['Never arrived'])
    """
    found = _find(frame, topics, prefilter)
    return _tagged_frame(frame, found), _matches_frame(frame, found)


def _tagged_frame(frame: pd.DataFrame, found: _Found) -> pd.DataFrame:
    """:func:`tag_topics`' copy of ``frame`` from the raw matches of :func:`_find`."""
    n = len(frame)
    lang = _lang_core()
    got = lang.topic_tags(found.rows.astype(np.int64, copy=False), found.topic, found.evidence, found.polarity, n) \
        if lang is not None and isinstance(found.topic, list) and isinstance(found.evidence, list) \
        and isinstance(found.polarity, list) else None
    if got is not None:  # the loop below in C
        return _tagged_columns(frame, *got, found.has_text)
    complained: dict[int, dict[str, str]] = {}  # row -> topic -> first evidence
    praised_by_row: dict[int, set[str]] = {}
    for row, topic, evidence, polarity in zip(found.rows.tolist(), found.topic, found.evidence, found.polarity):
        if polarity == "complaint":
            complained.setdefault(row, {}).setdefault(topic, evidence)
        elif polarity == "praise":
            praised_by_row.setdefault(row, set()).add(topic)
    tags = [""] * n
    praised = [""] * n
    evidence_col = [""] * n
    for row, by_topic in complained.items():
        ids = sorted(by_topic)
        tags[row] = "|".join(ids)
        evidence_col[row] = " | ".join(f'{t}: "{by_topic[t]}"' for t in ids)
    for row, ids in praised_by_row.items():
        praised[row] = "|".join(sorted(ids - set(complained.get(row, {}))))
    return _tagged_columns(frame, tags, praised, evidence_col, found.has_text)


def _tagged_columns(
    frame: pd.DataFrame, tags: list[str], praised: list[str], evidence_col: list[str], has_text: np.ndarray
) -> pd.DataFrame:
    """A copy of ``frame`` with :data:`TAG_COLUMNS` of these values."""
    out = frame.copy()
    out["topics"] = _string_array(tags)
    out["topics_praised"] = _string_array(praised)
    out["topic_evidence"] = _string_array(evidence_col)
    out["topics_checked"] = pd.array(has_text, dtype="boolean")
    return out


def _reviews_per_id(cells: pd.Series) -> pd.Series:
    """How many reviews (rows) hold each id of a ``|``-joined column, each review counted once per id.

    Each distinct cell is split once and weighted by how many rows hold it (a million reviews carry a few
    hundred distinct topic sets); an id repeated inside one cell counts once for that review.
    """
    per_cell = cells.astype("string").fillna("").value_counts(sort=False)
    totals: dict[str, int] = {}
    for cell, n in zip(per_cell.index.tolist(), per_cell.to_numpy().tolist()):
        for topic_id in dict.fromkeys(cell.split("|")):
            if topic_id != "":
                totals[topic_id] = totals.get(topic_id, 0) + int(n)
    out = pd.Series(totals, dtype="int64", name="count")
    out.index.name = "id"
    return out.sort_values(ascending=False, kind="stable")


def topic_counts(tagged: pd.DataFrame) -> pd.DataFrame:
    """Count reviews per topic in a frame returned by :func:`tag_topics`.

    Returns one row per registry topic: ``topic, label, complaints, praised, share`` where ``share`` is
    complaints over reviews that could be checked, sorted by complaints (most first).

    >>> import pandas as pd
    >>> t = tag_topics(pd.DataFrame({"review_id": ["a"], "text": ["Too small."]}))
    >>> first = topic_counts(t).iloc[0]
    >>> first["topic"], int(first["complaints"])
    ('size_fit', 1)
    """
    missing = [c for c in ("topics", "topics_praised", "topics_checked") if c not in tagged.columns]
    if missing:
        raise SchemaError(f"topic_counts needs the columns added by tag_topics; missing {missing}")
    checked = int(tagged["topics_checked"].fillna(False).sum())
    complaints, praised = _reviews_per_id(tagged["topics"]), _reviews_per_id(tagged["topics_praised"])
    rows = []
    for rule in load_topic_rules():
        c, p = int(complaints.get(rule.id, 0)), int(praised.get(rule.id, 0))
        rows.append((rule.id, rule.label, c, p, c / checked if checked else float("nan")))
    out = pd.DataFrame(rows, columns=["topic", "label", "complaints", "praised", "share"])
    return out.sort_values(["complaints", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)


def topic_share_by_period(frame: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Share of reviews complaining about each topic, per period of ``created_at``.

    ``frame`` is a canonical frame, tagged or not (it is tagged when it has no ``topics`` column). Returns a
    long frame ``period, topic, reviews, complaints, share`` with every registry topic for every period
    (zeros included) where ``reviews`` counts the reviews in the period that could be checked. Reviews
    without a date cannot be placed in a period: they are left out and counted in a logged warning.
    ``freq`` is a pandas period alias ("M" month, "Q" quarter, "W" week, "Y" year).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"review_id": ["a", "b"], "text": ["Too small.", "Love it."],
    ...                   "created_at": pd.to_datetime(["2024-01-03", "2024-01-20"], utc=True)})
    >>> topic_share_by_period(f).query("topic == 'size_fit'")[["period", "complaints", "share"]].values.tolist()
    [['2024-01', 1, 0.5]]
    """
    if "created_at" not in frame.columns:
        raise SchemaError("topic_share_by_period needs a 'created_at' column")
    tagged = frame if "topics" in frame.columns and "topics_checked" in frame.columns else tag_topics(frame)
    when = pd.to_datetime(tagged["created_at"], utc=True, errors="coerce")
    undated = int(when.isna().sum())
    if undated:
        log.warning("topic_share_by_period: %d of %d reviews have no created_at and are left out", undated, len(when))
    try:
        period = when.dt.tz_localize(None).dt.to_period(freq)
    except (ValueError, TypeError) as exc:
        raise TopicsError(f"freq {freq!r} is not a pandas period alias (try 'M', 'Q', 'W' or 'Y'): {exc}") from exc
    keep = when.notna() & tagged["topics_checked"].fillna(False).astype(bool)
    work = pd.DataFrame({"period": period[keep].astype(str), "topics": tagged.loc[keep, "topics"].fillna("")})
    reviews = work.groupby("period").size()
    exploded = work.assign(topic=work["topics"].str.split("|")).explode("topic")
    exploded = exploded[exploded["topic"] != ""]
    counts = exploded.groupby(["period", "topic"]).size()
    ids = list(topic_ids())
    index = pd.MultiIndex.from_product([reviews.index, ids], names=["period", "topic"])
    out = counts.reindex(index, fill_value=0).rename("complaints").reset_index()
    out.insert(2, "reviews", out["period"].map(reviews).astype("int64"))
    out["complaints"] = out["complaints"].astype("int64")
    out["share"] = out["complaints"] / out["reviews"]
    return out


# ------------------------------------------------------------------------------------------ discovery


def _texts_and_ids(data: pd.DataFrame | Iterable[str]) -> tuple[list[str], list[str]]:
    if isinstance(data, pd.DataFrame):
        _check_frame(data)
        text = _field_values(data, "text")
        title = _field_values(data, "title") if "title" in data.columns else [""] * len(text)
        docs = [f"{a}. {b}" if a and b else a or b for a, b in zip(title, text)]
        return docs, [str(i) for i in data["review_id"].astype("string").fillna("").tolist()]
    if isinstance(data, str):
        raise TypeError("ThemeDiscovery expects a frame or a list of texts, not a single string")
    docs = []
    for i, t in enumerate(data):
        if not isinstance(t, str):
            raise TopicsError(f"text {i}: expected a string, got {type(t).__name__}")
        docs.append(t)
    return docs, [str(i) for i in range(len(docs))]


class ThemeDiscovery:
    """Find the main themes in a set of reviews: TF-IDF (English stop words, uni- and bigrams) + NMF.

    Follows the scikit-learn estimator contract: ``__init__`` stores parameters only, :meth:`fit` returns
    ``self``, learned state ends with ``_`` and :meth:`transform` returns a new frame. ``get_params`` /
    ``set_params`` make it work with ``sklearn.base.clone``. scikit-learn is imported on first fit only, so
    importing reviewtools stays fast.

    After fitting, ``themes_`` has one row per theme: ``theme, label, top_terms, size, share,
    example_review_ids, example_texts``; ``size`` counts the fitted reviews whose strongest theme it is.
    Reviews with no usable term (empty, or only stop words) get theme ``-1`` (a row labelled "(no usable
    terms)" when there are any), so sizes sum to the number of reviews. ``assignments_`` holds the fitted
    reviews' ``review_id, theme, theme_weight``.

    >>> texts = ["battery died fast", "battery life short", "battery drains", "screen cracked",
    ...          "screen broke", "cracked screen glass"]
    >>> model = ThemeDiscovery(n_themes=2, min_df=1).fit(texts)
    >>> int(model.themes_["size"].sum())
    6
    """

    def __init__(
        self,
        n_themes: int = 8,
        max_features: int | None = 5000,
        min_df: int | float = 2,
        max_df: float = 0.9,
        n_top_terms: int = 10,
        n_examples: int = 3,
        max_iter: int = 400,
        random_state: int | None = 0,
    ) -> None:
        self.n_themes = n_themes
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.n_top_terms = n_top_terms
        self.n_examples = n_examples
        self.max_iter = max_iter
        self.random_state = random_state

    _PARAMS: Final[tuple[str, ...]] = (
        "n_themes", "max_features", "min_df", "max_df", "n_top_terms", "n_examples", "max_iter", "random_state",
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters (scikit-learn contract)."""
        return {p: getattr(self, p) for p in self._PARAMS}

    def set_params(self, **params: Any) -> ThemeDiscovery:
        """Set constructor parameters (scikit-learn contract); returns self."""
        for key, value in params.items():
            if key not in self._PARAMS:
                raise ValueError(f"invalid parameter {key!r} for ThemeDiscovery; valid: {self._PARAMS}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != ThemeDiscovery().get_params()[k]}
        return "ThemeDiscovery(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def _validate_params(self) -> None:
        if not isinstance(self.n_themes, int) or self.n_themes < 1:
            raise TopicsError(f"n_themes must be a positive integer, got {self.n_themes!r}")
        for name in ("n_top_terms", "n_examples", "max_iter"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise TopicsError(f"{name} must be a positive integer, got {value!r}")

    def fit(self, X: pd.DataFrame | Iterable[str], y: None = None) -> ThemeDiscovery:
        """Learn ``n_themes`` themes from a review frame (title + text) or a list of texts; returns self."""
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._validate_params()
        docs, ids = _texts_and_ids(X)
        usable = sum(1 for d in docs if d.strip())
        if usable < self.n_themes:
            raise TopicsError(
                f"ThemeDiscovery needs at least n_themes={self.n_themes} reviews with text, got {usable}"
            )
        vectorizer = TfidfVectorizer(
            stop_words="english",
            ngram_range=(1, 2),
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=True,
            strip_accents="unicode",
        )
        try:
            matrix = vectorizer.fit_transform(docs)
        except ValueError as exc:  # empty vocabulary, or min_df/max_df leave nothing
            raise TopicsError(
                f"ThemeDiscovery: no usable terms in {len(docs)} reviews with min_df={self.min_df!r}, "
                f"max_df={self.max_df!r} ({exc})"
            ) from exc
        if matrix.shape[1] < self.n_themes:
            raise TopicsError(
                f"ThemeDiscovery: only {matrix.shape[1]} distinct terms for n_themes={self.n_themes}; "
                "use fewer themes, a lower min_df or more reviews"
            )
        model = NMF(n_components=self.n_themes, init="nndsvda", random_state=self.random_state, max_iter=self.max_iter)
        weights = model.fit_transform(matrix)
        self.vectorizer_ = vectorizer
        self.model_ = model
        self.n_features_in_ = int(matrix.shape[1])
        terms = vectorizer.get_feature_names_out()
        theme, top_weight = self._assign(weights)
        self.assignments_ = pd.DataFrame(
            {"review_id": pd.array(ids, dtype="string"), "theme": theme, "theme_weight": top_weight}
        )
        rows = []
        for k in range(self.n_themes):
            order = np.argsort(-model.components_[k], kind="stable")[: self.n_top_terms]
            top = [str(terms[i]) for i in order if model.components_[k, i] > 0]
            members = np.flatnonzero(theme == k)
            best = members[np.argsort(-weights[members, k], kind="stable")][: self.n_examples]
            rows.append(
                (k, " / ".join(top[:3]) or "(empty)", ", ".join(top), int(len(members)),
                 tuple(ids[i] for i in best), tuple(docs[i][:300] for i in best))
            )
        orphans = np.flatnonzero(theme == -1)
        if len(orphans):
            rows.append((-1, "(no usable terms)", "", int(len(orphans)),
                         tuple(ids[i] for i in orphans[: self.n_examples]),
                         tuple(docs[i][:300] for i in orphans[: self.n_examples])))
        themes = pd.DataFrame(
            rows, columns=["theme", "label", "top_terms", "size", "example_review_ids", "example_texts"]
        )
        themes.insert(4, "share", themes["size"] / len(docs))
        self.themes_ = themes
        return self

    @staticmethod
    def _assign(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        top = weights.max(axis=1) if weights.size else np.zeros(weights.shape[0])
        theme = np.where(top > 0, weights.argmax(axis=1) if weights.size else 0, -1).astype("int64")
        return theme, top.astype("float64")

    def transform(self, X: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
        """Return a new frame of theme weights ``theme_0..theme_{k-1}`` plus ``theme`` and ``theme_weight``.

        For a review frame the result keeps its index and ``review_id``; the input is not modified.
        """
        if not hasattr(self, "model_"):
            raise TopicsError("ThemeDiscovery is not fitted yet; call fit() first")
        docs, ids = _texts_and_ids(X)
        weights = self.model_.transform(self.vectorizer_.transform(docs))
        theme, top = self._assign(weights)
        index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(docs))
        out = pd.DataFrame(weights, index=index, columns=[f"theme_{k}" for k in range(weights.shape[1])])
        out.insert(0, "review_id", pd.array(ids, dtype="string"))
        out["theme"] = theme
        out["theme_weight"] = top
        return out

    def fit_transform(self, X: pd.DataFrame | Iterable[str], y: None = None) -> pd.DataFrame:
        """Fit, then transform the same reviews."""
        data = X if isinstance(X, pd.DataFrame) else list(X)
        return self.fit(data).transform(data)


__all__ = [
    "TopicsError",
    "TOPICS_RESOURCE",
    "GAP_MAX_WORDS",
    "NEGATION_WINDOW",
    "QUANTIFIED_NEGATION_WINDOW",
    "CUE_WINDOW",
    "CONTEXT_SCOPES",
    "ContextRule",
    "context_rules",
    "POLARITIES",
    "TEXT_FIELDS",
    "MATCH_COLUMNS",
    "TAG_COLUMNS",
    "TopicRule",
    "load_topic_rules",
    "topic_ids",
    "find_topics",
    "tag_topics",
    "find_and_tag_topics",
    "reads_as_complaint",
    "topic_counts",
    "topic_share_by_period",
    "ThemeDiscovery",
]
