"""Fault injection: 40 good images and 19 kinds of bad or odd input, two of each, through both
the `imagefolder` and the `csv` adapters (one raw folder serves both).

Every good image is written exactly once, every bad entry is quarantined with its reason, the
convertible ones (16-bit, RGBA, grey, CMYK, GIF, BMP) are converted and written, and nothing
crashes. Where a kind cannot occur for an adapter the table below says why (None).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import cv2
import facedata_readback as readback
import numpy as np
import pytest
from PIL import Image

from facedata.pipeline import prepare

CLASSES = ("angry", "happy", "sad", "neutral")
CONVERTIBLE = ("16bit", "rgba", "grey", "cmyk", "gif", "bmp")

#: kind -> (imagefolder outcome, csv outcome); "written", a quarantine reason, or None = not applicable.
KINDS = {
    "empty": ("empty_file", "empty_file"),
    "text_named_jpg": ("undecodable_image", "undecodable_image"),
    "truncated_jpeg": ("undecodable_image", "undecodable_image"),
    "truncated_png": ("undecodable_image", "undecodable_image"),
    "one_pixel": ("image_too_small", "image_too_small"),
    "oversized_header": ("image_too_large", "image_too_large"),
    **{kind: ("written", "written") for kind in CONVERTIBLE},
    "symlink_out_of_tree": ("symlink_escapes_dataset", "symlink_escapes_dataset"),
    # A CSV is UTF-8 text, so it cannot name a file whose name is not UTF-8: not applicable there.
    "non_utf8_name": ("written", None),
    # imagefolder: a class folder that is no class; csv: a label that is no class.
    "unknown_label": ("unknown_label", "unknown_label"),
    # imagefolder only lists files that exist: a dangling symbolic link is its missing file.
    "missing_file": ("missing_file", "missing_file"),
    "short_csv_row": (None, "wrong_column_count"),  # no CSV in imagefolder
    # A folder has one spelling per file: another spelling only exists in a list (csv).
    "other_spelling": (None, "duplicate_id"),
    "byte_identical_copy": ("duplicate_content", "duplicate_content"),
    "folder_named_like_image": ("not_a_file", "not_a_file"),
}


def _encode(array: np.ndarray, ext: str) -> bytes:
    ok, buf = cv2.imencode(ext, array)
    assert ok
    return buf.tobytes()


def _pil(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _noise(seed: int, size: int = 48, channels: int = 3, dtype=np.uint8, high: int = 256) -> np.ndarray:
    base = np.random.default_rng(seed).integers(0, high, (6, 6, channels)).astype(dtype)
    return cv2.resize(base, (size, size), interpolation=cv2.INTER_LINEAR).reshape(size, size, channels)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature, an IHDR announcing width x height, an empty IDAT and IEND: tiny on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def convertible(kind: str, seed: int) -> tuple[str, bytes]:
    """(file suffix, bytes) of an image that needs converting to 8-bit RGB."""
    rgb = _noise(seed)
    if kind == "16bit":
        return ".png", _encode(_noise(seed, channels=1, dtype=np.uint16, high=65536), ".png")
    if kind == "rgba":
        return ".png", _pil(Image.fromarray(rgb).convert("RGBA"), "PNG")
    if kind == "grey":
        return ".jpg", _encode(rgb[:, :, 0], ".jpg")
    if kind == "cmyk":
        return ".jpg", _pil(Image.fromarray(rgb).convert("CMYK"), "JPEG")
    if kind == "gif":
        return ".gif", _pil(Image.fromarray(rgb).convert("P"), "GIF")
    return ".bmp", _encode(rgb, ".bmp")


def write_raw(root: Path) -> dict:
    """Writes the raw folder and labels.csv; returns what each adapter must produce."""
    good, expect = {}, {"imagefolder": {}, "csv": {}}  # expect: relative path or key -> outcome
    rows: list[str] = []

    def put(relative: str, data: bytes) -> str:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
        return relative

    for i in range(40):
        ext = ".jpg" if i % 2 else ".png"
        relative = put(f"{CLASSES[i % 4]}/good{i:02d}{ext}", _encode(_noise(100 + i), ext))
        good[relative] = CLASSES[i % 4]
    for n in range(2):
        jpeg, png = _encode(_noise(200 + n), ".jpg"), _encode(_noise(210 + n), ".png")
        bad = {
            "empty": put(f"sad/empty{n}.jpg", b""),
            "text_named_jpg": put(f"sad/text{n}.jpg", f"not a JPEG, number {n}".encode()),
            "truncated_jpeg": put(f"sad/truncated{n}.jpg", jpeg[: len(jpeg) // 2]),
            "truncated_png": put(f"sad/truncated{n}.png", png[: len(png) // 2]),
            "one_pixel": put(f"sad/tiny{n}.png", _encode(_noise(220 + n, size=1), ".png")),
            "oversized_header": put(f"sad/huge{n}.png", png_header_only(12000 * (n + 1), 12000 * (n + 1))),
            "byte_identical_copy": put(f"angry/zcopy{n}.png", (root / f"angry/good{4 * n:02d}.png").read_bytes()),
        }
        for kind in CONVERTIBLE:
            ext, data = convertible(kind, 300 + 10 * n + CONVERTIBLE.index(kind))
            bad[kind] = put(f"neutral/{kind}{n}{ext}", data)
        outside = root.parent / f"outside{n}.jpg"
        outside.write_bytes(_encode(_noise(400 + n), ".jpg"))
        (root / f"happy/link{n}.jpg").symlink_to(outside)
        bad["symlink_out_of_tree"] = f"happy/link{n}.jpg"
        (root / f"happy/dangling{n}.jpg").symlink_to(root / f"happy/gone{n}.jpg")
        bad["missing_file"] = f"happy/dangling{n}.jpg"
        bad["unknown_label"] = put(f"bored/face{n}.png", _encode(_noise(500 + n), ".png"))
        (root / f"happy/folder{n}.jpg").mkdir()
        bad["folder_named_like_image"] = f"happy/folder{n}.jpg"
        with open(os.fsencode(root / "happy") + f"/caf\xe9{n}.jpg".encode("latin-1"), "wb") as odd:
            odd.write(_encode(_noise(600 + n), ".jpg"))
        expect["imagefolder"][f"happy/caf%E9{n}.jpg"] = "written"
        for kind, relative in bad.items():
            folder_outcome, csv_outcome = KINDS[kind]
            expect["imagefolder"][relative] = folder_outcome
            expect["csv"][relative] = csv_outcome
            rows.append(f"{relative},{'bored' if kind == 'unknown_label' else relative.split('/')[0]}")
        # csv-only kinds: a short row (its file is a good image listed elsewhere) and another spelling.
        rows.append(f"angry/good{8 + n:02d}.png")
        expect["csv"][f"line@short{n}"] = "wrong_column_count"
        rows.append(f"./happy/good{4 * n + 1:02d}.jpg,happy")
        expect["csv"][f"dup@happy/good{4 * n + 1:02d}.jpg"] = "duplicate_id"
    for relative, label in good.items():
        expect["imagefolder"][relative] = expect["csv"][relative] = "written"
        rows.append(f"{relative},{label}")
    (root / "labels.csv").write_text("path,emotion\n" + "\n".join(rows) + "\n")
    expect["imagefolder"]["labels.csv"] = "outside_class_folder"  # the csv adapter's list file
    return expect


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    expect = write_raw(root / "raw")
    out = {name: prepare(name, root / "raw", root / "out", image_size=32) for name in ("imagefolder", "csv")}
    return root, expect, out


def _quarantined(root: Path, adapter: str) -> dict[str, str]:
    """{relative path: reason} of the quarantine, whatever the step that rejected it."""
    found = {}
    for line in readback.quarantine(root / "out" / adapter):
        key = line["key"].removeprefix(f"{adapter}/")
        if line["reason"] == "wrong_column_count":
            key = f"line@short{sum(k.startswith('line@') for k in found)}"
        elif line["reason"] == "duplicate_id":
            key = f"dup@{key}"
        elif line["key"].startswith("line "):  # other csv adapter rejections name the line
            key = next(r for r in _csv_rows(root) if r[0] == int(line["key"].split()[1]))[1]
        found[key] = line["reason"]
    return found


def _csv_rows(root: Path) -> list[tuple[int, str]]:
    lines = (root / "raw" / "labels.csv").read_text().splitlines()
    return [(number, line.split(",")[0]) for number, line in enumerate(lines, start=1)]


@pytest.mark.parametrize("adapter", ["imagefolder", "csv"])
def test_every_entry_is_written_once_or_quarantined_with_its_reason(prepared, adapter):
    root, expect, manifests = prepared
    want = {k: v for k, v in expect[adapter].items() if v is not None}
    written = readback.records(root / "out" / adapter)
    assert sum(s.count for s in manifests[adapter].splits.values()) == len(written)  # each id once
    assert {k.removeprefix(f"{adapter}/") for k in written} == {k for k, v in want.items() if v == "written"}
    assert _quarantined(root, adapter) == {k: v for k, v in want.items() if v != "written"}


@pytest.mark.parametrize("adapter", ["imagefolder", "csv"])
def test_convertible_images_come_out_as_8bit_rgb(prepared, adapter):
    root, _, _ = prepared
    written = readback.records(root / "out" / adapter)
    for kind in CONVERTIBLE:
        for n in range(2):
            (_, _, example), = [v for k, v in written.items() if f"/{kind}{n}." in k]
            feature = example.features.feature
            image = cv2.imdecode(np.frombuffer(feature["image/encoded"].bytes_list.value[0], np.uint8),
                                 cv2.IMREAD_UNCHANGED)
            assert image.shape == (32, 32, 3) and image.dtype == np.uint8, kind


def test_expected_table_has_two_of_each_of_at_least_18_kinds(prepared):
    _, expect, _ = prepared
    assert len(KINDS) >= 18
    assert sum(v == "written" for v in expect["imagefolder"].values()) == 40 + 2 * len(CONVERTIBLE) + 2
