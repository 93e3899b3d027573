"""Process-wide thread settings of TensorFlow for the demo's small, per-frame model calls.

TensorFlow sizes its intra- and inter-op pools by the number of cores, and OpenCV (the detector,
the resizes) keeps a pool of its own. Our models are small (the FER2013 mini-Xception has 58k
parameters) and are called on a handful of faces at a time: split over threads, each op waits
for its slowest thread, and the threads of the two pools take cores from each other. Measured on
2 cores, the FER2013 model on a batch of 2 crops took 3.9 ms with TensorFlow's default pools and
2.8 ms with one thread each; the Haar video pipeline went from 42 to 56 frames/s, and MTCNN
(which runs on TensorFlow too) was not slower (0.20 s against 0.22 s on the portrait). `mtl demo
video` and `mtl demo serve` call `limit_tf_threads` before they build their pipeline.
"""

from __future__ import annotations

import contextlib
import logging
import os

log = logging.getLogger("facedemo")

DEMO_TF_THREADS = 1


def limit_tf_threads(threads: int = DEMO_TF_THREADS) -> bool:
    """Sets TensorFlow's intra- and inter-op pools to `threads` threads each.

    TensorFlow accepts this only before its runtime starts (the first op or model built in the
    process); later it keeps its pools, and this returns False (and says so in the log).
    """
    import tensorflow as tf

    threading = tf.config.threading
    if (threading.get_intra_op_parallelism_threads(), threading.get_inter_op_parallelism_threads()) == (threads,) * 2:
        return True
    try:
        threading.set_intra_op_parallelism_threads(threads)
        threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError as err:  # the runtime has started: its pools stay as they are
        log.info("TensorFlow threads not changed (%s)", str(err).strip().splitlines()[0])
        return False
    return True


@contextlib.contextmanager
def quiet_native_stderr():
    """Drops what native code (C++ logging) writes to file descriptor 2 inside the block.

    Python's own `sys.stderr` is untouched in name but shares the descriptor, so only wrap
    short native calls that print start-up lines (TensorFlow Lite's "Created ... delegate").
    """
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a detached process): nothing to quiet
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
