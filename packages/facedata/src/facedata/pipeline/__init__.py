"""The preprocessing job: raw dataset folder -> sharded TFRecords, quarantine.jsonl, manifest.json.

`prepare` is the Python entry point; `run(argv)` the thin command-line one (Beam layer 3).
"""

from __future__ import annotations

from facedata.pipeline.job import QuarantineNotEmpty, prepare, run

__all__ = ["QuarantineNotEmpty", "prepare", "run"]
