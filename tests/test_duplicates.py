"""The set-level duplicate check (reviewtools.duplicates): exact against a brute-force oracle, no skipped buckets.

The oracle re-implements the check's contract from scratch in plain Python (normalised words, 3-word shingles as
word tuples, every pair's exact Jaccard) on a few thousand seeded reviews built from the bundled CC0 Amazon Fine
Food sample, with edits that put many pairs near the 0.7 threshold. Timings are measured in
``benchmarks/bench_duplicates.py``, never asserted here.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

import reviewtools.duplicates as dup
from reviewtools.duplicates import find_duplicates
from reviewtools.rules import DUPLICATE_MIN_WORDS, NEAR_DUPLICATE_JACCARD, SHINGLE_WORDS, load_rules
from reviewtools.schema import coerce

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "amazon_fine_food_sample.csv"  # CC0 (data/README / SOURCE notes)
WORDS = re.compile(r"\w+")
COLS = ["review_id", "rule_id", "strength", "field", "start", "end", "evidence", "outcome", "note"]


# ------------------------------------------------------------------------------------------------ oracle


def _oracle(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract, brute force: every pair of reviews compared (no hashing, no candidate generation)."""
    rules = load_rules()
    exact_rule = {p: r for r in reversed(rules) if r.detector == "duplicate_exact" for p in r.platforms}
    near_rule = {p: r for r in reversed(rules) if r.detector == "duplicate_near" for p in r.platforms}
    n = len(frame)
    ids = frame["review_id"].tolist()
    plats = frame["platform"].tolist()
    texts = frame["text"].fillna("").tolist()
    authors = [a if isinstance(a, str) and a.strip() else None for a in frame["author"].tolist()]
    when = pd.to_datetime(frame["created_at"], utc=True, errors="coerce").tolist()
    key = [(0, w, i) if not pd.isna(w) else (1, 0, i) for i, w in enumerate(when)]
    words = [WORDS.findall(t.lower()) for t in texts]
    shingles = [{tuple(w[j:j + SHINGLE_WORDS]) for j in range(max(1, len(w) - SHINGLE_WORDS + 1))} for w in words]
    rows: list[dict] = []
    elig = [i for i in range(n) if len(words[i]) >= DUPLICATE_MIN_WORDS]
    for i in range(n):
        if len(words[i]) < DUPLICATE_MIN_WORDS:
            note = f"text too short for the duplicate check ({len(words[i])} words < {DUPLICATE_MIN_WORDS})"
            for r in (exact_rule.get(plats[i]), near_rule.get(plats[i])):
                rows.append({"review_id": ids[i], "rule_id": r.rule_id, "outcome": "not_run", "note": note})

    def differ(i: int, j: int) -> bool:
        return authors[i] is None or authors[j] is None or authors[i] != authors[j]

    def flag(i: int, others: list[int], rule, what: str) -> dict | None:
        group = sorted([i, *others], key=lambda j: key[j])
        dated = all(key[j][0] == 0 for j in group)
        if dated and group[0] == i:
            return None
        note = f"{what} of review(s) " + ", ".join(ids[j] for j in others[:5]) + (" ..." if len(others) > 5 else "")
        note += " by a different author"
        if not dated:
            note += "; dates missing, cannot tell which is the original"
        if authors[i] is None:
            note += "; author unknown"
        s = texts[i]
        weak = not dated or authors[i] is None
        return {"review_id": ids[i], "rule_id": rule.rule_id, "outcome": "hit", "note": note, "field": "text",
                "start": len(s) - len(s.lstrip()), "end": len(s.rstrip()), "evidence": s.strip(),
                "strength": "weak" if weak else rule.strength}

    in_exact = set()
    exact_rows = []
    for i in elig:
        others = [j for j in elig if j != i and words[j] == words[i] and differ(i, j)]
        if others:
            in_exact.add(i)
            r = flag(i, others, exact_rule[plats[i]], "same text as")
            if r:
                exact_rows.append(r)
    near_rows = []
    for i in elig:
        if i in in_exact:
            continue
        best, others = 0.0, []
        for j in elig:
            if j == i or words[j] == words[i] or not differ(i, j):
                continue
            a, b = shingles[i], shingles[j]
            inter = len(a & b)
            jac = inter / (len(a) + len(b) - inter)
            if jac >= NEAR_DUPLICATE_JACCARD:
                others.append(j)
                best = max(best, jac)
        if others:
            r = flag(i, others, near_rule[plats[i]], f"near duplicate (Jaccard {best:.2f} >= {NEAR_DUPLICATE_JACCARD})")
            if r:
                near_rows.append(r)
    return pd.DataFrame(rows + exact_rows + near_rows)


