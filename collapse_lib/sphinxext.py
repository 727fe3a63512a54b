"""Sphinx extension: build the book with static explorers.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions``. It sets
``os.environ[collapse_lib.widgets.MODE_ENV] = "static"`` in the build process,
so every kernel the build starts to execute a chapter inherits it and
:func:`collapse_lib.widgets.explore` precomputes its frames for the HTML page.
"""

import os

from collapse_lib.widgets import MODE_ENV


def setup(app):
    """Register the extension (Sphinx entry point)."""
    os.environ[MODE_ENV] = "static"
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
