"""Per-split statistics (the manifest's SplitStats), accumulated per shard and merged.

They replace TFDV, which cannot be installed beside TF 2.21 (pitfalls): `mtl data inspect
--check` compares a dataset against these numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from faceschemas.manifest import SplitStats
from faceschemas.tasks import TASKS


@dataclass
class StatsAccumulator:
    """Running counts, class histograms, pixel moments and value ranges."""

    count: int = 0
    histograms: dict[str, list[int]] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    pixel_sum: float = 0.0
    pixel_sumsq: float = 0.0
    pixel_n: int = 0
    ranges: dict[str, list[float]] = field(default_factory=dict)

    def add(self, tasks: tuple[str, ...], labels: dict[str, int], values: dict[str, float],
            pixel_moments: tuple[float, float, int]) -> None:
        """Adds one record: its labels, continuous values and (sum, sum of squares, n) of pixels."""
        self.count += 1
        for task in tasks:
            hist = self.histograms.setdefault(task, [0] * TASKS[task].num_classes)
            label = labels.get(task, -1)
            if label >= 0:
                hist[label] += 1
            else:
                self.missing[task] = self.missing.get(task, 0) + 1
        for name, value in values.items():
            if not math.isnan(value):
                lo, hi = self.ranges.get(name, [value, value])
                self.ranges[name] = [min(lo, value), max(hi, value)]
        self.pixel_sum += pixel_moments[0]
        self.pixel_sumsq += pixel_moments[1]
        self.pixel_n += pixel_moments[2]

    def merge(self, other: StatsAccumulator) -> None:
        """Adds another accumulator's numbers into this one."""
        self.count += other.count
        for task, hist in other.histograms.items():
            mine = self.histograms.setdefault(task, [0] * len(hist))
            self.histograms[task] = [a + b for a, b in zip(mine, hist, strict=True)]
        for task, n in other.missing.items():
            self.missing[task] = self.missing.get(task, 0) + n
        for name, (lo, hi) in other.ranges.items():
            mlo, mhi = self.ranges.get(name, [lo, hi])
            self.ranges[name] = [min(mlo, lo), max(mhi, hi)]
        self.pixel_sum += other.pixel_sum
        self.pixel_sumsq += other.pixel_sumsq
        self.pixel_n += other.pixel_n

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> StatsAccumulator:
        return cls(**data)

    def to_split_stats(self, tasks: tuple[str, ...]) -> SplitStats:
        """The manifest's SplitStats (histograms for every labelled task, even if empty)."""
        mean = self.pixel_sum / self.pixel_n if self.pixel_n else None
        std = math.sqrt(max(0.0, self.pixel_sumsq / self.pixel_n - mean**2)) if self.pixel_n else None
        return SplitStats(
            count=self.count,
            class_histograms={t: self.histograms.get(t, [0] * TASKS[t].num_classes) for t in tasks},
            missing_labels={t: self.missing.get(t, 0) for t in tasks},
            pixel_mean=mean,
            pixel_std=std,
            value_ranges={k: (v[0], v[1]) for k, v in sorted(self.ranges.items())},
        )
