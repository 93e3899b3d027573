"""The folder layouts of the toolkit's outputs: every file and folder name, spelled once.

DESIGN.md "Outputs": a prepared dataset folder, a run folder and the synthetic benchmark folder.
Writers and readers in every package take the names from here, so a name changes in one place
(tests/test_house_rules.py fails on a name spelled anywhere else). Stdlib only.
"""

from __future__ import annotations


class DatasetLayout:
    """`<out>/<dataset>/`: shards, then quarantine.jsonl, then manifest.json (written last)."""

    MANIFEST = "manifest.json"
    QUARANTINE = "quarantine.jsonl"
    SHARD_SUFFIX = ".tfrecord"

    @staticmethod
    def shard_name(split: str, index: int, total: int) -> str:
        """`<split>-NNNNN-of-MMMMM.tfrecord`."""
        return f"{split}-{index:05d}-of-{total:05d}{DatasetLayout.SHARD_SUFFIX}"


class RunLayout:
    """`runs/<timestamp>-<method>-<tasks>/`: config first, metrics per epoch, report and model last."""

    CONFIG = "config.json"
    METRICS = "metrics.jsonl"
    REPORT = "report.json"
    MODEL = "model.keras"
    CHECKPOINTS = "checkpoints"
    BEST = "best"  # inside checkpoints/: the best validation weights
    CONFUSION = "confusion"
    PSEUDO = "pseudo"
    PSEUDO_TABLES = "epoch-*.csv"  # every pseudo-label table inside pseudo/
    TENSORBOARD = "tensorboard"

    @staticmethod
    def pseudo_table(epoch: int, task: str) -> str:
        """`epoch-NNN-<task>.csv`, inside pseudo/: one target refresh of one task."""
        return f"epoch-{epoch:03d}-{task}.csv"

    @staticmethod
    def pseudo_table_task(name: str) -> str:
        """The task of a pseudo-label table's file name."""
        return name.removesuffix(".csv").split("-", 2)[2]


class BenchmarkLayout:
    """The synthetic benchmark folder written by `mtl data synth` (facedata.synth)."""

    STAMP = "benchmark.json"  # the benchmark's stamp; also inside full_labels/
    RAW = "raw"  # released raw datasets, one folder each
    RAW_FULL = "raw_full"  # raw copies labelled on every task (the oracle's input)
    HIDDEN_TRUTH = "hidden_truth"  # <dataset>.jsonl: every image's full attribute vector
    FULL_LABELS = "full_labels"  # prepared oracle copies, one dataset folder each
    TRUTH_SUFFIX = ".jsonl"
    # Inside each raw/<dataset>/ and raw_full/<dataset>/ folder (read by the `synth` adapter):
    RAW_LABELS = "labels.csv"  # sample_id, file, split and one column per released task
    RAW_TRUTH = "truth.csv"  # the flat clean attributes (raw/ only)
    RAW_IMAGES = "images"  # <sample_id>.png

    @staticmethod
    def hidden_truth_file(dataset: str) -> str:
        """`<dataset>.jsonl`, inside hidden_truth/."""
        return f"{dataset}{BenchmarkLayout.TRUTH_SUFFIX}"


class KerasFileLayout:
    """Member and file names of the Keras / TensorFlow model formats (theirs, not ours).

    Read when a model file is vetted before loading (facemodels.model_files).
    """

    ARCHIVE_CONFIG = "config.json"  # the model config inside a zip `.keras` archive
    SAVED_MODEL = "saved_model.pb"
    KERAS_METADATA = "keras_metadata.pb"
