"""Training strategies and method presets for multi-task learning on disjoint datasets."""

__version__ = "0.1.0"
