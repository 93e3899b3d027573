"""Helpers shared by the adapters: layout checks, safe path joins, image listings, CSV sniffing."""

from __future__ import annotations

import csv
import io
import os
import posixpath
from pathlib import Path

from facedata.sources.base import LayoutError, Rejection, SourceAdapter

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff")


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


def read_text_utf8(path: Path) -> str:
    """The text of a label file; LayoutError naming the file and line of a byte that is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise LayoutError(f"{path}: line {line}, column {column}: byte 0x{data[err.start]:02x} is not UTF-8 "
                          "(save the file as UTF-8)") from None


def sniff_delimiter(text: str, candidates: str = ",;\t") -> str:
    """The delimiter of a small CSV text, from its first line."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in candidates}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]) of a CSV file, cells and header names stripped.

    Blank lines are skipped; rows keep however many cells they have, so that a caller can
    quarantine rows with the wrong number of columns by line number.
    """
    text = read_text_utf8(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    header = [h.strip() for h in next(reader, [])]
    rows = [(reader.line_num, [v.strip() for v in row]) for row in reader if any(v.strip() for v in row)]
    return header, rows


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """CSV rows as dicts with whitespace-stripped header names (icml_face_data.csv has " pixels")."""
    header, rows = read_csv_table(path)
    return [dict(zip(header, row, strict=False)) for _, row in rows]


def escape_name(text: str) -> str:
    """`text` with every byte that is not UTF-8 (a surrogate-escaped file name) as %XX.

    File names on Linux are bytes; Python hands undecodable ones over as lone surrogates,
    which no sample id or JSON contract accepts. Names that are valid UTF-8 are unchanged.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    out = []
    for part in raw.decode("utf-8", "surrogateescape"):
        code = ord(part)
        out.append(f"%{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else part)
    return "".join(out)


def image_source(path: Path) -> dict[str, str | bytes]:
    """CanonicalRecord fields pointing at an image file: its path, or (for a file name that is
    not UTF-8, which a str field cannot hold) its bytes, read here."""
    if escape_name(str(path)) == str(path):
        return {"image_path": str(path)}
    return {"image_bytes": path.read_bytes()}


def normalise_relative(text: str) -> str:
    """A label file's relative path in one spelling: `./img//x.png` and `img/x.png` are one file."""
    return posixpath.normpath(text) if text else text


def relative_key(adapter: SourceAdapter, path: Path) -> str:
    """A path relative to the dataset root, with forward slashes (stable sample ids)."""
    return escape_name(path.relative_to(adapter.root).as_posix())
