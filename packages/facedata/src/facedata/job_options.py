"""Limits of the preprocessing job's options, checked before any work (and before Beam is imported)."""

from __future__ import annotations

MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 8, 1024
MAX_SHARDS = 99_999  # shard names are <split>-NNNNN-of-MMMMM
MAX_WORKERS = 1024
#: Default pixel limit (width x height), checked from the image header before decoding: a 0.7 MB
#: PNG of 16000x16000 decodes to 768 MB of RGB and pushed one worker to 1.7 GB.
DEFAULT_MAX_PIXELS = 50_000_000


def check_job_options(*, image_size: int, num_shards: int | None = None, max_pixels: int = 1,
                      workers: int | None = None) -> None:
    """ValueError (one line, naming the option) for a value no job can honour."""
    if not MIN_IMAGE_SIZE <= image_size <= MAX_IMAGE_SIZE:
        raise ValueError(f"--image-size must be {MIN_IMAGE_SIZE} to {MAX_IMAGE_SIZE} pixels, got {image_size}")
    if num_shards is not None and not 1 <= num_shards <= MAX_SHARDS:
        raise ValueError(f"--num-shards must be 1 to {MAX_SHARDS}, got {num_shards}")
    if max_pixels < 1:
        raise ValueError(f"--max-pixels must be at least 1, got {max_pixels}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"--workers must be 1 to {MAX_WORKERS}, got {workers}")
