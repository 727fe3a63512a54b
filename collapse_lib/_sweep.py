r"""Parameter sweeps that scale from one process to a Dask cluster: :func:`sweep`.

A sweep evaluates a function at every point of a grid -- the Cartesian product of a
few named value lists -- and collects what it returns into one labelled
``xarray.Dataset``, with one dimension per grid parameter. The same call runs in
the calling process or, given a ``dask.distributed.Client``, on local processes
or a cluster, and gives bit-identical numbers however the work is split: the random
stream of each point is derived from the root seed and the point's position in the
grid, never from the order in which points are computed.

``collapse_lib.sweep`` is this function; its module is loaded on first use, so
``import collapse_lib`` does not import xarray, Zarr or Dask.

**The function of a point.** ``func`` receives the point's parameters as keyword
arguments, together with ``seed`` and ``replicates``::

    func(**point, seed=seed, replicates=replicates)

``seed`` is the point's own ``numpy.random.SeedSequence`` (pass it on, e.g. to
:func:`collapse_lib.simulate` or :func:`numpy.random.default_rng`) and ``replicates``
is the same number at every point. ``func`` returns its *summaries*: a mapping from
names to values (or an ``xarray.Dataset``). A value is

* a number (a 0-d summary),
* a pair ``(dims, array)``, naming the array's dimensions, e.g. ``("t", means)``, or
* an ``xarray.DataArray``, whose dimensions and dimension coordinates are kept.

Every point must return the same names, dimensions, shapes, dtypes and coordinates.

**Seeds.** With root ``SeedSequence(entropy, spawn_key=k)`` (from ``seed``), the point
with indices :math:`(i_1, \dots, i_d)` in the grid receives

.. code-block:: python

    SeedSequence(entropy, spawn_key=(*k, i1, ..., id))

so a point can be recomputed on its own, and appending values to a grid's lists leaves
the numbers of the existing points unchanged.

**Stores.** With ``store=`` a sweep writes every finished point to a Zarr directory
(format 2, one chunk per point) as soon as it is finished, and a rerun with the same
grid, seed and ``replicates`` computes only the points that are missing. An interrupted
sweep loses at most the points that were being computed. A finished store opens with
:func:`xarray.open_zarr` (its variable ``_finished`` marks the points done; an
unfinished one with ``consolidated=False``).
"""

from __future__ import annotations

import inspect
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from ._rng import _as_seed_sequence
from ._validate import _check_int, _check_real

__all__ = ["sweep"]

#: Keyword arguments that ``sweep`` passes to ``func`` itself (not grid names).
_RESERVED = ("seed", "replicates")
#: Variable of a store that marks the finished points.
_FINISHED = "_finished"
#: Version of the store layout, in the store's attributes.
_STORE_FORMAT = 1
#: Default number of Dask tasks per worker thread (``chunk=None``).
_TASKS_PER_THREAD = 16


