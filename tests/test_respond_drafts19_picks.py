"""Issue 8, nineteenth session: a reply draft's phrasing picks in one C call (``_storecore.sha_picks``, SHA-256 by
the CPU's SHA extensions where it has them, else plain C) equal the Python picks (``respond._pick``, hashlib's
SHA-256), for any head and slot lengths (SHA-256's padding to one or two blocks, heads of whole blocks); the
drafts of contexts picked natively equal those picked in Python; ``REVIEWTOOLS_PURE_PYTHON=1`` and
``NATIVE_PICKS = False`` keep the Python picker."""
from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from _depth import examples

from reviewtools import respond
from reviewtools.respond import ReplySettings

core = pytest.importorskip("reviewtools._storecore")
if not hasattr(core, "sha_picks"):  # pragma: no cover - a stale build
    pytest.skip("_storecore built without sha_picks", allow_module_level=True)


def _first8(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


@pytest.mark.parametrize("plain", [False, True])
def test_first_eight_bytes_at_every_length_around_the_block_edges(plain):
    for n in range(0, 260):
        data = bytes((7 * i + n) % 256 for i in range(n))
        assert core.sha_first8(data, plain) == _first8(data), n


@settings(max_examples=examples(200), deadline=None)
@given(data=st.binary(max_size=400), plain=st.booleans())
def test_first_eight_bytes_of_any_data(data, plain):
    assert core.sha_first8(data, plain) == _first8(data)


_RIDS = st.one_of(st.text(alphabet="ABCDEF0123456789Rh", min_size=1, max_size=16), st.text(max_size=90))


@settings(max_examples=examples(200), deadline=None)
@given(rid=_RIDS, variant=st.integers(0, 15),
       plan=st.lists(st.tuples(st.integers(1, 300), st.text(max_size=80), st.booleans()), min_size=1, max_size=6))
def test_native_picks_equal_pick(rid, variant, plan):
    lists = [([f"{slot}/{i}" for i in range(n)] if as_list else tuple(f"{slot}/{i}" for i in range(n)), slot)
             for n, slot, as_list in plan]
    key = rid + (f"#{variant}" if variant else "")
    head = (key + "\x1f").encode()
    got = core.sha_picks(tuple((opts, slot.encode(), len(opts)) for opts, slot in lists), head)
    assert got == tuple(respond._pick(opts, key, slot) for opts, slot in lists)
    pick = respond._picker(tuple((opts, slot.encode()) for opts, slot in lists))
    assert pick(head) == got


def test_the_picker_is_native_unless_disabled(monkeypatch):
    plan = ((["a", "b", "c"], b"greeting"), (("d", "e"), b"closing"))
    assert respond._picker(plan).func is core.sha_picks
    heads = [f"R{i}\x1f".encode() for i in range(200)]
    native = [respond._picker(plan)(h) for h in heads]
    monkeypatch.setenv("REVIEWTOOLS_PURE_PYTHON", "1")
    pure = respond._picker(plan)
    assert not hasattr(pure, "func") and [pure(h) for h in heads] == native
    monkeypatch.delenv("REVIEWTOOLS_PURE_PYTHON")
    monkeypatch.setattr(respond, "NATIVE_PICKS", False)
    assert not hasattr(respond._picker(plan), "func")


def test_bad_arguments_raise_as_the_python_picks_would():
    with pytest.raises(TypeError):
        core.sha_picks(((["a"], "not bytes", 1),), b"R1\x1f")
    with pytest.raises(TypeError):
        core.sha_picks(((["a"], b"x", 1),), "R1\x1f")
    with pytest.raises(ZeroDivisionError):
        core.sha_picks(((["a"], b"x", 0),), b"R1\x1f")
    with pytest.raises(IndexError):  # a count larger than the list (the Python picker holds its count too)
        core.sha_picks(((["a"], b"greeting", 1 << 40),), b"R1\x1f" * 40)


@settings(max_examples=examples(60), deadline=None)
@given(rid=_RIDS, platform=st.sampled_from(["amazon", "google", "app_store", "other"]),
       kind=st.sampled_from(respond.REPLY_KINDS), topic=st.sampled_from((None,) + respond.TOPICS),
       problem=st.sampled_from([None, "arrived two weeks late"]), tone=st.sampled_from(respond.TONES),
       variants=st.lists(st.integers(0, 17), min_size=1, max_size=4))
def test_contexts_picked_natively_draft_as_in_python(rid, platform, kind, topic, problem, tone, variants):
    reply = ReplySettings(tone=tone)
    memo = respond._DraftMemo(reply)
    review = {"review_id": rid, "platform": platform, "author": "Ann Lee", "product_title": "Kettle"}
    plain = respond._draft_context(review, kind, topic, problem, reply)  # no memo: _pick per slot
    ctx = respond._draft_context(review, kind, topic, problem, reply, memo)
    assert ctx.picker.func is core.sha_picks
    python = dataclasses.replace(ctx, picker=None)  # the plan's picks in Python
    for variant in variants:
        assert ctx.text(variant) == plain.text(variant) == python.text(variant)
