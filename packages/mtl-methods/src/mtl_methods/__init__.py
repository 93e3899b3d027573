"""Training strategies and method presets for multi-task learning on disjoint datasets.

The trainer receives a built tf_keras model (outputs `{task}`, `{task}_logits`, `{task}_features`)
and `DataSource`s by injection; it never imports facedata or facemodels.
"""

__version__ = "0.1.0"
