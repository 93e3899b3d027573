"""One module per top-level `mtl` command; each exposes `command`."""
