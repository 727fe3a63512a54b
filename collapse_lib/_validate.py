"""Argument checking shared by the whole library.

Every public entry point validates its arguments with these helpers, so that a bad
value raises a ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind,
wrong value) whose message names the argument and repeats the value.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np


def _check_int(name: str, value, *, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise naming ``name``.

    Booleans are rejected (``True`` is not a sample size); integral floats are
    rejected too, so ``n=10.0`` is a ``TypeError`` rather than a silent cast.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _check_real(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside the given bounds, or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        op = ">" if low_open else ">="
        raise ValueError(f"{name} must be {op} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        op = "<" if high_open else "<="
        raise ValueError(f"{name} must be {op} {high}, got {value}")
    return value


def _check_keys(name: str, value, *, of: str, allowed) -> dict:
    """Return the optional mapping ``value`` (None gives ``{}``) whose keys all belong to
    ``allowed`` (the keys of the argument ``of``), or raise naming ``name``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping (a dict) or None, got {value!r}")
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise ValueError(
            f"{name} names {unknown!r}, which {of} does not hold; {of} holds {list(allowed)!r}"
        )
    return dict(value)


def _check_choice(name: str, value, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices`` (strings), else raise."""
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {choices}, got {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def _as_real_array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """Convert ``value`` to a finite float64 array, or raise naming ``name``."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric, got {value!r}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def _check_probs(name: str, value, *, atol: float = 1e-9) -> np.ndarray:
    """Return a probability vector (1-D, non-negative, summing to 1)."""
    arr = _as_real_array(name, value, ndim=1)
    if arr.size < 2:
        raise ValueError(f"{name} must have at least 2 entries, got {arr.size}")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    total = arr.sum()
    if abs(total - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1, got sum {total!r}")
    return arr / total


def _as_int_array(name: str, value, *, minimum: int | None = None) -> np.ndarray:
    """Return ``value`` (an integer or an array of integers) as an int64 array, or raise.

    Floats are rejected even when integral, booleans too, so that a mistyped size is
    reported instead of being silently cast.
    """
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError(f"{name} must be an integer or an array of integers, got {value!r}")
    arr = np.asarray(value)
    if arr.dtype == object and arr.ndim == 0 and isinstance(value, numbers.Integral):
        arr = np.asarray(int(value))
    if arr.size == 0 and arr.dtype != bool:
        arr = arr.astype(np.int64)  # an empty list has no integer dtype of its own
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be an integer or an array of integers, got {value!r} (dtype {arr.dtype})"
        )
    arr = arr.astype(np.int64)
    if minimum is not None and arr.size and arr.min() < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return arr
