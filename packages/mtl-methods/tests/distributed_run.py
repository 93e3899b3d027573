"""Subprocess entry of the tf.distribute tests: a few steps of the tiny model, weights to OUT.npz.

Usage: python distributed_run.py mirrored OUT.npz RUN_ROOT
       python distributed_run.py multiworker OUT.npz RUN_ROOT WORKER_INDEX PORT0 PORT1
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def strategy(kind: str, args: list[str]):
    import tensorflow as tf

    if kind == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    index, ports = int(args[0]), args[1:3]
    os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                                          "task": {"type": "worker", "index": index}})
    return tf.distribute.MultiWorkerMirroredStrategy()


def main(kind: str, out: str, root: str, *rest: str) -> None:
    import numpy as np

    from faceschemas.flags import resolve
    from mtl_methods import determinism, testing
    from mtl_methods.experiment import train
    from mtl_methods.runs import RunFolder

    dist = strategy(kind, list(rest))
    config = resolve(["--tasks", "EP", "--epochs", "2", "--batch_size", "8", "--steps_per_epoch", "3",
                      "--learning_rate", "0.01", "--distribute", kind], preset="dml-lwf").config
    determinism.configure(config.seed, deterministic=True)
    with dist.scope():
        model = testing.tiny_model(config.tasks)
    sources = [testing.synthetic_source("synth_expw", "emotion", n_train=32, seed=1),
               testing.synthetic_source("synth_aflw", "pose", n_train=32, seed=2)]
    run = RunFolder.create(root, config)
    train(config, model, sources, run, distribution=dist)
    np.savez(out, *model.get_weights())
    print(dist.num_replicas_in_sync, "replicas")


if __name__ == "__main__":
    main(*sys.argv[1:])
