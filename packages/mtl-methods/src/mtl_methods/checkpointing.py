"""Resumable checkpoints: last + previous, with fallback when the newest is truncated (pitfalls)."""

from __future__ import annotations

import logging
import os

import tensorflow as tf

log = logging.getLogger(__name__)


class CheckpointKeeper:
    """One tf.train.Checkpoint of everything that makes a resume exact, kept two deep."""

    def __init__(self, directory: str, **objects) -> None:
        self.checkpoint = tf.train.Checkpoint(**objects)
        self.manager = tf.train.CheckpointManager(self.checkpoint, directory, max_to_keep=2)

    def save(self, number: int) -> str:
        return self.manager.save(checkpoint_number=number)

    def restore_latest(self) -> str | None:
        """Restores the newest readable checkpoint; warns and falls back when one is damaged."""
        for path in reversed(self.manager.checkpoints):
            try:
                self.checkpoint.restore(path).assert_existing_objects_matched()
                return path
            except (tf.errors.OpError, OSError, ValueError, IndexError, AssertionError) as err:
                message = str(err).splitlines()[0] if str(err) else type(err).__name__
                log.warning("checkpoint %s is unreadable (%s); falling back to the previous one", path, message)
                print(f"warning: checkpoint {os.path.basename(path)} is unreadable ({message}); "
                      "falling back to the previous one", flush=True)
        return None
