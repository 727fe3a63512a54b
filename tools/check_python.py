"""Stop early, with a clear message, when the Python interpreter is too old for the book.

Run by ``make setup`` (and ``make student-notebooks``) with the interpreter that will
create the virtual environment, before anything is installed. The minimum version is
read from ``requires-python`` in ``pyproject.toml``; the pinned packages need Python
3.11 and the book build 3.11.5. Written for any Python 3, so that an old interpreter
gets this message rather than a syntax error.
"""

import os
import re
import sys

PYPROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")


def needed_version(pyproject=PYPROJECT):
    """The minimum version of ``requires-python = ">=X.Y.Z"`` as a tuple of ints."""
    with open(pyproject, encoding="utf-8") as handle:
        match = re.search(r'^requires-python\s*=\s*">=\s*([0-9.]+)"', handle.read(), re.M)
    if not match:
        raise SystemExit('pyproject.toml has no requires-python = ">=X.Y.Z"')
    return tuple(int(part) for part in match.group(1).split("."))


def problem(found, needed, executable="python3"):
    """The message for interpreter version ``found`` if it is older than ``needed``, else None."""
    found, needed = tuple(found)[:3], tuple(needed)
    if found >= needed:
        return None
    return (
        "Python {found} ({executable}) is too old for this book: it needs Python {needed} "
        "or newer (requires-python in pyproject.toml; the pinned packages need 3.11 and "
        "the book build 3.11.5).\nInstall a newer Python and point make at it, for "
        "example: make setup PYTHON=python3.12"
    ).format(
        found=".".join(map(str, found)),
        needed=".".join(map(str, needed)),
        executable=executable,
    )


def main():
    message = problem(sys.version_info, needed_version(), sys.executable)
    if message:
        sys.stderr.write(message + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