def sweep(
    func,
    grid,
    *,
    replicates,
    seed,
    client=None,
    chunk=None,
    store=None,
    progress=True,
    max_bytes=2e9,
):
    r"""Evaluate ``func`` at every point of ``grid``; return the summaries as a Dataset.

    The points run one after the other in this process, or as Dask tasks on the workers
    of ``client``. Each point draws from its own seed, derived from ``seed`` and the
    point's position in the grid (see the module docstring), so the result is the same
    bit for bit either way, and whatever ``chunk`` is.

    Parameters
    ----------
    func : callable
        Called as ``func(**point, seed=seed, replicates=replicates)`` for every grid
        point; returns a mapping of summary names to numbers, ``(dims, array)`` pairs
        or ``xarray.DataArray`` objects (see the module docstring). It must accept
        every grid name and ``seed`` and ``replicates`` as keyword arguments. On the
        client path it is sent to the workers (with ``cloudpickle``).
    grid : mapping of str to sequence
        Parameter names and their value lists: numbers, strings or booleans, distinct
        and finite. The grid is their Cartesian product, in the mapping's order.
    replicates : int
        Passed unchanged to every call of ``func``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The root of every point's seed (see the module docstring). ``None`` draws fresh
        entropy; the result records it in ``attrs["seed_entropy"]``.
    client : dask.distributed.Client, optional
        Run the points as Dask tasks on this client's workers (a ``LocalCluster`` or
        any cluster). Without it the points run one after the other in this process.
    chunk : int, optional
        Grid points per Dask task on the client path (default: about 16 tasks per
        worker thread). The result does not depend on it.
    store : str or path-like, optional
        A Zarr directory. Finished points are written to it as they complete and are
        not computed again when the sweep is rerun with the same grid, seed and
        ``replicates``.
    progress : bool
        Show a progress bar (``tqdm``, in terminals and notebooks).
    max_bytes : float
        Refuse a sweep whose results would need more memory than this (checked as soon
        as the first point has shown the size of its summaries, before allocating).

    Returns
    -------
    xarray.Dataset
        One variable per summary, with the grid parameters as the leading dimensions
        (their values as coordinates) followed by the summary's own dimensions.
        Attributes: ``collapse_lib_version``, ``seed_entropy`` and ``seed_spawn_key``
        (JSON text: ``SeedSequence(json.loads(attrs["seed_entropy"]), spawn_key=...)``
        is the root seed), ``grid`` (JSON text), ``replicates`` and ``func`` (its
        qualified name).

    Raises
    ------
    TypeError, ValueError
        Before any work starts, for a bad argument, naming it and its value: an empty
        grid or value list, a grid name that ``func`` does not accept, a non-finite or
        repeated value, a store written by a sweep with another grid, seed or
        ``replicates``. While running, as soon as a point returns summaries whose
        names, dimensions, shapes, dtypes or coordinates differ from those of an
        earlier point, naming both points.

    See Also
    --------
    collapse_lib.simulate : The simulation that a function of a grid point usually runs.

    Examples
    --------
    Heads in ``n`` tosses of a coin with bias ``p``, ``replicates`` times per point:

    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> def coin(*, p, n, seed, replicates):
    ...     heads = np.random.default_rng(seed).binomial(n, p, size=replicates)
    ...     share = heads / n
    ...     return {"mean": share.mean(), "quantiles": ("q", np.quantile(share, [0.1, 0.9]))}
    >>> ds = cl.sweep(coin, {"p": [0.2, 0.5], "n": [10, 100, 1000]}, replicates=10_000,
    ...               seed=1, progress=False)
    >>> ds["mean"].dims, ds["quantiles"].shape
    (('p', 'n'), (2, 3, 2))
    >>> print(ds["mean"].sel(p=0.5, n=1000).round(2).item())
    0.5
    """
    names, values = _check_grid(grid)
    _check_func(func, names)
    replicates = _check_int("replicates", replicates, minimum=1)
    root = _as_seed_sequence(seed)
    if chunk is not None:
        chunk = _check_int("chunk", chunk, minimum=1)
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    max_bytes = _check_real("max_bytes", max_bytes, low=0.0, low_open=True)
    if client is not None:
        from distributed import Client

        if not isinstance(client, Client):
            raise TypeError(f"client must be a dask.distributed.Client, got {client!r}")

    from . import __version__

    attrs = {
        "collapse_lib_version": __version__,
        "seed_entropy": json.dumps(root.entropy),
        "seed_spawn_key": json.dumps(list(root.spawn_key)),
        "grid": json.dumps({n: v.tolist() for n, v in zip(names, values)}),
        "replicates": replicates,
        "func": _func_name(func),
    }
    results = _Results(names, values, attrs, max_bytes)
    if store is not None:
        results.attach(_Store(store, names, values, attrs))

    shape = results.shape
    points = [
        (index, {n: v[i].item() for n, v, i in zip(names, values, index)})
        for index in np.ndindex(shape)
        if not results.finished[index]
    ]
    from tqdm.auto import tqdm

    with tqdm(
        total=math.prod(shape),
        initial=math.prod(shape) - len(points),
        unit="point",
        desc="sweep",
        disable=not progress,
    ) as bar:
        if client is None:
            for item in points:
                results.accept(*_run_points(func, root, [item], replicates)[0])
                bar.update(1)
        else:
            _run_on_client(client, func, root, points, replicates, chunk, results, bar)
    if results.store is not None:
        results.store.finish()
    return results.dataset()


