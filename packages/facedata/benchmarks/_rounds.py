"""Timing order shared by the benchmarks: settings in alternating rounds (A B, B A, A B, ...).

Single runs on a small machine swing by 10-15 %, and a process's first runs are slow, so each
setting is timed once per round, the order reversing every round, and keeps its best time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def alternating(settings: Sequence[T], rounds: int) -> list[T]:
    """Every setting once per round, in order on even rounds and reversed on odd ones."""
    order: list[T] = []
    for r in range(rounds):
        order += list(settings) if r % 2 == 0 else list(reversed(settings))
    return order
