"""How busy the rest of the machine was during a timing: CPU seconds of other processes.

On a small shared machine a single foreign process taking one core cuts a two-thread training
step by about a third; the benchmarks print this beside their ratios so such runs can be told
apart. Linux only (/proc/stat); elsewhere it reports nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

_STAT = Path("/proc/stat")


def _busy_seconds() -> float | None:
    """CPU seconds all processes spent busy since boot (user, nice, system, irq, softirq)."""
    try:
        fields = _STAT.read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


class ForeignCpu:
    """`with ForeignCpu() as f: ...` then `f.seconds`: other processes' CPU seconds meanwhile."""

    def __enter__(self) -> ForeignCpu:
        self._busy, self._own = _busy_seconds(), _own_seconds()
        self.seconds: float | None = None
        return self

    def __exit__(self, *exc) -> None:
        busy = _busy_seconds()
        if busy is not None and self._busy is not None:
            self.seconds = max(0.0, (busy - self._busy) - (_own_seconds() - self._own))


def _own_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system