# --- checking the arguments -------------------------------------------------------------


def _check_grid(grid):
    """Grid names and their values as 1-d arrays (int64, float64, bool or str)."""
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping of parameter names to value lists, got {grid!r}")
    if not grid:
        raise ValueError(f"grid must name at least one parameter, got {grid!r}")
    names, values = [], []
    for name, given in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(
                f"grid names must be Python identifiers (keywords of func), got {name!r}"
            )
        if name in _RESERVED:
            raise ValueError(
                f"grid may not contain {name!r}: sweep passes seed= and replicates= to func itself"
            )
        names.append(name)
        values.append(_grid_values(f"grid[{name!r}]", given))
    return names, values


def _grid_values(label, given):
    if isinstance(given, (str, bytes, Mapping)) or np.ndim(given) != 1:
        raise TypeError(f"{label} must be a flat list of values, got {given!r}")
    arr = np.asarray(given)
    if arr.size == 0:
        raise ValueError(f"{label} is empty; give at least one value, got {given!r}")
    strings = arr.dtype.kind == "U" and all(isinstance(v, str) for v in given)
    if not strings and arr.dtype.kind not in "biuf":
        raise TypeError(f"{label} must hold numbers, strings or booleans (one kind), got {given!r}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{label} must be finite, got {given!r}")
        arr = arr.astype(np.float64)
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)
    if np.unique(arr).size < arr.size:
        raise ValueError(f"{label} repeats a value, got {given!r}")
    return arr


def _check_func(func, names):
    """Refuse a ``func`` that cannot be called with the grid's names, seed and replicates."""
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}")
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # some builtins have no signature: nothing to check
        return
    params = sig.parameters.values()
    any_keyword = any(p.kind is p.VAR_KEYWORD for p in params)
    keywords = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    described = f"func {_func_name(func)}{sig}"
    if not any_keyword:
        for name in names:
            if name not in keywords:
                raise ValueError(
                    f"grid name {name!r} is not a parameter of {described}; every grid "
                    "name is passed to func as a keyword argument"
                )
        for name in _RESERVED:
            if name not in keywords:
                raise TypeError(f"{described} must accept the keyword argument {name!r}")
    supplied = {*names, *_RESERVED}
    for p in params:
        keyword = p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        if p.default is p.empty and (
            p.kind is p.POSITIONAL_ONLY or (keyword and p.name not in supplied)
        ):
            raise ValueError(
                f"{described} needs the argument {p.name!r}, which grid does not give "
                f"(grid names: {names})"
            )


def _func_name(func):
    return getattr(func, "__qualname__", None) or type(func).__qualname__


def _label(point):
    """``(p=1.5, estimator='mle')``: a grid point as text."""
    return "(" + ", ".join(f"{k}={v!r}" for k, v in point.items()) + ")"


# --- running points -------------------------------------------------------------------


def _run_points(func, root, items, replicates):
    """Run ``func`` at each ``(index, point)`` of ``items``; return their summaries.

    The same function runs serially and inside every Dask task, so both paths compute
    exactly the same thing.
    """
    out = []
    for index, point in items:
        seed = np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, *index), pool_size=root.pool_size
        )
        try:
            result = func(**point, seed=seed, replicates=replicates)
        except Exception as exc:
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(f"(raised by func at the grid point {_label(point)})")
            raise
        out.append((index, point, _summaries(result, point)))
    return out