def _canon(frame: pd.DataFrame) -> list[tuple]:
    f = frame.reindex(columns=COLS).astype(object).where(frame.reindex(columns=COLS).notna(), None)
    return sorted(tuple(r) for r in f.itertuples(index=False))


def _sentences() -> list[str]:
    text = " ".join(pd.read_csv(SAMPLE)["Text"].dropna().tolist())
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


def _corpus(n: int, seed: int) -> pd.DataFrame:
    """Reviews made of consecutive real sentences, re-used with light edits so many pairs sit near 0.7."""
    rng = random.Random(seed)
    sents = _sentences()
    base = []
    for _ in range(n // 4):
        k = rng.randrange(len(sents) - 6)
        base.append(sents[k:k + rng.randint(1, 5)])
    texts = []
    for _ in range(n):
        s = list(rng.choice(base))
        op = rng.random()
        if op < 0.25 and len(s) > 1:
            s = s[:-1]  # a shorter take of the same review
        elif op < 0.5:
            w = " ".join(s).split()
            for _ in range(rng.randint(1, 4)):  # a few words changed
                w[rng.randrange(len(w))] = rng.choice(["really", "quite", "Not", "GREAT", "tea", "dog"])
            s = [" ".join(w)]
        elif op < 0.6:
            s = [" ".join(s).upper().replace(",", " ;")]  # punctuation and case only: an exact copy
        elif op < 0.7:
            s = s + [rng.choice(sents)]
        texts.append(" ".join(s))
    people = [f"user{i}" for i in range(n // 3)] + ["  ", None]
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta([rng.randrange(700) for _ in range(n)], unit="D")
    return pd.DataFrame({
        "review_id": [f"r{i}" for i in range(n)],
        "platform": [rng.choice(["amazon", "amazon", "google", "trustpilot"]) for _ in range(n)],
        "text": texts,
        "author": [rng.choice(people) for _ in range(n)],
        "created_at": [None if rng.random() < 0.03 else d for d in days],
    })


@pytest.fixture(params=["native", "numpy"])
def join(request, monkeypatch):
    """Run the test on the native join (``reviewtools._dupcore``, where built) and on the numpy path."""
    if request.param == "native" and dup._dupcore is None:
        pytest.skip("reviewtools._dupcore is not built (the numpy path is tested)")
    if request.param == "numpy":
        monkeypatch.setattr(dup, "_dupcore", None)
    return request.param


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_the_brute_force_oracle(seed, join):
    frame = _corpus(1200, seed)
    got = find_duplicates(frame)
    want = _oracle(frame)
    assert (want.outcome == "hit").sum() > 100  # the corpus really has duplicates of both kinds
    assert {"near", "same"} <= {n.split()[0] for n in want.loc[want.outcome == "hit", "note"]}
    assert _canon(got) == _canon(want)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_matches_the_oracle_on_a_tiny_vocabulary(seed, join):
    """Adversarial for the prefix filter: few distinct shingles, repeats inside texts, many partial overlaps."""
    rng = random.Random(seed)
    vocab = ["a", "b", "c", "d", "e", "f"][: rng.randint(3, 6)]
    base = [[rng.choice(vocab) for _ in range(rng.randint(10, 30))] for _ in range(40)]
    texts = []
    for _ in range(400):
        w = list(rng.choice(base))
        for _ in range(rng.randint(0, 3)):
            w[rng.randrange(len(w))] = rng.choice(vocab)
        texts.append(" ".join(w[: rng.randint(10, len(w))]))
    frame = pd.DataFrame({"review_id": [f"t{i}" for i in range(400)], "platform": "amazon", "text": texts,
                          "author": [f"u{rng.randrange(150)}" for _ in range(400)],
                          "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.sample(range(9999), 400),
                                                                                     unit="h")})
    got = find_duplicates(frame)
    assert (got.rule_id == "AMZ-DUPLICATE-NEAR").sum() > 50
    assert _canon(got) == _canon(_oracle(frame))


def test_jaccard_exactly_at_the_threshold_is_flagged_and_just_below_is_not():
    w = [f"w{i}" for i in range(20)]
    x = " ".join(w[:10])  # 8 shingles
    at = " ".join(w[:9] + ["z1", "z2"])  # 9 shingles, 7 shared: 7 / 10 = 0.7
    below = " ".join(w[:9] + ["z1", "z2", "z3"])  # 10 shingles, 7 shared: 7 / 11
    f = pd.DataFrame({"review_id": ["x", "at", "below"], "platform": ["amazon"] * 3, "text": [x, at, below],
                      "author": ["a", "b", "c"], "created_at": ["2024-01-01", "2024-02-01", "2024-03-01"]})
    hits = find_duplicates(f.iloc[:2])
    assert hits.loc[hits.outcome == "hit", "review_id"].tolist() == ["at"]
    assert "Jaccard 0.70" in hits.note.iloc[0]
    hits = find_duplicates(f.iloc[[0, 2]])
    assert hits[hits.outcome == "hit"].empty


# ------------------------------------------------------------------------------------------- big buckets


def _boilerplate(n: int) -> pd.DataFrame:
    """``n`` texts that differ in one word: every pair is a near duplicate (Jaccard 28/34)."""
    texts = [f"I received this product at a discount in exchange for my honest and unbiased review number {i} "
             "and I must say that the quality is good for the price and shipping was fast" for i in range(n)]
    return pd.DataFrame({"review_id": [f"b{i}" for i in range(n)], "platform": "amazon", "text": texts,
                         "author": [f"p{i}" for i in range(n)],
                         "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), unit="min")})


def test_a_thousand_near_identical_texts_are_all_flagged():
    f = _boilerplate(1000)
    hits = find_duplicates(f)
    near = hits[hits.rule_id == "AMZ-DUPLICATE-NEAR"]
    assert sorted(near.review_id) == sorted(f.review_id[1:])  # all but the earliest: no bucket dropped
    assert near.note.str.contains("Jaccard 0.82").all()
    assert near.note.str.contains(r" \.\.\. by a different author").all()  # more than five partners


def test_boilerplate_copies_collapse_to_one_text_and_are_all_flagged():
    f = _boilerplate(300)
    copies = pd.DataFrame({"review_id": [f"c{i}" for i in range(2000)], "platform": "amazon",
                           "text": f.text.iloc[0], "author": [f"q{i}" for i in range(2000)],
                           "created_at": pd.Timestamp("2025-01-01")})
    hits = find_duplicates(pd.concat([f, copies], ignore_index=True))
    exact = hits[hits.rule_id == "AMZ-DUPLICATE-EXACT"]
    assert len(exact) == 2000 and exact.note.str.startswith("same text as of review(s) b0, c").all()
    assert exact.note.iloc[0].startswith("same text as of review(s) b0, c1, c2, c3, c4 ...")  # not itself
    near = hits[hits.rule_id == "AMZ-DUPLICATE-NEAR"]
    assert sorted(near.review_id) == sorted(f.review_id[1:])
    assert near.note.str.contains("b0").all()  # b0's copies are partners too, but b0 comes first by row order


# ------------------------------------------------------------------------------------------- determinism


def test_same_output_whatever_the_block_sizes(monkeypatch, join):
    frame = _corpus(600, 3)
    whole = find_duplicates(frame)
    monkeypatch.setattr(dup, "_BLOCK_CHARS", 2_000)
    monkeypatch.setattr(dup, "_PAIR_CHUNK", 50)
    monkeypatch.setattr(dup, "_VERIFY_CHUNK", 300)
    monkeypatch.setattr(dup, "_RANGE_STEP", 997)
    pd.testing.assert_frame_equal(find_duplicates(frame), whole)
    pd.testing.assert_frame_equal(find_duplicates(frame, threads=3), whole)  # many blocks, on threads


def test_threads_give_the_same_frame_and_must_be_a_count():
    frame = _corpus(900, 6)
    whole = find_duplicates(frame)
    assert (whole.outcome == "hit").sum() > 100
    pd.testing.assert_frame_equal(find_duplicates(frame, threads=2), whole, check_exact=True)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="threads"):
            find_duplicates(frame, threads=bad)


def test_row_order_does_not_change_which_reviews_are_flagged():
    frame = _corpus(600, 4)
    # distinct dates: equal or missing dates are ordered by row position, which a shuffle changes
    frame["created_at"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(len(frame)) * 7919 % 600, unit="h")
    a = find_duplicates(frame)
    b = find_duplicates(frame.sample(frac=1.0, random_state=5).reset_index(drop=True))
    cols = ["review_id", "rule_id", "strength", "outcome", "start", "end"]
    key = lambda f: sorted(map(tuple, f[cols].astype(str).values))  # noqa: E731
    assert key(a) == key(b)
    jac = lambda f: sorted(f.note.str.extract(r"(Jaccard \S+)")[0].dropna())  # noqa: E731
    assert jac(a) == jac(b)


def test_word_hashes_do_not_depend_on_the_corpus():
    assert dup._word_hash("kettle") == 0xa903fdc1355af018  # BLAKE2b-64 of b"kettle": same in any process or corpus
    one = dup._shingle_hashes(pa.array(["the kettle boils fast and well"], type=pa.large_string()))[0]
    two = dup._shingle_hashes(pa.array(["other words first here", "the kettle boils fast and well"],
                                       type=pa.large_string()))[0]
    assert one.tolist() == two[-len(one):].tolist()


def test_high_bit_collisions_are_grouped_by_the_full_hash():
    h = np.array([4, 5, 4, 6, 5], dtype=np.uint64)  # 5 items: 3 position bits, so 4, 5 and 6 share high bits
    ow, brk = dup._token_runs(h.copy(), np.ones(5, dtype=np.int64))
    runs = np.split(ow, np.flatnonzero(brk)[1:])
    assert sorted(r.tolist() for r in runs) == [[0, 2], [1, 4], [3]]


# --------------------------------------------------------------------------------------- the behaviours


def _frame(texts, authors, dates, platform="amazon"):
    n = len(texts)
    return coerce(pd.DataFrame({"review_id": [f"d{i}" for i in range(n)], "platform": [platform] * n,
                                "rating": [5] * n, "text": texts, "author": authors, "created_at": dates}))


LONG = ("This kettle boils a full litre in under three minutes and the handle stays cool, "
        "though the lid hinge feels a little loose after a month of daily use.")
NEAR = LONG.replace("a little loose", "slightly loose")


def _hits(f):
    out = find_duplicates(f)
    return out[out.outcome == "hit"]


def test_same_author_is_not_flagged_exact_or_near():
    assert _hits(_frame([LONG, LONG, NEAR], ["ann", "ann", "ann"], ["2024-01-01", "2024-02-01", "2024-03-01"])).empty


def test_same_author_copies_are_not_partners_but_another_authors_are():
    h = _hits(_frame([LONG, LONG, NEAR], ["ann", "ann", "bob"], ["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert h.review_id.tolist() == ["d2"] and "review(s) d0, d1 by" in h.note.iloc[0]


def test_earliest_is_the_original_whatever_the_row_order():
    h = _hits(_frame([NEAR, LONG, LONG], ["bob", "ann", "cy"], ["2024-05-01", "2024-01-01", "2024-03-01"]))
    assert sorted(zip(h.review_id, h.rule_id)) == [("d0", "AMZ-DUPLICATE-NEAR"), ("d2", "AMZ-DUPLICATE-EXACT")]


def test_missing_dates_flag_every_member_weak():
    h = _hits(_frame([LONG, NEAR], ["ann", "bob"], [None, "2024-01-01"]))
    assert sorted(h.review_id) == ["d0", "d1"] and set(h.strength) == {"weak"}
    assert h.note.str.contains("dates missing").all()


def test_unknown_author_is_weak_and_said():
    h = _hits(_frame([LONG, LONG], ["ann", None], ["2024-01-01", "2024-02-01"]))
    assert h.review_id.tolist() == ["d1"] and h.strength.tolist() == ["weak"]
    assert h.note.iloc[0].endswith("author unknown")


def test_short_texts_are_recorded_as_not_run():
    out = find_duplicates(_frame(["Great!", "Great!", LONG], ["a", "b", "c"], ["2024-01-01"] * 3))
    nr = out[out.outcome == "not_run"]
    assert sorted(nr.review_id) == ["d0", "d0", "d1", "d1"] and nr.note.str.contains("1 words < 10").all()


def test_evidence_spans_index_the_text():
    texts = ["  " + LONG + "\n", NEAR]
    f = _frame(texts, ["a", "b"], ["2024-02-01", "2024-01-01"])
    for r in _hits(f).itertuples():
        i = int(r.review_id[1:])
        assert f.text[i][r.start:r.end] == r.evidence


def test_input_is_not_mutated_and_bad_input_is_named():
    f = _frame([LONG, LONG], ["a", "b"], ["2024-01-01", "2024-02-01"])
    before = f.copy()
    find_duplicates(f)
    pd.testing.assert_frame_equal(f, before)
    with pytest.raises(ValueError, match="review_id"):
        find_duplicates(f.drop(columns=["review_id"]))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aZ_9 -,.\n\tÉé!?ß") + ["İ", "😀", "\u0301"]), max_size=14),
                max_size=6), st.integers(0, 3))
def test_normalisation_equals_python(texts, skip):
    arr = pa.array(texts, type=pa.large_string()).slice(min(skip, len(texts)))
    norm, n_words = dup._normalised_texts(arr)
    want = [" ".join(WORDS.findall(s.lower())) for s in arr.to_pylist()]
    assert norm.to_pylist() == want
    assert n_words.tolist() == [len(w.split()) for w in want]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab é") + ["😀"]), max_size=10), max_size=6),
       st.integers(0, 3))
def test_word_pieces_equal_split_pattern(texts, skip):
    """The offset split (pieces over the texts' own buffer) gives split_pattern's pieces, one trailing space
    each at most, and the same counts: double, leading and trailing spaces and empty texts included."""
    arr = pa.array(texts, type=pa.large_string()).slice(min(skip, len(texts)))
    words, n = dup._split_words(arr)
    want = pa.compute.split_pattern(arr, " ").to_pylist()
    assert [w[:-1] if w.endswith(" ") else w for w in words.to_pylist()] == [w for ws in want for w in ws]
    assert n.tolist() == [len(ws) for ws in want]


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.sets(st.integers(0, 40), max_size=25), min_size=1, max_size=12), st.data())
def test_overlaps_are_exact_set_intersections(rows, data):
    ranks = np.array([r for row in rows for r in sorted(row)], dtype=np.uint32)
    off = np.concatenate(([0], np.cumsum([len(r) for r in rows]))).astype(np.int64)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(rows) - 1), st.integers(0, len(rows) - 1)), max_size=30))
    u = np.array([p[0] for p in pairs], dtype=np.int64)
    v = np.array([p[1] for p in pairs], dtype=np.int64)
    got = dup._overlaps(u, v, ranks, off) if len(ranks) else np.zeros(len(u), dtype=np.int64)
    assert got.tolist() == [len(rows[a] & rows[b]) for a, b in pairs]


