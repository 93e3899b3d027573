"""The one exception of the demo: an input it cannot use, told in one line."""

from __future__ import annotations


class BadInputError(ValueError):
    """A file or frame the demo cannot use (unreadable, not an image, truncated, corrupt, ...).

    The message is one line naming the file and the reason; the run reports it and goes on.
    """
