"""tf-keras backbones, multi-task heads, pretrained presets and export for face attributes."""

__version__ = "0.1.0"
