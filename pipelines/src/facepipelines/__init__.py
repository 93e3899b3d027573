"""Runnable Beam pipeline definitions and experiment suites."""

__version__ = "0.1.0"