def test_output_columns_come_from_the_rule_and_the_review():
    """Every column of the set-level frame, not only those the oracle compares: dtypes, the rule's fields,
    the review's platform, removal basis only on hits."""
    from reviewtools.rules import HIT_COLUMNS, rules_by_id
    frame = _corpus(300, 5)
    out = find_duplicates(frame)
    assert {c: str(t) for c, t in out.dtypes.items()} == {c: str(pd.api.types.pandas_dtype(t))
                                                           for c, t in HIT_COLUMNS.items()}
    assert set(out.outcome) == {"hit", "not_run"}
    by_id = rules_by_id()
    plat = dict(zip(frame.review_id, frame.platform))
    for r in out.itertuples():
        rule = by_id[r.rule_id]
        assert (r.category, r.clause, r.source_url) == (rule.category, rule.clause, rule.source_url)
        assert r.platform == plat[r.review_id] and r.platform in rule.platforms
        if r.outcome == "hit":
            assert r.removal_basis == rule.removal_basis and r.field == "text"
            assert r.strength in ("weak", rule.strength)
        else:
            assert pd.isna(r.removal_basis) and pd.isna(r.strength) and pd.isna(r.start) and pd.isna(r.evidence)


def test_an_author_holding_the_first_copies_is_partnered_with_the_next_five_others():
    """A group of ten copies whose first four rows are one author's: that author's rows name the first five
    rows by others (found past the first six rows), unknown authors name the first five other rows."""
    authors = ["ann", "ann", None, "ann", "bob", "cy", "dee", "ed", "flo", "gus"]
    dates = [f"2024-01-{d:02d}" for d in (9, 2, 3, 4, 1, 6, 7, 8, 5, 10)]
    f = _frame([LONG] * 10, authors, dates)
    want = _oracle(f)
    assert _canon(find_duplicates(f)) == _canon(want)
    notes = set(want.loc[want.outcome == "hit", "note"])
    assert "same text as of review(s) d2, d4, d5, d6, d7 ... by a different author" in notes


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("a !\t\n\x0b\x0c\r~") + ["\x1c", "\x1f", "\x85", "\xa0",
                                                                                "\u2003", "\u3000", "é", "😀"]),
                        max_size=5), max_size=8), st.integers(0, 3))
