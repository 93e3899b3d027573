"""Helpers shared by the adapters: layout checks, safe path joins, image listings, CSV sniffing."""

from __future__ import annotations

import csv
from pathlib import Path

from facedata.sources.base import LayoutError, Rejection, SourceAdapter

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def require(adapter: SourceAdapter, *candidates: str) -> Path:
    """The first of `candidates` (paths relative to the root) that exists, else LayoutError."""
    for relative in candidates:
        path = adapter.root / relative
        if path.exists():
            return path
    raise LayoutError(
        f"{adapter.root} is not a {adapter.name} dataset: expected {adapter.expected_layout}"
    )


def safe_image(adapter: SourceAdapter, relative: str, source: str, key: str) -> str | Rejection:
    """Absolute path of an image named in a label file, or a Rejection if it escapes the root."""
    try:
        return adapter.resolve_image(relative)
    except ValueError as err:
        return Rejection(source=source, key=key, reason="path_escapes_dataset", message=str(err))


def list_images(folder: Path) -> list[Path]:
    """Image files directly inside `folder`, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def sniff_delimiter(path: Path, candidates: str = ",;\t") -> str:
    """The delimiter of a small CSV file, from its first line."""
    with open(path, newline="", encoding="utf-8") as src:
        first = src.readline()
    counts = {d: first.count(d) for d in candidates}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """CSV rows as dicts with whitespace-stripped header names (icml_face_data.csv has " pixels")."""
    with open(path, newline="", encoding="utf-8") as src:
        reader = csv.reader(src, delimiter=sniff_delimiter(path))
        header = [h.strip() for h in next(reader, [])]
        return [dict(zip(header, (v.strip() for v in row), strict=False)) for row in reader if row]


def relative_key(adapter: SourceAdapter, path: Path) -> str:
    """A path relative to the dataset root, with forward slashes (stable sample ids)."""
    return path.relative_to(adapter.root).as_posix()
