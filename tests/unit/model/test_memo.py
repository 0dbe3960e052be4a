"""The bounded memory the remembered trend rows are kept in (tasks/model/memo.py)."""

from __future__ import annotations

from tasks.model.memo import Memo


def test_the_least_recently_used_value_goes_first():
    """Room for 2: a, b held; a read (now the most recent); c put drops b, not a."""
    memo: Memo[int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)


def test_putting_a_held_key_again_replaces_its_value_and_keeps_one_entry():
    memo: Memo[int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 10)
    memo.put("c", 3)  # b was the least recently used
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (10, None, 3)