def test_not_blank_equals_python_strip(strings, skip):
    """The author check's blank test (bytes for a printable ASCII start, Python for the rest) is str.strip's."""
    arr = pa.array(strings, type=pa.large_string()).slice(min(skip, len(strings)))
    assert dup._not_blank(arr).tolist() == [bool(s.strip()) for s in arr.to_pylist()]


def test_author_numbering_is_the_same_for_string_and_object_columns():
    """Authors from a string column (numbered by Arrow, each distinct author once) give the frame that an object
    column (numbered row by row by pandas) gives: blank, whitespace-only and missing authors are unknown."""
    frame = _corpus(600, 3)
    authors = frame["author"].tolist()
    rng = random.Random(5)
    for i in rng.sample(range(len(authors)), 60):
        authors[i] = rng.choice(["\u2003", " \t", "", "\x1f", "ann", " ann", "Ann", "\xa0bob"])
    as_string = frame.assign(author=pd.array(authors, dtype="string"))
    as_object = frame.assign(author=pd.Series(authors, dtype=object))
    got = find_duplicates(as_string)
    assert (got.outcome == "hit").sum() > 50
    pd.testing.assert_frame_equal(got, find_duplicates(as_object), check_exact=True)
    assert _canon(got) == _canon(_oracle(as_object))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=12), st.data())
