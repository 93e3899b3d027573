"""The `mtl` command: thin click commands that validate input and call the library packages."""

__version__ = "0.1.0"
