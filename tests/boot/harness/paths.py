"""
Where the harness finds things: the repository's top directory, which
every relative path in a case file, on a QEMU command line or in a
message is relative to, and show(), which writes a path for a message.
Reads nothing.
"""

import os

# tests/boot/harness/paths.py -> the repository.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def show(path):
    """A path for messages: relative to the repository if inside it."""
    path = os.path.abspath(os.path.join(REPO, path))
    return os.path.relpath(path, REPO) if path.startswith(REPO + "/") \
        else path
