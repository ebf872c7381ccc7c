"""An exact, fast re-implementation of vaderSentiment 3.3.2's ``SentimentIntensityAnalyzer``.

:class:`FastVader` gives the *same* ``polarity_scores`` dict as the installed ``vaderSentiment`` package
(``neg``, ``neu``, ``pos``, ``compound``, equal as floats) on every string, several times faster. It keeps
every upstream rule and every upstream quirk, because reviewtools promises scores identical to the package:

- the lexicon and emoji lexicon are read from the installed package's own files, and every constant
  (``B_INCR``, ``C_INCR``, ``N_SCALAR``, ``NEGATE``, ``BOOSTER_DICT``, ``SPECIAL_CASES``) and the
  ``normalize``/punctuation-emphasis functions are imported from it, never copied;
- ``_but_check`` is value based (``list.index`` of the value, so equal valences are scaled at the first
  position that holds them);
- the "never so/this" rule three words back keeps its operator-precedence slip (``"so"`` or ``"this"``
  right before the word multiplies by 1.25 whatever precedes it);
- idioms (``SPECIAL_CASES`` and multi-word boosters) are only checked when the word three back is not a
  lexicon word (upstream runs them inside the ``start_i == 2`` branch);
- an ALL-CAPS word with valence 0 is pushed *down* by ``C_INCR`` (upstream's ``else`` branch);
- emoji are replaced by their description without a trailing space, only single-code-point emoji match;
- ``!`` and ``?`` emphasis is counted on the emoji-replaced text.

Where the speed comes from (see ``benchmarks/vader_bench.py``): tokens are lower-cased once per text
instead of the whole token list once per lexicon hit (upstream is O(words x hits)); the emoji loop is
skipped for ASCII text and for text without an emoji character; only lexicon hits are visited; the
``but`` rule runs over the non-zero valences only; the idiom lookups run only when a phrase's first and
last words are both near the word; the ALL-CAPS differential is computed lazily; sets and tuple-keyed dicts
replace lists and string formatting.

**Native core.** Where the optional C extension ``reviewtools._vadercore`` is built (``pip install -e .``
or ``make setup`` compile it; ``setup.py``), :class:`FastVader` hands each text to it first. The C code is a
line-by-line port of :meth:`FastVader._valences` and of the score arithmetic below, fed with the same tables
and constants from the installed package, with the same float operations in the same order. Its rounding is
Python's ``round(x, 3|4)`` computed exactly (the binary value times the power of ten in 128-bit integers,
half-even), checked against ``round`` in ``tests/test_vader_native.py``. It declines any text it cannot score
exactly (a character whose ``str.lower()`` holds ASCII, such as U+0130; a token that could equal a non-ASCII
lexicon key; anything not a ``str``) and those go to the Python path. Without the extension, or with ``REVIEWTOOLS_PURE_PYTHON=1``, everything runs in
Python and a log line says so. ``FastVader(native=False)`` forces the Python path; ``backend`` tells which
one an instance uses.

>>> from reviewtools.vader import FastVader
>>> FastVader().polarity_scores("The book was good.")
{'neg': 0.0, 'neu': 0.508, 'pos': 0.492, 'compound': 0.4404}
"""

from __future__ import annotations

import importlib
import importlib.resources
import logging
import math
import multiprocessing
import os
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import compress
from types import ModuleType
from typing import Any, Final

import numpy as np
from vaderSentiment import vaderSentiment as _upstream

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------- constants
# All imported from the installed package (vaderSentiment 3.3.2, vaderSentiment/vaderSentiment.py).

#: Booster/dampener increment (empirical, upstream ``B_INCR``).
B_INCR: Final[float] = _upstream.B_INCR
#: ALL-CAPS emphasis increment (empirical, upstream ``C_INCR``).
C_INCR: Final[float] = _upstream.C_INCR
#: Negation multiplier (empirical, upstream ``N_SCALAR``).
N_SCALAR: Final[float] = _upstream.N_SCALAR
#: Negation words (upstream ``NEGATE``), as a set.
NEGATE: Final[frozenset[str]] = frozenset(_upstream.NEGATE)
#: Booster and dampener words and their increments (upstream ``BOOSTER_DICT``).
BOOSTER_DICT: Final[dict[str, float]] = dict(_upstream.BOOSTER_DICT)
#: Idioms that override a word's valence (upstream ``SPECIAL_CASES``).
SPECIAL_CASES: Final[dict[str, float]] = dict(_upstream.SPECIAL_CASES)

#: Lexicon files inside the installed package (upstream ``SentimentIntensityAnalyzer.__init__`` defaults).
LEXICON_FILE: Final[str] = "vader_lexicon.txt"
EMOJI_LEXICON_FILE: Final[str] = "emoji_utf8_lexicon.txt"