def _run_on_client(client, func, root, points, replicates, chunk, results, bar):
    """Submit the points as Dask tasks of ``chunk`` points; accept results as they come."""
    from distributed import as_completed

    if not points:
        return
    if chunk is None:
        chunk = _default_chunk(len(points), sum(client.nthreads().values()))
    # one copy of func per worker instead of one per task
    [func_future] = client.scatter([func], broadcast=True, hash=False)
    futures = [
        client.submit(_run_points, func_future, root, points[a : a + chunk], replicates, pure=False)
        for a in range(0, len(points), chunk)
    ]
    try:
        for _, part in as_completed(futures, with_results=True):
            for done in part:
                results.accept(*done)
            bar.update(len(part))
    finally:
        client.cancel([*futures, func_future])


def _default_chunk(points, threads):
    """Points per task for about ``_TASKS_PER_THREAD`` tasks per worker thread."""
    return max(1, -(-points // (_TASKS_PER_THREAD * max(threads, 1))))


# --- summaries ------------------------------------------------------------------------


def _summaries(result, point):
    """``func``'s result as ``{name: (dims, array, coords)}``, or raise naming the point."""
    where = f"at the grid point {_label(point)}"
    if isinstance(result, xr.Dataset):
        result = dict(result.data_vars)
    if not isinstance(result, Mapping):
        raise TypeError(
            f"func must return a mapping of summary names to values, got {result!r} {where}"
        )
    if not result:
        raise ValueError(f"func returned no summaries {where}")
    out = {}
    for name, value in result.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"summary names must be non-empty strings, got {name!r} {where}")
        coords = {}
        if isinstance(value, xr.DataArray):
            dims = tuple(str(d) for d in value.dims)
            coords = {d: np.asarray(value[d].values) for d in dims if d in value.coords}
            arr = np.asarray(value.values)
        elif isinstance(value, tuple):
            if len(value) != 2:
                raise TypeError(
                    f"summary {name!r} must be a pair (dims, array), got {len(value)} items {where}"
                )
            dims = (value[0],) if isinstance(value[0], str) else tuple(value[0])
            arr = np.asarray(value[1])
            if not all(isinstance(d, str) for d in dims) or len(dims) != arr.ndim:
                raise ValueError(
                    f"summary {name!r} names dimensions {value[0]!r} for an array of shape "
                    f"{arr.shape} {where}: give one name per dimension"
                )
        else:
            arr = np.asarray(value)
            dims = ()
            if arr.ndim:
                raise TypeError(
                    f"summary {name!r} is an array of shape {arr.shape} {where}; return "
                    f"({', '.join(repr(f'dim_{i}') for i in range(arr.ndim))}, array) or "
                    "an xarray.DataArray to name its dimensions"
                )
        if arr.dtype.kind not in "biufc":
            raise TypeError(
                f"summary {name!r} must be numeric or boolean, got dtype {arr.dtype} {where}"
            )
        out[name] = (dims, arr, coords)
    return out


def _describe(summary):
    dims, arr, _ = summary
    return f"dims {dims}, shape {arr.shape}, dtype {arr.dtype}"


def _check_same(template, got, where_template, where_got):
    """Raise if the summaries ``got`` differ in form from ``template``."""
    if set(got) != set(template):
        raise ValueError(
            f"func returned the summaries {sorted(template)} {where_template} but "
            f"{sorted(got)} {where_got}; every grid point must return the same summaries"
        )
    for name, (dims, arr, coords) in got.items():
        t_dims, t_arr, t_coords = template[name]
        if dims != t_dims or arr.shape != t_arr.shape or arr.dtype != t_arr.dtype:
            raise ValueError(
                f"summary {name!r} has {_describe(template[name])} {where_template} but "
                f"{_describe(got[name])} {where_got}; every grid point must return the "
                "same dimensions, shapes and dtypes"
            )
        if set(coords) != set(t_coords) or any(
            not np.array_equal(coords[d], t_coords[d]) for d in coords
        ):
            raise ValueError(
                f"summary {name!r} has the coordinates {t_coords} {where_template} but "
                f"{coords} {where_got}; every grid point must return the same coordinates"
            )


def _check_template(template, names, where):
    """Summary names and dimensions must fit together and with the grid's names."""
    sizes, labels = {}, {}
    all_dims = {d for dims, _, _ in template.values() for d in dims}
    for name, (dims, arr, coords) in template.items():
        if name in names or name in all_dims or name == _FINISHED:
            raise ValueError(
                f"func returned a summary named {name!r} {where}, which is also the name of "
                "a grid parameter or a dimension; rename the summary"
            )
        for dim, size in zip(dims, arr.shape):
            if dim in names:
                raise ValueError(
                    f"summary {name!r} has a dimension {dim!r} {where}, which is a grid name"
                )
            if sizes.setdefault(dim, size) != size:
                raise ValueError(
                    f"the dimension {dim!r} has length {sizes[dim]} in one summary and "
                    f"{size} in summary {name!r} {where}"
                )
            if dim in coords:
                seen = labels.setdefault(dim, coords[dim])
                if not np.array_equal(seen, coords[dim]):
                    raise ValueError(
                        f"the dimension {dim!r} has different coordinates in two summaries {where}"
                    )


# --- collecting results ----------------------------------------------------------------


class _Results:
    """The summaries of the finished points, in memory (and in the store, if any)."""

    def __init__(self, names, values, attrs, max_bytes):
        self.names, self.values, self.attrs = names, values, attrs
        self.shape = tuple(len(v) for v in values)
        self.max_bytes = max_bytes
        self.finished = np.zeros(self.shape, dtype=bool)
        self.template = None
        self.where = None
        self.arrays = {}
        self.store = None

    def attach(self, store):
        """Take over the finished points of ``store`` and write new ones to it."""
        self.store = store
        if store.template is not None:
            self._set_template(store.template, f"in the store {str(store.path)!r}")
            self.finished[...] = store.finished()
            for name, arr in self.arrays.items():
                arr[self.finished] = store.read(name)[self.finished]

    def _set_template(self, template, where):
        _check_template(template, self.names, where)
        points = math.prod(self.shape)
        need = points * sum(arr.nbytes for _, arr, _ in template.values())
        if need > self.max_bytes:
            raise ValueError(
                f"this sweep's results would need about {need / 1e9:.3g} GB ({points} grid "
                f"points x {need // points} bytes), more than max_bytes={self.max_bytes:.3g}; "
                "use a coarser grid or smaller summaries, or raise max_bytes"
            )
        self.template, self.where = template, where
        self.arrays = {
            name: np.zeros(self.shape + arr.shape, dtype=arr.dtype)
            for name, (_, arr, _) in template.items()
        }

    def accept(self, index, point, summaries):
        """Record the summaries of one finished point (checked against the first)."""
        where = f"at the grid point {_label(point)}"
        if self.template is None:
            self._set_template(summaries, where)
            if self.store is not None:
                self.store.create(summaries)
        else:
            _check_same(self.template, summaries, self.where, where)
        for name, (_, arr, _) in summaries.items():
            self.arrays[name][index] = arr
        self.finished[index] = True
        if self.store is not None:
            self.store.write(index, summaries)

    def dataset(self):
        coords = {n: v for n, v in zip(self.names, self.values)}
        data = {}
        for name, (dims, _, summary_coords) in self.template.items():
            coords.update(summary_coords)
            data[name] = ((*self.names, *dims), self.arrays[name])
        return xr.Dataset(data, coords=coords, attrs=dict(self.attrs))


class _Store:
    """A Zarr (format 2) directory holding a sweep's finished points, one chunk per point.

    Layout, readable by :func:`xarray.open_zarr`: the grid values and the summaries'
    coordinates as coordinate arrays, one array per summary (grid dimensions first),
    the boolean array ``_finished`` and the sweep's attributes. A point's summaries are
    written before its ``_finished`` flag, and Zarr replaces each chunk file atomically,
    so a killed sweep leaves at worst unflagged points, which a rerun computes again.
    """

    def __init__(self, path, names, values, attrs):
        import zarr

        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"store must be a path (str or os.PathLike), got {path!r}")
        self.path = Path(path)
        self.names = names
        self.template = None
        if self.path.exists() and not (self.path.is_dir() and not any(self.path.iterdir())):
            self._open_existing(zarr, attrs)
            return
        self.group = zarr.open_group(str(self.path), mode="w-", zarr_format=2)
        for name, vals in zip(names, values):
            self._array(name, (name,), vals.shape, vals.dtype)[...] = vals
        shape = tuple(len(v) for v in values)
        self.flags = self._array(_FINISHED, names, shape, bool, per_point=True)
        self.arrays = {}
        # the attributes last: a folder without them is not taken for a sweep store
        self.group.attrs.update({**attrs, "sweep_store_format": _STORE_FORMAT})

    def _array(self, name, dims, shape, dtype, *, per_point=False, fill_value=None):
        """A new array with xarray's dimension names; ``per_point``: one chunk per grid point."""
        grid = len(self.names)
        chunks = (1,) * grid + tuple(shape[grid:]) if per_point else shape
        return self.group.create_array(
            name,
            shape=shape,
            chunks=chunks,
            dtype=dtype,
            fill_value=fill_value,
            attributes={"_ARRAY_DIMENSIONS": list(dims)},
            overwrite=True,
        )

    def _open_existing(self, zarr, attrs):
        shown = repr(str(self.path))
        try:
            self.group = zarr.open_group(str(self.path), mode="r+")
            stored = dict(self.group.attrs)
        except Exception as exc:
            raise ValueError(f"store {shown} exists and is not a sweep store ({exc})") from None
        if stored.get("sweep_store_format") != _STORE_FORMAT:
            raise ValueError(
                f"store {shown} exists and is not a sweep store of this version of "
                "collapse_lib; pass a new path"
            )
        for key, what in (
            ("grid", "grid"),
            ("seed_entropy", "seed (entropy)"),
            ("seed_spawn_key", "seed (spawn key)"),
            ("replicates", "replicates"),
        ):
            if stored.get(key) != attrs[key]:
                raise ValueError(
                    f"store {shown} was written by a sweep with {what} {stored.get(key)}, "
                    f"not {attrs[key]}; rerun with the same {what.split()[0]} to resume it, "
                    "or pass another store"
                )
        if "summaries" in stored:
            self.template = self._read_template(json.loads(stored["summaries"]))
        self.arrays = {name: self.group[name] for name in self.template or ()}
        self.flags = self.group[_FINISHED]

    def _read_template(self, described):
        template = {}
        for name, form in described.items():
            coords = {d: self.group[d][...] for d in form["coords"]}
            arr = np.zeros(tuple(form["shape"]), dtype=np.dtype(form["dtype"]))
            template[name] = (tuple(form["dims"]), arr, coords)
        return template

    def create(self, template):
        """Create the arrays of the summaries described by ``template`` (first point)."""
        grid_shape = self.group[_FINISHED].shape
        for name, (dims, arr, coords) in template.items():
            for dim, labels in coords.items():
                self._array(dim, (dim,), labels.shape, labels.dtype)[...] = labels
            self._array(
                name,
                (*self.names, *dims),
                grid_shape + arr.shape,
                arr.dtype,
                per_point=True,
                fill_value=np.nan if arr.dtype.kind in "fc" else None,
            )
        described = {
            name: {
                "dims": list(dims),
                "shape": list(arr.shape),
                "dtype": arr.dtype.str,
                "coords": list(coords),
            }
            for name, (dims, arr, coords) in template.items()
        }
        self.group.attrs["summaries"] = json.dumps(described)
        self.template = template
        self.arrays = {name: self.group[name] for name in template}
        self.flags = self.group[_FINISHED]

    def finished(self):
        return self.flags[...]

    def read(self, name):
        return self.arrays[name][...]

    def finish(self):
        """Consolidate the metadata of the finished store (xarray opens it in one read)."""
        import zarr

        zarr.consolidate_metadata(str(self.path))

    def write(self, index, summaries):
        """Write one point: its summaries first, then its finished flag."""
        for name, (_, arr, _) in summaries.items():
            self.arrays[name][index] = arr
        self.flags[index] = True
