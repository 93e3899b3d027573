"""Shared fixtures: tiny in-memory data and models with the facedata / facemodels contracts."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from faceschemas.flags import resolve  # noqa: E402
from mtl_methods import determinism, testing  # noqa: E402
from mtl_methods.runs import RunFolder  # noqa: E402

TASK_DATASETS = {"emotion": "synth_expw", "pose": "synth_aflw"}


def make_sources(tasks=("emotion", "pose"), n_train=48, **kwargs):
    return [testing.synthetic_source(TASK_DATASETS[t], t, n_train=n_train, seed=i + 1, **kwargs)
            for i, t in enumerate(tasks)]


def make_config(*argv, method=None, preset=None):
    return resolve(list(argv), method=method, preset=preset).config


@pytest.fixture
def setup(tmp_path):
    """(config, model, sources, run) for a resolved command line, seeded and deterministic."""

    def build(*argv, method=None, preset=None, dropout=0.0, n_train=48):
        config = make_config(*argv, method=method, preset=preset)
        determinism.configure(config.seed, deterministic=True)
        model = testing.tiny_model(config.tasks, dropout=dropout)
        run = RunFolder.create(tmp_path / "runs", config)
        return config, model, make_sources(config.tasks, n_train=n_train), run

    return build