def test_token_runs_equal_a_lexsort_of_hash_and_position(n_sh, data):
    """The packed-key sort (with its one gather of low bits and owner) and the wide fallback group exactly like
    ``np.lexsort((position, hash))``: hashes drawn so that high bits often collide while low bits differ, in
    blocks of 1 to 5 elements (a collision group may straddle blocks)."""
    step = data.draw(st.sampled_from([1, 2, 3, 5, 8_000_000]))
    n_sh = np.array(n_sh, dtype=np.int64)
    n = int(n_sh.sum())
    base = data.draw(st.sampled_from([0, 2**63, 0xDEADBEEF00000000, 2**64 - 2**20]))
    h = np.array(data.draw(st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)), min_size=n,
                                    max_size=n)), dtype=np.uint64) ^ np.uint64(base)
    o = np.lexsort((np.arange(n), h))
    owner = np.repeat(np.arange(len(n_sh)), n_sh)
    want_brk = np.concatenate(([True], h[o][1:] != h[o][:-1]))
    dup._RANGE_STEP = step
    try:
        for fn in (dup._token_runs, dup._token_runs_wide):
            ow, brk = fn(h.copy(), n_sh)
            assert ow.tolist() == owner[o].tolist()
            assert brk.tolist() == want_brk.tolist()
    finally:
        dup._RANGE_STEP = 8_000_000


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=5), min_size=1, max_size=5), st.data())
def test_take_rows_and_text_chunks_equal_a_take_of_the_joined_column(chunks, data):
    col = pd.Series(pd.arrays.ArrowStringArray(
        pa.chunked_array([pa.array(c, type=pa.large_string()) for c in chunks], type=pa.large_string())))
    flat = ["" if v is None else v for c in chunks for v in c]
    got = dup._text_chunks(col)
    assert [v for c in got for v in c.to_pylist()] == flat and all(c.type == pa.large_string() for c in got)
    if flat:
        rows = data.draw(st.lists(st.integers(0, len(flat) - 1), max_size=12))
        assert dup._take_rows(got, np.array(rows, dtype=np.int64)).to_pylist() == [flat[r] for r in rows]


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(["ann", "bob", "", " ", "\u2003", "Ann", "\x1fx",
                                                               "amazon", "yelp", "other", "app_store", "x"])),
                         max_size=6), min_size=1, max_size=4))