#: Upstream multiplies a booster two words back by 0.95 and three words back by 0.9 (literals in
#: ``SentimentIntensityAnalyzer.sentiment_valence``), and "never so/this" by 1.25 (``_negation_check``);
#: the ``but`` rule halves before and multiplies by 1.5 after (``_but_check``).
_DAMP_2: Final[float] = 0.95
_DAMP_3: Final[float] = 0.9
_NEVER_SO: Final[float] = 1.25
_BUT_BEFORE: Final[float] = 0.5
_BUT_AFTER: Final[float] = 1.5

_PUNCT: Final[str] = string.punctuation  # upstream SentiText._strip_punc_if_word strips exactly these
_SO_THIS: Final[tuple[str, str]] = ("so", "this")
_OR_NOR: Final[tuple[str, str]] = ("or", "nor")
_AT_VERY: Final[tuple[str, str]] = ("at", "very")

_normalize = _upstream.normalize
_amplify_ep = _upstream.SentimentIntensityAnalyzer._amplify_ep
_amplify_qm = _upstream.SentimentIntensityAnalyzer._amplify_qm

#: Set this environment variable to ``1`` to run the pure-Python path even where the native core is built.
PURE_PYTHON_ENV: Final[str] = "REVIEWTOOLS_PURE_PYTHON"
#: The native core this module drives (``CORE_VERSION`` in ``_vadercore.c``); any other build is stale and
#: is not used.
NATIVE_CORE_VERSION: Final[int] = 2
#: The native core reads the ``!`` and ``?`` amplifiers from tables of upstream's own ``_amplify_ep`` /
#: ``_amplify_qm`` for 0..15 marks; both saturate (at 4 ``!`` and at 4 ``?`` in 3.3.2), checked at construction.
_PUNCT_TABLE_LEN: Final[int] = 16
#: Texts the native core is checked on against the Python path each time it is set up (about 1 ms).
_SELF_CHECK: Final[tuple[str, ...]] = (
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "At least it isn't a horrible book. Not bad at all",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "good good but good good",
    "it was so good, never so good; without a doubt the bomb, to die for, kind of good",
    "no good at all?? NO problem or bad!!!!!! sort of ok",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁 love😁it",
    "Caf\u00e9 tr\u00e8s BIEN, \u00c9NORME d\u00e9ception \u2014 don\u2019t buy\u2026 terrible",
    "\u0130STANBUL good \u212a",
    "",
    "   ",
)


@lru_cache(maxsize=None)
def _native_module(disabled: bool) -> ModuleType | None:
    """The native core module, or ``None`` (logged once per process and reason)."""
    if disabled:
        logger.info("VADER native core disabled by %s: pure-Python path (same scores, slower)", PURE_PYTHON_ENV)
        return None
    try:
        _vadercore = importlib.import_module(f"{__package__}._vadercore")
    except ImportError as exc:
        logger.info("VADER native core not built (%s): pure-Python path (same scores, slower)", exc)
        return None
    version = getattr(_vadercore, "CORE_VERSION", None)
    if version != NATIVE_CORE_VERSION:
        logger.warning(
            "VADER native core %s is stale (version %s, expected %s): pure-Python path; rebuild with "
            "`pip install -e .`",
            _vadercore.__file__,
            version,
            NATIVE_CORE_VERSION,
        )
        return None
    return _vadercore


