"""Pseudo-label selection and weighting: confidence, local density, distribution distance (numpy, scikit-learn, POT)."""

__version__ = "0.1.0"