def test_author_and_platform_codes_on_chunked_columns_equal_the_row_by_row_definitions(chunks):
    """Authors numbered by first appearance among the non-blank ones (native hash table or Arrow's dictionary,
    over a chunked column), platforms outside PLATFORMS as "other": as pandas does it row by row."""
    values = [v for c in chunks for v in c]
    col = pd.Series(pd.arrays.ArrowStringArray(
        pa.chunked_array([pa.array(c, type=pa.large_string()) for c in chunks], type=pa.large_string())))
    frame = pd.DataFrame({"review_id": [f"r{i}" for i in range(len(values))], "platform": col, "author": col,
                          "text": "t", "created_at": None})
    good = [isinstance(a, str) and bool(a.strip()) for a in values]
    codes = pd.factorize(pd.Series([a if g else None for a, g in zip(values, good)], dtype=object))[0]
    want_author = [int(c) if g else -1 for c, g in zip(codes, good)]
    names = list(dup.PLATFORMS) + ([] if "other" in dup.PLATFORMS else ["other"])
    want_plat = [names.index(v) if v in dup.PLATFORMS else names.index("other") for v in values]
    for native in ([True, False] if dup._dupcore is not None else [False]):
        core = dup._dupcore
        if not native:
            dup._dupcore = None
        try:
            d = dup._Duplicates(frame, {}, {})
        finally:
            dup._dupcore = core
        assert d.author.tolist() == want_author
        assert d.plat_code.tolist() == want_plat
    obj = frame.assign(platform=pd.Series(values, dtype=object))
    assert dup._platform_codes(obj["platform"], names).tolist() == want_plat
