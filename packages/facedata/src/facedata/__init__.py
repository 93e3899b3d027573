"""Beam preprocessing of face datasets into sharded TFRecords, tf.data readers, and the synthetic benchmark."""

__version__ = "0.1.0"