def native_module() -> ModuleType | None:
    """The native core module (``reviewtools._vadercore``) when built, current and not disabled by
    ``REVIEWTOOLS_PURE_PYTHON``, else ``None``: for its block helpers outside :class:`FastVader`.

    >>> native_module() is None or native_module().CORE_VERSION == NATIVE_CORE_VERSION
    True
    """
    return _native_module(os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"))


def native_available() -> bool:
    """Whether the native core is built, current and not disabled by ``REVIEWTOOLS_PURE_PYTHON``.

    >>> isinstance(native_available(), bool)
    True
    """
    return _native_module(os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0")) is not None


def _read_package_file(name: str) -> str:
    """Read one of the installed vaderSentiment package's data files as UTF-8 text."""
    return (importlib.resources.files("vaderSentiment") / name).read_text(encoding="utf-8")


def _parse_lexicon(raw: str) -> dict[str, float]:
    """Parse ``vader_lexicon.txt`` exactly as upstream ``make_lex_dict`` does (later lines win)."""
    lex: dict[str, float] = {}
    for line in raw.rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lex[word] = float(measure)
    return lex


def _parse_emoji(raw: str) -> dict[str, str]:
    """Parse ``emoji_utf8_lexicon.txt`` exactly as upstream ``make_emoji_dict`` does."""
    emojis: dict[str, str] = {}
    for line in raw.rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


def _tuple_keys(mapping: dict[str, float]) -> dict[tuple[str, ...], float]:
    """Key a phrase dict by its space-separated words (tokens never hold whitespace, so this is exact)."""
    return {tuple(k.split(" ")): v for k, v in mapping.items() if " " in k}


class FastVader:
    """VADER sentiment, identical to ``vaderSentiment.SentimentIntensityAnalyzer`` and faster.

    Build one per process (the constructor reads the package lexicon, about 10 ms) and reuse it, or call
    :func:`get_analyzer`. Instances are read-only after construction and safe to share between threads.

    >>> v = FastVader()
    >>> v.polarity_scores("VADER is VERY SMART, handsome, and FUNNY!!!")["compound"]
    0.9342
    >>> v.compound_many(["good", "not good", ""])
    [0.4404, -0.3412, 0.0]

    ``native``: ``None`` (default) uses the native core when it is available (see the module docstring),
    ``False`` never, ``True`` requires it (:class:`ImportError` when it is not built).
    """

    __slots__ = (
        "_native",
        "lexicon",
        "emojis",
        "_scorable",
        "_emoji_single",
        "_special",
        "_booster_ngrams",
        "_idiom_first",
        "_idiom_last",
        "_ascii_fast",
    )

    def __init__(
        self,
        lexicon_file: str = LEXICON_FILE,
        emoji_lexicon: str = EMOJI_LEXICON_FILE,
        native: bool | None = None,
        *,
        _sum_via_python: bool = False,
    ) -> None:
        self.lexicon: dict[str, float] = _parse_lexicon(_read_package_file(lexicon_file))
        self.emojis: dict[str, str] = _parse_emoji(_read_package_file(emoji_lexicon))
        # A token scores only if it is a lexicon word and not a booster (upstream appends 0 for boosters).
        self._scorable: frozenset[str] = frozenset(self.lexicon).difference(BOOSTER_DICT)
        # Upstream iterates the text one code point at a time, so only single-code-point emoji can match.
        self._emoji_single: dict[str, str] = {k: v for k, v in self.emojis.items() if len(k) == 1}
        self._special: dict[tuple[str, ...], float] = _tuple_keys(SPECIAL_CASES)
        self._booster_ngrams: dict[tuple[str, ...], float] = _tuple_keys(BOOSTER_DICT)
        phrases = [*self._special, *self._booster_ngrams]
        self._idiom_first: frozenset[str] = frozenset(k[0] for k in phrases)
        self._idiom_last: frozenset[str] = frozenset(k[-1] for k in phrases)
        # ASCII text can skip the emoji pass only while no emoji key is ASCII (true for 3.3.2's file).
        self._ascii_fast: bool = not any(c.isascii() for c in self._emoji_single)
        self._native: Any = None
        if native is not False:
            module = _native_module(False if native else os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"))
            if module is None and native:
                raise ImportError("the native VADER core (reviewtools._vadercore) is not available")
            if module is not None:
                self._native = self._build_native(module, _sum_via_python)

    @property
    def backend(self) -> str:
        """``"native"`` when texts go to the C core first, else ``"python"``.

        >>> FastVader(native=False).backend
        'python'
        """
        return "python" if self._native is None else "native"

    def _build_native(self, module: ModuleType, sum_via_python: bool) -> Any:
        """The native core over this instance's tables, or ``None`` (logged) if it disagrees with Python."""
        ep = tuple(float(_amplify_ep("!" * k)) for k in range(_PUNCT_TABLE_LEN))
        qm = tuple(float(_amplify_qm("?" * k)) for k in range(_PUNCT_TABLE_LEN))
        far = 10 * _PUNCT_TABLE_LEN
        if ep[-1] != _amplify_ep("!" * far) or qm[-1] != _amplify_qm("?" * far):
            logger.warning("VADER native core not used: the punctuation amplifiers do not saturate")
            return None
        try:
            core = self._new_core(module, ep, qm, sum_via_python)
        except (TypeError, ValueError, RuntimeError, MemoryError) as exc:
            logger.warning("VADER native core not used: it could not take the tables (%s)", exc)
            return None
        for text in _SELF_CHECK:
            got = core.scores(text)
            if got is not None and got != self._py_polarity_scores(text):
                logger.warning("VADER native core not used: it differs from the Python path on %r", text)
                return None
        return core

    def _new_core(
        self, module: ModuleType, ep: tuple[float, ...], qm: tuple[float, ...], sum_via_python: bool
    ) -> Any:
        """``module.Core`` over this instance's lexicon, emoji and the package's rule tables and constants."""
        return module.Core(
            lexicon=self.lexicon,
            boosters=BOOSTER_DICT,
            negate=sorted(NEGATE),
            special={" ".join(k): v for k, v in self._special.items()},
            booster_ngrams={" ".join(k): v for k, v in self._booster_ngrams.items()},
            first_words=sorted(self._idiom_first),
            last_words=sorted(self._idiom_last),
            emojis=self.emojis,
            constants=(
                C_INCR,
                N_SCALAR,
                _DAMP_2,
                _DAMP_3,
                _NEVER_SO,
                _BUT_BEFORE,
                _BUT_AFTER,
                _normalize.__defaults__[0],  # alpha, upstream normalize(score, alpha=15)
            ),
            ep_table=ep,
            qm_table=qm,
            sum_via_python=sum_via_python,
        )

    # ------------------------------------------------------------------------------------------ helpers

    def _replace_emoji(self, text: str) -> str:
        """Replace each emoji by its description, spaced exactly as upstream's character loop does.

        A space goes before a description unless it is the first character or the previous output
        character was a space; nothing goes after it.
        """
        emo = self._emoji_single
        if emo.keys().isdisjoint(text):  # most non-ASCII text has no emoji: one hash per character
            return text
        out: list[str] = []
        prev_space = True
        for ch in text:
            desc = emo.get(ch)
            if desc is None:
                out.append(ch)
                prev_space = ch == " "
            else:
                if not prev_space:
                    out.append(" ")
                out.append(desc)
                prev_space = False
        return "".join(out)

    def _valences(self, text: str) -> tuple[str, int, list[float], list[int]]:
        """Tokenise ``text`` and score every token.

        Returns ``(text_after_emoji, token_count, nonzero_valences, their_token_positions)`` after the
        ``but`` rule; every token not listed has valence 0, as in upstream's ``sentiments`` list.
        """
        if self._ascii_fast and text.isascii():
            raw = text.split()
            # ASCII lower-casing keeps lengths and punctuation, so strip-then-lower == lower-then-strip.
            lower = [s if len(s := t.strip(_PUNCT)) > 2 else t for t in text.lower().split()]
        else:
            text = self._replace_emoji(text)
            raw = text.split()
            lower = [(s if len(s := t.strip(_PUNCT)) > 2 else t).lower() for t in raw]
        n = len(lower)
        if not n:
            return text, 0, [], []
        lex = self.lexicon
        boosters = BOOSTER_DICT
        last = n - 1
        first, final = self._idiom_first, self._idiom_last
        cap_diff: bool | None = None  # upstream allcap_differential, computed only when a word is ALL CAPS
        vals: list[float] = []
        where: list[int] = []
        # NB: ``raw[i].isupper()`` equals upstream's test on the stripped token: ASCII punctuation is uncased.
        for i in compress(range(n), map(self._scorable.__contains__, lower)):
            w = lower[i]
            if w == "kind" and i < last and lower[i + 1] == "of":
                continue
            base = lex[w]
            valence = base
            p1 = lower[i - 1] if i > 0 else None
            p2 = lower[i - 2] if i > 1 else None
            p3 = lower[i - 3] if i > 2 else None
            if w == "no" and i != last and lower[i + 1] in lex:
                valence = 0.0
            if p1 == "no" or p2 == "no" or (p3 == "no" and p1 in _OR_NOR):
                valence = base * N_SCALAR
            if raw[i].isupper():
                if cap_diff is None:
                    caps = sum(map(str.isupper, raw))
                    cap_diff = 0 < n - caps < n
                if cap_diff:
                    if valence > 0:
                        valence += C_INCR
                    else:
                        valence -= C_INCR
            # ---- one word back (start_i == 0)
            if p1 is not None and p1 not in lex:
                if p1 in boosters:
                    s = boosters[p1]
                    if valence < 0:
                        s *= -1
                    if raw[i - 1].isupper():
                        if cap_diff is None:
                            caps = sum(map(str.isupper, raw))
                            cap_diff = 0 < n - caps < n
                        if cap_diff:
                            if valence > 0:
                                s += C_INCR
                            else:
                                s -= C_INCR
                    valence = valence + s
                if p1 in NEGATE or "n't" in p1:
                    valence = valence * N_SCALAR
            # ---- two words back (start_i == 1)
            if p2 is not None and p2 not in lex:
                if p2 in boosters:
                    s = boosters[p2]
                    if valence < 0:
                        s *= -1
                    if raw[i - 2].isupper():
                        if cap_diff is None:
                            caps = sum(map(str.isupper, raw))
                            cap_diff = 0 < n - caps < n
                        if cap_diff:
                            if valence > 0:
                                s += C_INCR
                            else:
                                s -= C_INCR
                    if s != 0:
                        s = s * _DAMP_2
                    valence = valence + s
                if p2 == "never" and p1 in _SO_THIS:
                    valence = valence * _NEVER_SO
                elif p2 == "without" and p1 == "doubt":
                    pass
                elif p2 in NEGATE or "n't" in p2:
                    valence = valence * N_SCALAR
            # ---- three words back (start_i == 2), then the idioms
            if p3 is not None and p3 not in lex:
                if p3 in boosters:
                    s = boosters[p3]
                    if valence < 0:
                        s *= -1
                    if raw[i - 3].isupper():
                        if cap_diff is None:
                            caps = sum(map(str.isupper, raw))
                            cap_diff = 0 < n - caps < n
                        if cap_diff:
                            if valence > 0:
                                s += C_INCR
                            else:
                                s -= C_INCR
                    if s != 0:
                        s = s * _DAMP_3
                    valence = valence + s
                # upstream precedence slip: (never and so/this) OR (so/this right before the word)
                if (p3 == "never" and p2 in _SO_THIS) or p1 in _SO_THIS:
                    valence = valence * _NEVER_SO
                elif p3 == "without" and (p2 == "doubt" or p1 == "doubt"):
                    pass
                elif p3 in NEGATE or "n't" in p3:
                    valence = valence * N_SCALAR
                # Every idiom tuple looked up starts at p3, p2, p1 or w and ends at p2, p1, w, i+1 or i+2,
                # so the lookups can only hit when a first word and a later last word are both present.
                if (
                    (p1 in first and w in final)
                    or (p2 in first and (w in final or p1 in final))
                    or (p3 in first and (p1 in final or p2 in final))
                    or (w in first and i < last and (lower[i + 1] in final or (i + 1 < last and lower[i + 2] in final)))
                ):
                    valence = self._idioms(valence, lower, i, w, p1, p2, p3, last)
            # ---- "least"
            if p1 == "least" and p1 not in lex:
                if p2 is not None:
                    if p2 not in _AT_VERY:
                        valence = valence * N_SCALAR
                else:
                    valence = valence * N_SCALAR
            if valence != 0:
                vals.append(valence)
                where.append(i)
        if vals and "but" in lower:
            self._but(vals, where, lower.index("but"))
        return text, n, vals, where

    def _idioms(
        self,
        valence: float,
        lower: list[str],
        i: int,
        w: str,
        p1: str,
        p2: str,
        p3: str,
        last: int,
    ) -> float:
        """Upstream ``_special_idioms_check`` on tuples instead of formatted strings."""
        special = self._special
        twoone = (p2, p1)
        threetwoone = (p3, p2, p1)
        threetwo = (p3, p2)
        for seq in ((p1, w), (p2, p1, w), twoone, threetwoone, threetwo):
            if seq in special:
                valence = special[seq]
                break
        if last > i:
            seq = (w, lower[i + 1])
            if seq in special:
                valence = special[seq]
        if last > i + 1:
            seq = (w, lower[i + 1], lower[i + 2])
            if seq in special:
                valence = special[seq]
        ngrams = self._booster_ngrams
        for seq in (threetwoone, threetwo, twoone):
            if seq in ngrams:
                valence = valence + ngrams[seq]
        return valence

    @staticmethod
    def _but(vals: list[float], where: list[int], bi: int) -> None:
        """Upstream's value-based ``_but_check``, in place, over the non-zero valences only.

        Upstream walks the list and rescales the *first* position holding an equal value, so with
        repeated valences a value after ``but`` can be halved. Zeros never equal a non-zero value and stay
        zero when scaled, so leaving them out changes nothing.
        """
        for k in range(len(vals)):
            v = vals[k]
            si = vals.index(v)
            pos = where[si]
            if pos < bi:
                vals[si] = v * _BUT_BEFORE
            elif pos > bi:
                vals[si] = v * _BUT_AFTER

    # ------------------------------------------------------------------------------------------ public

    def polarity_scores(self, text: str) -> dict[str, float]:
        """Return ``{"neg", "neu", "pos", "compound"}`` exactly as vaderSentiment 3.3.2 does.

        Raises :class:`TypeError` for anything but a ``str`` (upstream fails on those too).

        >>> FastVader().polarity_scores("Not bad at all")
        {'neg': 0.0, 'neu': 0.513, 'pos': 0.487, 'compound': 0.431}
        """
        if self._native is not None:
            got = self._native.scores(text)
            if got is not None:
                return got
        return self._py_polarity_scores(text)

    def _py_polarity_scores(self, text: str) -> dict[str, float]:
        """:meth:`polarity_scores` in Python: the reference the native core is a port of."""
        neg, neu, pos, compound = self._py_raw(text)
        return {"neg": round(neg, 3), "neu": round(neu, 3), "pos": round(pos, 3), "compound": round(compound, 4)}

    def _py_raw(self, text: str) -> tuple[float, float, float, float]:
        """Upstream's ``neg, neu, pos, compound`` before rounding (the native core's ``raw``)."""
        if not isinstance(text, str):
            raise TypeError(f"polarity_scores expects str, got {type(text).__name__}")
        text, n, vals, _ = self._valences(text)
        if not n:
            return 0.0, 0.0, 0.0, 0.0
        sum_s = float(sum(vals))
        punct = _amplify_ep(text) + _amplify_qm(text)
        if sum_s > 0:
            sum_s += punct
        elif sum_s < 0:
            sum_s -= punct
        compound = _normalize(sum_s)
        pos_sum = 0.0
        neg_sum = 0.0
        for v in vals:
            if v > 0:
                pos_sum += float(v) + 1
            if v < 0:
                neg_sum += float(v) - 1
        neu_count = n - len(vals)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return math.fabs(neg_sum / total), math.fabs(neu_count / total), math.fabs(pos_sum / total), compound

    def compound(self, text: str) -> float:
        """Return only the compound score (cheaper than :meth:`polarity_scores`).

        >>> FastVader().compound("The book was good.")
        0.4404
        """
        if self._native is not None:
            got = self._native.compound(text)
            if got is not None:
                return got
        return self._py_compound(text)

    def _py_compound(self, text: str) -> float:
        """:meth:`compound` in Python."""
        if not isinstance(text, str):
            raise TypeError(f"compound expects str, got {type(text).__name__}")
        text, n, vals, _ = self._valences(text)
        if not n:
            return 0.0
        sum_s = float(sum(vals))
        if sum_s > 0:
            sum_s += _amplify_ep(text) + _amplify_qm(text)
        elif sum_s < 0:
            sum_s -= _amplify_ep(text) + _amplify_qm(text)
        return round(_normalize(sum_s), 4)

    def compound_many(self, texts: Iterable[str]) -> list[float]:
        """Compound scores for many texts, in order.

        >>> FastVader().compound_many(["great", "awful"])
        [0.6249, -0.4588]
        """
        if self._native is None:
            f = self._py_compound
            return [f(t) for t in texts]
        texts = texts if isinstance(texts, list) else list(texts)
        out, declined = self._native.compound_many(texts)
        for i in declined:  # texts the native core leaves to Python
            out[i] = self._py_compound(texts[i])
        return out

    def scores_many(self, texts: Iterable[str]) -> list[dict[str, float]]:
        """``polarity_scores`` for many texts, in order.

        >>> FastVader().scores_many(["great"])
        [{'neg': 0.0, 'neu': 0.0, 'pos': 1.0, 'compound': 0.6249}]
        """
        if self._native is None:
            f = self._py_polarity_scores
            return [f(t) for t in texts]
        texts = texts if isinstance(texts, list) else list(texts)
        out, declined = self._native.scores_many(texts)
        for i in declined:  # texts the native core leaves to Python
            out[i] = self._py_polarity_scores(texts[i])
        return out

    def scores_array(self, texts: Sequence[str]) -> np.ndarray:
        """``polarity_scores`` of each of ``texts`` as a float64 array of shape ``(len(texts), 4)``: columns
        ``neg, neu, pos, compound`` (the dict's values, in its key order), no dict per text.

        >>> FastVader().scores_array(["great", ""]).tolist()
        [[0.0, 0.0, 1.0, 0.6249], [0.0, 0.0, 0.0, 0.0]]
        """
        texts = texts if isinstance(texts, list) else list(texts)
        out = np.empty((len(texts), 4))
        into = getattr(self._native, "scores_into", None)
        todo: Iterable[int] = into(texts, out) if into is not None else range(len(texts))
        f = self._py_polarity_scores
        for i in todo:  # texts the native core leaves to Python (every text on the Python path)
            d = f(texts[i])
            out[i] = (d["neg"], d["neu"], d["pos"], d["compound"])
        return out

    def joined_scores_array(self, firsts: Sequence[str], seconds: Sequence[str], sep: str) -> np.ndarray:
        """:meth:`scores_array` of each pair joined: ``sep.join(p for p in (first, second) if p and not
        p.isspace())`` (the empty string when neither part is kept), as rows ``neg, neu, pos, compound``. The
        native core joins two ASCII parts in a scratch buffer (no str per pair) and scores every pair; the Python
        path builds the strings and scores each distinct one once.

        >>> FastVader().joined_scores_array(["Great", " "], ["Broke fast.", "Great"], "\\n").tolist()
        [[0.354, 0.127, 0.519, 0.3182], [0.0, 0.0, 1.0, 0.6249]]
        """
        firsts = firsts if isinstance(firsts, list) else list(firsts)
        seconds = seconds if isinstance(seconds, list) else list(seconds)
        if len(firsts) != len(seconds):
            raise ValueError(f"firsts and seconds differ in length: {len(firsts)}, {len(seconds)}")
        into = getattr(self._native, "joined_scores_into", None)
        if into is None:
            joined = [_joined(a, b, sep) for a, b in zip(firsts, seconds, strict=True)]
            index: dict[str, int] = {"": 0}  # row 0: the empty string, 0.0 everywhere as VADER gives it
            codes = np.fromiter((index.setdefault(j, len(index)) for j in joined), dtype=np.int64,
                                count=len(joined))
            table = np.zeros((len(index), 4))
            if len(index) > 1:
                table[1:] = self.scores_array(list(index)[1:])
            return table[codes]
        out = np.empty((len(firsts), 4))
        f = self._py_polarity_scores
        for i in into(firsts, seconds, sep, out):  # pairs the native core leaves to Python
            d = f(_joined(firsts[i], seconds[i], sep))
            out[i] = (d["neg"], d["neu"], d["pos"], d["compound"])
        return out

    def compound_spans(self, texts: Sequence[str], owner: np.ndarray, start: np.ndarray,
                       end: np.ndarray) -> np.ndarray:
        """The compound of each span ``texts[owner[k]][start[k]:end[k]]``, as a float64 array: equal to
        ``compound(texts[owner[k]][start[k]:end[k]])``. The native core reads the spans in place (no string per
        span) and scores equal spans once; the Python path slices them and scores each distinct one once.

        >>> FastVader().compound_spans(["Love it. Broke fast."], np.array([0, 0]), np.array([0, 9]),
        ...                            np.array([8, 20])).tolist()
        [0.6369, -0.4215]
        """
        texts = texts if isinstance(texts, list) else list(texts)
        owner, start, end = _span_arrays(owner, start, end)
        out = np.empty(owner.size)
        spans = getattr(self._native, "compound_spans", None)
        if spans is not None:
            todo = spans(texts, owner, start, end, out)  # raises IndexError for a span outside its text
        else:
            todo = range(owner.size)
            _check_spans(texts, owner, start, end)
        self._py_spans(texts, owner, start, end, todo, out)
        return out

    def joined_scores_and_compounds(self, firsts: Sequence[str], seconds: Sequence[str], sep: str,
                                    texts: Sequence[str], owner: np.ndarray, start: np.ndarray,
                                    end: np.ndarray, words: np.ndarray | None = None
                                    ) -> tuple[np.ndarray, np.ndarray]:
        """``(joined_scores_array(firsts, seconds, sep), compound_spans(texts, owner, start, end))`` in one
        pass of the native core: where ``texts[i]`` is ``seconds[i]`` and pair ``i`` is scored from ASCII
        tokens, the spans of that text that cut no token are scored from a stretch of the joined string's tokens
        instead of being tokenized again (VADER's tokens are ``str.split()`` pieces, so a span's pieces are
        those of the whole string within its edges). Equal values either way.

        ``words`` (an int64 array, one item per span), when given, gets ``len(span.split())`` of each span
        whose tokens the native core counted on the way (those scored from the joined string's tokens, ASCII
        spans without emoji, and their repeats) and -1 for every other span (all of them without the native
        core).

        >>> v = FastVader()
        >>> rows, c = v.joined_scores_and_compounds(["Meh"], ["Love it. Broke fast."], "\\n",
        ...     ["Love it. Broke fast."], np.array([0, 0]), np.array([0, 9]), np.array([8, 20]))
        >>> c.tolist(), rows.tolist() == v.joined_scores_array(["Meh"], ["Love it. Broke fast."], "\\n").tolist()
        ([0.6369, -0.4215], True)
        """
        into = getattr(self._native, "joined_spans_into", None)
        if words is not None:
            words[:] = -1
        if into is None:
            return self.joined_scores_array(firsts, seconds, sep), self.compound_spans(texts, owner, start, end)
        firsts = firsts if isinstance(firsts, list) else list(firsts)
        seconds = seconds if isinstance(seconds, list) else list(seconds)
        texts = texts if isinstance(texts, list) else list(texts)
        if len(firsts) != len(seconds):
            raise ValueError(f"firsts and seconds differ in length: {len(firsts)}, {len(seconds)}")
        owner, start, end = _span_arrays(owner, start, end)
        rows = np.empty((len(firsts), 4))
        out = np.empty(owner.size)
        if words is None:
            todo_rows, todo_spans = into(firsts, seconds, sep, rows, texts, owner, start, end, out)
        else:
            if not (isinstance(words, np.ndarray) and words.dtype == np.int64 and words.shape == owner.shape
                    and words.flags.c_contiguous and words.flags.writeable):
                raise ValueError("words must be a writable contiguous int64 array with one item per span")
            todo_rows, todo_spans = into(firsts, seconds, sep, rows, texts, owner, start, end, out, words)
        f = self._py_polarity_scores
        for i in todo_rows:  # pairs the native core leaves to Python
            d = f(_joined(firsts[i], seconds[i], sep))
            rows[i] = (d["neg"], d["neu"], d["pos"], d["compound"])
        self._py_spans(texts, owner, start, end, todo_spans, out)
        return rows, out

    def _py_spans(self, texts: list[str], owner: np.ndarray, start: np.ndarray, end: np.ndarray,
                  todo: Iterable[int], out: np.ndarray) -> None:
        """``out[k]`` = the compound of span ``k`` for each ``k`` in ``todo``, each distinct span scored once."""
        if not todo:
            return
        o, a, b = owner.tolist(), start.tolist(), end.tolist()
        memo: dict[str, float] = {}
        f = self._py_compound
        for k in todo:  # spans the native core leaves to Python (every span on the Python path)
            s = texts[o[k]][a[k] : b[k]]
            c = memo.get(s)
            if c is None:
                c = memo[s] = f(s)
            out[k] = c


def _span_arrays(owner: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spans as contiguous int64 arrays of one length."""
    owner = np.ascontiguousarray(owner, dtype=np.int64)
    start = np.ascontiguousarray(start, dtype=np.int64)
    end = np.ascontiguousarray(end, dtype=np.int64)
    if not owner.size == start.size == end.size:
        raise ValueError(f"owner, start and end differ in length: {owner.size}, {start.size}, {end.size}")
    return owner, start, end


def _check_spans(texts: list[str], owner: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
    """Raise what the native core raises for a span outside its texts (the Python path)."""
    o, a, b = owner.tolist(), start.tolist(), end.tolist()
    for k in range(len(o)):
        if not 0 <= o[k] < len(texts):
            raise IndexError(f"span {k}: owner {o[k]} outside the {len(texts)} texts")
        if isinstance(texts[o[k]], str) and not 0 <= a[k] <= b[k] <= len(texts[o[k]]):
            raise IndexError(f"span {k}: [{a[k]}, {b[k]}) outside text {o[k]} of length {len(texts[o[k]])}")


def _joined(first: str, second: str, sep: str) -> str:
    """``sep.join`` of the parts of a pair that are not empty or whitespace only (:meth:`FastVader.joined_scores_array`)."""
    return sep.join(p for p in (first, second) if p and not p.isspace())


@lru_cache(maxsize=1)
def get_analyzer() -> FastVader:
    """Return the process-wide :class:`FastVader` (built once, on first use).

    >>> get_analyzer() is get_analyzer()
    True
    """
    return FastVader()


# ------------------------------------------------------------------------------------------ processes

#: Chunks per worker process: few and large, so the pickling cost per task stays negligible (the
#: default ``chunksize=1`` made two processes 9x slower than serial, performance-baselines.md).
CHUNKS_PER_PROCESS: Final[int] = 4


def _warm_worker() -> None:
    get_analyzer()  # built once per worker process, never pickled


def _scores_chunk(texts: Sequence[str]) -> list[dict[str, float]]:
    return get_analyzer().scores_many(texts)


def _compound_chunk(texts: Sequence[str]) -> list[float]:
    return get_analyzer().compound_many(texts)


def _run_parallel(func, texts: Sequence[str], processes: int) -> list:  # type: ignore[no-untyped-def]
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}")
    texts = list(texts)
    if processes == 1 or len(texts) < 2 * processes:
        return func(texts)
    n_chunks = processes * CHUNKS_PER_PROCESS
    size = -(-len(texts) // n_chunks)
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    with multiprocessing.get_context().Pool(processes, initializer=_warm_worker) as pool:
        parts = pool.map(func, chunks, chunksize=1)
    out: list = []
    for part in parts:
        out.extend(part)
    return out


def scores_parallel(texts: Sequence[str], processes: int = 2) -> list[dict[str, float]]:
    """``polarity_scores`` of ``texts`` over a process pool, in order.

    Each worker builds its own analyzer once; texts go out in ``processes * CHUNKS_PER_PROCESS`` large
    chunks. With ``processes=1`` (or very few texts) it runs in this process.

    >>> scores_parallel(["good", "bad"], processes=1)[1]["compound"]
    -0.5423
    """
    return _run_parallel(_scores_chunk, texts, processes)


def compound_parallel(texts: Sequence[str], processes: int = 2) -> list[float]:
    """Compound scores of ``texts`` over a process pool, in order (see :func:`scores_parallel`).

    >>> compound_parallel(["good", "bad"], processes=1)
    [0.4404, -0.5423]
    """
    return _run_parallel(_compound_chunk, texts, processes)


__all__ = [
    "FastVader",
    "get_analyzer",
    "native_available",
    "PURE_PYTHON_ENV",
    "scores_parallel",
    "compound_parallel",
    "B_INCR",
    "C_INCR",
    "N_SCALAR",
    "NEGATE",
    "BOOSTER_DICT",
    "SPECIAL_CASES",
]
