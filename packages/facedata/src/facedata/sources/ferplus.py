"""FER+ (Microsoft FERPlus): `fer2013new.csv` vote counts over the images of `fer2013.csv`.

The two files are joined by position (the image names are not row indices and repeat,
datasets.md section 2). The label is the official `majority` rule of FERPlus `src/ferplus.py`:
drop single votes, keep the argmax when it has more than half of what remains; rows won by
`unknown` or `NF`, and rows with an empty name, are rejected with the reason.
Option `contempt`: "drop" (default; contempt has no canonical class) or "disgust" (fold it in).
"""

from __future__ import annotations

from collections.abc import Iterator

from facedata.sources._common import read_csv_rows, require
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from facedata.sources.fer2013 import fer_row_record
from faceschemas.record import CanonicalRecord
from faceschemas.remaps import FERPLUS_COLUMNS, FERPLUS_EMOTION
from faceschemas.tasks import TASKS

CONTEMPT_CHOICES = ("drop", "disgust")


def majority_label(votes: list[float]) -> str:
    """The FER+ column that wins by the official majority rule (may be `unknown` or `NF`)."""
    votes = [v if v > 1 else 0.0 for v in votes]  # single votes are outliers
    total, best = sum(votes), max(votes)
    if best <= 0.5 * total:
        return "unknown"
    return FERPLUS_COLUMNS[votes.index(best)]


@register_source("ferplus")
class FerPlus(SourceAdapter):
    """fer2013new.csv beside fer2013.csv."""

    expected_layout = "fer2013new.csv (Usage,Image name,neutral,...,NF) and fer2013.csv in the same folder"

    def __init__(self, root, **options) -> None:
        super().__init__(root, **options)
        self.contempt = str(options.get("contempt", "drop"))
        if self.contempt not in CONTEMPT_CHOICES:
            raise ValueError(f"ferplus option contempt={self.contempt!r}; choose from {', '.join(CONTEMPT_CHOICES)}")

    def check_layout(self) -> None:
        require(self, "fer2013new.csv")
        require(self, "fer2013.csv")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        votes_rows = read_csv_rows(require(self, "fer2013new.csv"))
        pixel_rows = read_csv_rows(require(self, "fer2013.csv"))
        if len(votes_rows) != len(pixel_rows):
            raise LayoutError(f"fer2013new.csv has {len(votes_rows)} rows but fer2013.csv {len(pixel_rows)}")
        for index, (votes, pixels) in enumerate(zip(votes_rows, pixel_rows, strict=True)):
            yield self._record(index, votes, pixels)

    def _record(self, index: int, votes: dict, pixels: dict) -> CanonicalRecord | Rejection:
        key = f"row {index + 2}"
        if not votes.get("Image name"):
            return Rejection("fer2013new.csv", key, "not_a_face", "empty image name (FER+ marks these as not faces)")
        try:
            winner = majority_label([float(votes[c]) for c in FERPLUS_COLUMNS])
        except (KeyError, ValueError):
            return Rejection("fer2013new.csv", key, "bad_votes", "vote counts missing or not numbers")
        if winner == "contempt" and self.contempt == "disgust":
            winner = "disgust"
        if winner not in FERPLUS_EMOTION:
            reason = {"unknown": "no_majority", "NF": "not_a_face", "contempt": "contempt_dropped"}[winner]
            return Rejection("fer2013new.csv", key, reason, f"FER+ majority label is {winner!r}")
        label = FERPLUS_EMOTION[winner]
        assert label < TASKS["emotion"].num_classes
        return fer_row_record("ferplus", f"ferplus/{index:05d}", pixels, "fer2013.csv", key, label=label)
