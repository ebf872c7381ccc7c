"""``_dupcore.text_ranks`` checks each token against ``rank_of``'s end where it reads the occurrence (session 20),
not in a pass over all of ``slot_of`` first: a token past the end still raises, in the short rows' counting path
and in the RankSet path (the optional last argument 0), in the first text, a later one and the last occurrence;
the texts before it are written by then; the occurrences of a text with an empty span are not read.
"""

from __future__ import annotations

import numpy as np
import pytest

import reviewtools.duplicates as dup

pytestmark = pytest.mark.skipif(dup._dupcore is None, reason="reviewtools._dupcore is not built")

RANK_OF = np.array([2, -1, 0, 1, 3], dtype=np.int32)  # tokens 0-4; token 1 not shared


def _run(slot_of: list[int], n_sh: list[int], off: list[int], *small: int) -> np.ndarray:
    s = np.array(slot_of, dtype=np.int32)
    dup._dupcore.text_ranks(s, np.array(n_sh, dtype=np.int64), RANK_OF, np.array(off, dtype=np.int64),
                            s.view(np.uint32)[:off[-1]], *small)
    return s


@pytest.mark.parametrize("small", [(), (0,)], ids=["counting", "rankset"])
def test_valid_rows_are_ranked(small):
    s = _run([4, 0, -1, 1, 2, 3, 0], [3, 4], [0, 2, 5], *small)
    assert s[:5].tolist() == [2, 3, 0, 1, 2]


@pytest.mark.parametrize("small", [(), (0,)], ids=["counting", "rankset"])
@pytest.mark.parametrize("where", [0, 4, 6])
def test_a_token_past_the_end_raises(small, where):
    slot_of = [4, 0, -1, 1, 2, 3, 0]
    slot_of[where] = len(RANK_OF) + (where % 3) * 1000
    with pytest.raises(ValueError, match="token outside rank_of"):
        _run(slot_of, [3, 4], [0, 2, 5], *small)


@pytest.mark.parametrize("small", [(), (0,)], ids=["counting", "rankset"])
def test_the_texts_before_the_bad_token_are_written(small):
    s = np.array([4, 0, -1, 1, 2, 99, 0], dtype=np.int32)
    with pytest.raises(ValueError, match="token outside rank_of"):
        dup._dupcore.text_ranks(s, np.array([3, 4], np.int64), RANK_OF, np.array([0, 2, 5], np.int64),
                                s.view(np.uint32)[:5], *small)
    assert s[:2].tolist() == [2, 3]


def test_a_text_with_an_empty_span_is_not_read():
    # the first text is not live (empty span): its tokens are skipped, 99 included
    s = _run([99, 1, 0, 2], [2, 2], [0, 0, 2])
    assert s[:2].tolist() == [0, 2]
