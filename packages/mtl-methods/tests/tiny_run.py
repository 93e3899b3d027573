"""Subprocess entry of the kill -9 test: trains the tiny model, optionally killing itself mid-run.

Usage: python tiny_run.py RUN_ROOT_OR_DIR new|resume OUT.npz PRESET [KILL_AT_STEP]
"""

from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from faceschemas.flags import resolve  # noqa: E402
from mtl_methods import determinism, testing  # noqa: E402
from mtl_methods.experiment import finish, make_trainer  # noqa: E402
from mtl_methods.runs import RunFolder  # noqa: E402
from mtl_methods.trainer import Trainer, TrainerOptions  # noqa: E402

ARGV = ["--tasks", "EP", "--epochs", "4", "--batch_size", "8", "--seed", "3", "--learning_rate", "0.01"]


def main(path: str, mode: str, out: str, preset: str, kill_at: int | None = None) -> None:
    config = resolve(ARGV, preset=preset).config
    determinism.configure(config.seed, deterministic=True)
    model = testing.tiny_model(config.tasks, dropout=0.3)
    sources = [testing.synthetic_source("synth_expw", "emotion", n_train=44, seed=1),
               testing.synthetic_source("synth_aflw", "pose", n_train=36, seed=2)]
    run = RunFolder.create(path, config) if mode == "new" else RunFolder(path)
    if kill_at is not None:
        original = Trainer._after_step

        def after_step(self, bar, done):
            original(self, bar, done)
            if int(self.state.global_step.numpy()) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)  # a real kill -9: no cleanup, no flush

        Trainer._after_step = after_step
    trainer = make_trainer(config, model, sources, run, options=TrainerOptions(checkpoint_every=4))
    if mode == "resume":
        assert trainer.resume(), "nothing to resume"
    trainer.fit()
    np.savez(out, *model.get_weights())  # the last weights, before best-checkpoint selection
    finish(trainer)
    print(run.path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else None)
