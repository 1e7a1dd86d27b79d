"""glmnet and cv_glmnet on Dask arrays and data frames, which may be larger than memory.

A Gaussian fit by the covariance solver needs only weighted sufficient statistics of the rows: the
weight, the column means, the centred cross-products X'WX and X'Wy, y's mean and sum of squares,
and each column's smallest and largest value. One blockwise pass over the row blocks computes
them per fold (each block contributes to the folds its rows belong to); blocks and folds are
combined with the pairwise update of Chan, Golub and LeVeque, every block centred at its own
means first, so columns with a large mean lose no accuracy. A fold trains on the other folds'
statistics (merged from prefix and suffix sums, never subtracted). The path is then solved in
memory by the covariance kernel of the Python engine, from a Gram matrix that is given to it
whole; the Gaussian CV error of each fold follows from its held-out statistics, so a
cross-validation reads the data once. Binomial and Poisson paths take one pass per IRLS step
(:mod:`statlab.glmnet._dask_glm`), and their CV curve one more pass scoring the held-out rows.

Dask has no such reduction (its ``cov`` is unweighted and per array), hence this module. Dask
itself is imported only when a Dask input arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from statlab import _validation as check
from statlab.glmnet import _inputs
from statlab.glmnet._interp import interpolate
from statlab.glmnet._paths import CVArrays, PathArrays, cv_statistics, empty_path_message

#: the largest number of columns whose p x p Gram (one per fold in cross-validation) is formed
GRAM_MAX_FEATURES = 2000
#: blocks' statistics merged at a time in the reduction tree
MERGE_FAN_IN = 8

#: the families fitted on Dask input
DASK_FAMILIES = ("gaussian", "binomial", "poisson")

_pass_listeners: list[Callable[[str], None]] = []


def holds_dask(*values: Any) -> bool:
    """Whether any of ``values`` is a Dask collection (checked without importing Dask).

    >>> import numpy as np
    >>> holds_dask(np.zeros(3), None)
    False
    """
    return any(type(v).__module__.split(".")[0] in ("dask", "dask_expr") for v in values)


@contextmanager
def counting_passes(on_pass: Callable[[str], None] | None = None) -> Iterator[list[str]]:
    """Record the blockwise passes over the data made inside the ``with`` block (a list of their
    descriptions), calling ``on_pass`` as each starts.

    >>> with counting_passes() as passes:
    ...     pass
    >>> passes
    []
    """
    passes: list[str] = []

    def record(description: str) -> None:
        passes.append(description)
        if on_pass is not None:
            on_pass(description)

    _pass_listeners.append(record)
    try:
        yield passes
    finally:
        _pass_listeners.remove(record)


def announce_pass(description: str) -> None:
    """Tell the :func:`counting_passes` listeners that a pass over the data starts."""
    for listener in list(_pass_listeners):
        listener(description)


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    """The row-aligned Dask inputs: X (one column chunk) and the vectors (None when absent)."""

    x: Any
    names: list[str]
    y: Any
    weights: Any
    offset: Any

    @property
    def n_rows(self) -> int:
        return int(self.x.shape[0])

    @property
    def row_chunks(self) -> tuple[int, ...]:
        return self.x.chunks[0]


def _import_dask() -> Any:
    import dask.array as da

    return da


def _design(X: Any) -> tuple[Any, list[str]]:
    """X as a 2-D float64 Dask array with known row chunks and one column chunk, and its names."""
    da = _import_dask()
    names = None
    if _is_dask_frame(X):
        non_numeric = [c for c, t in X.dtypes.items() if not np.issubdtype(t, np.number)]
        if non_numeric:
            raise check.InvalidArgumentError(
                f"X has non-numeric columns {non_numeric[:5]}: build a numeric design first"
            )
        names = [str(c) for c in X.columns]
        X = _frame_array(X)
    elif not isinstance(X, da.Array):
        X = da.from_array(np.asarray(X, dtype=np.float64))
    _dense_blocks(X, "X")
    if X.ndim != 2:
        raise check.InvalidArgumentError(f"X must be a 2-D matrix, got {X.ndim} dimension(s)")
    _known_chunks(X, "X")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise check.InvalidArgumentError(f"X is empty (shape {X.shape})")
    if X.shape[1] > GRAM_MAX_FEATURES:
        raise check.InvalidArgumentError(
            f"X has {X.shape[1]} columns: a Dask fit forms p x p Gram matrices, so it takes at "
            f"most {GRAM_MAX_FEATURES} columns (select or screen columns first)"
        )
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    names = names or [f"V{j + 1}" for j in range(X.shape[1])]
    return X.astype(np.float64), names


def _frame_array(frame: Any) -> Any:
    """A Dask data frame or series as a Dask array with known row chunks. The rows of its blocks
    are counted by a pass over them: Dask fuses partitions by the columns read (Parquet files,
    say), so a count of the frame's partitions (``to_dask_array(lengths=True)``) may not match
    the array's blocks."""
    announce_pass("rows of each block of a data frame")
    return frame.to_dask_array().compute_chunk_sizes()


def _is_dask_frame(value: Any) -> bool:
    return hasattr(value, "to_dask_array") and hasattr(value, "npartitions")


def _dense_blocks(array: Any, name: str) -> None:
    meta = getattr(array, "_meta", None)
    if meta is not None and not isinstance(meta, np.ndarray):
        raise check.InvalidArgumentError(
            f"{name} has {type(meta).__module__}.{type(meta).__name__} blocks: a Dask fit needs "
            "dense NumPy blocks (sparse blocks cannot be summed into a Gram lazily here); "
            f"convert with {name}.map_blocks(lambda b: b.toarray())"
        )


def _known_chunks(array: Any, name: str) -> None:
    if any(np.isnan(size) for size in array.chunks[0]):
        raise check.InvalidArgumentError(
            f"{name} has unknown chunk sizes (NaN rows per block): call "
            f"{name}.compute_chunk_sizes() first, or read data frames with to_dask_array("
            "lengths=True)"
        )


def _vector(value: Any, name: str, row_chunks: tuple[int, ...], n_rows: int) -> Any:
    """A 1-D Dask vector with X's row chunks (None stays None); in-memory values are chunked
    like X, Dask ones must already be."""
    if value is None:
        return None
    da = _import_dask()
    if _is_dask_frame(value):
        # a column read apart from X may be split into other partitions (Parquet files are
        # fused by the columns read): its rows are then cut as X's
        value = _frame_array(value)
        if value.chunks[0] != row_chunks and value.shape[0] == n_rows:
            value = value.rechunk((row_chunks, *value.chunks[1:]))
    if isinstance(value, da.Array):
        _dense_blocks(value, name)
        _known_chunks(value, name)
        if value.ndim == 2 and value.shape[1] == 1:
            value = value[:, 0]
        if value.ndim != 1:
            raise check.InvalidArgumentError(f"{name} must be a vector, got shape {value.shape}")
        if value.chunks[0] != row_chunks:
            raise check.InvalidArgumentError(
                f"{name}'s row chunks {_chunk_text(value.chunks[0])} disagree with X's "
                f"{_chunk_text(row_chunks)}: rechunk with {name}.rechunk(X.chunks[0])"
            )
        return value
    values = np.asarray(value).reshape(-1)
    if values.shape[0] != n_rows:
        raise check.InvalidArgumentError(
            f"{name} has {values.shape[0]} values but X has {n_rows} rows"
        )
    return da.from_array(values, chunks=(row_chunks,))


def _chunk_text(chunks: tuple[int, ...]) -> str:
    shown = ", ".join(str(c) for c in chunks[:4])
    return f"({shown}{', ...' if len(chunks) > 4 else ''})"


def _data(X: Any, y: Any, weights: Any, offset: Any) -> _Data:
    x, names = _design(X)
    n_rows, chunks = int(x.shape[0]), x.chunks[0]
    return _Data(
        x,
        names,
        _vector(y, "y", chunks, n_rows),
        _vector(weights, "weights", chunks, n_rows),
        _vector(offset, "offset", chunks, n_rows),
    )


# --- the statistics of the rows -----------------------------------------------------------------


@dataclass(frozen=True)
class _Moments:
    """Weighted statistics of groups of rows (folds), one entry per group along the first axis:
    rows, weight, means, centred cross-products (about each group's own means), smallest and
    largest value of each column over the rows of positive weight."""

    rows: np.ndarray  # G
    weight: np.ndarray  # G
    x_mean: np.ndarray  # G x p
    y_mean: np.ndarray  # G
    xx: np.ndarray  # G x p x p: sum v (x - x_mean)(x - x_mean)'
    xy: np.ndarray  # G x p: sum v (x - x_mean)(y - y_mean)
    yy: np.ndarray  # G: sum v (y - y_mean)^2
    low: np.ndarray  # G x p
    high: np.ndarray  # G x p

    def group(self, index: int | slice) -> _Moments:
        """Groups ``index`` (a slice keeps the group axis)."""
        pick = index if isinstance(index, slice) else slice(index, index + 1)
        return _Moments(*(getattr(self, f)[pick] for f in _MOMENT_FIELDS))

    def merged(self, other: _Moments) -> _Moments:
        """Both groups' rows together, group by group (Chan, Golub and LeVeque's update)."""
        weight = self.weight + other.weight
        share = np.divide(other.weight, weight, out=np.zeros_like(weight), where=weight > 0)
        x_step, y_step = other.x_mean - self.x_mean, other.y_mean - self.y_mean
        cross = self.weight * share  # W_a W_b / W
        return _Moments(
            self.rows + other.rows,
            weight,
            self.x_mean + share[:, None] * x_step,
            self.y_mean + share * y_step,
            self.xx + other.xx + cross[:, None, None] * x_step[:, :, None] * x_step[:, None, :],
            self.xy + other.xy + cross[:, None] * x_step * y_step[:, None],
            self.yy + other.yy + cross * y_step**2,
            np.minimum(self.low, other.low),
            np.maximum(self.high, other.high),
        )

    def pooled(self) -> _Moments:
        """All groups as one (a single group)."""
        total = self.group(0)
        for index in range(1, self.rows.shape[0]):
            total = total.merged(self.group(index))
        return total

    def leave_one_out(self) -> list[_Moments]:
        """For each group, the other groups pooled (merged from prefix and suffix poolings)."""
        n_groups = self.rows.shape[0]
        prefix, suffix = [None] * n_groups, [None] * n_groups
        for k in range(1, n_groups):
            before = self.group(k - 1)
            prefix[k] = before if prefix[k - 1] is None else prefix[k - 1].merged(before)
        for k in range(n_groups - 2, -1, -1):
            after = self.group(k + 1)
            suffix[k] = after if suffix[k + 1] is None else after.merged(suffix[k + 1])
        return [
            prefix[k] if suffix[k] is None else suffix[k] if prefix[k] is None
            else prefix[k].merged(suffix[k])
            for k in range(n_groups)
        ]  # fmt: skip


_MOMENT_FIELDS = ("rows", "weight", "x_mean", "y_mean", "xx", "xy", "yy", "low", "high")


def _block_moments(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    offset: np.ndarray | None,
    groups: np.ndarray | None,
    start: int,
    n_groups: int,
    family: str = "gaussian",
) -> _Moments:
    """One row block's statistics per group (fold label 1..G; all rows group 1 without labels);
    ``y`` less ``offset``. Non-finite values or negative weights stop the pass with an error
    naming the argument and the rows."""
    with threadpool_limits(1, user_api="blas"):  # Dask runs blocks side by side
        return _block_statistics(x, y, weights, offset, groups, start, n_groups, family)


def _block_statistics(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    offset: np.ndarray | None,
    groups: np.ndarray | None,
    start: int,
    n_groups: int,
    family: str,
) -> _Moments:
    rows = f"rows {start}..{start + x.shape[0] - 1}"
    for name, values in (("X", x), ("y", y), ("weights", weights), ("offset", offset)):
        if values is not None and not np.isfinite(values).all():
            raise check.InvalidArgumentError(
                f"{name} contains NaN or infinite values (in {rows}, 0-based)"
            )
    if family == "binomial" and not ((y == 0) | (y == 1)).all():
        raise check.InvalidArgumentError(
            f"y must be 0 or 1 for family='binomial' with Dask input (other values in {rows})"
        )
    if family == "poisson" and (y < 0).any():
        raise check.InvalidArgumentError(
            f"y has negative values ({rows}): not permitted for family='poisson' (counts)"
        )
    if weights is not None and (weights < 0).any():
        raise check.InvalidArgumentError(f"weights must be non-negative (negative in {rows})")
    if groups is not None and ((groups < 1) | (groups > n_groups)).any():
        raise check.InvalidArgumentError(f"foldid labels must lie in 1..{n_groups} ({rows})")
    p = x.shape[1]
    response = y - offset if offset is not None else y
    v = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    out = _Moments(
        np.zeros(n_groups), np.zeros(n_groups), np.zeros((n_groups, p)), np.zeros(n_groups),
        np.zeros((n_groups, p, p)), np.zeros((n_groups, p)), np.zeros(n_groups),
        np.full((n_groups, p), np.inf), np.full((n_groups, p), -np.inf),
    )  # fmt: skip
    for g in range(n_groups) if groups is not None else [0]:
        at = groups == g + 1 if groups is not None else slice(None)
        xg, yg, vg = x[at], response[at], v[at]
        out.rows[g] = xg.shape[0]
        weight = vg.sum()
        if weight <= 0:
            continue
        out.weight[g] = weight
        out.x_mean[g] = vg @ xg / weight
        out.y_mean[g] = vg @ yg / weight
        root = np.sqrt(vg)
        centred = (xg - out.x_mean[g]) * root[:, None]
        y_centred = (yg - out.y_mean[g]) * root
        out.xx[g] = centred.T @ centred  # one symmetric BLAS product (syrk)
        out.xy[g] = y_centred @ centred
        out.yy[g] = y_centred @ y_centred
        positive = xg[vg > 0]
        out.low[g], out.high[g] = positive.min(axis=0), positive.max(axis=0)
    return out


def blockwise_reduce(
    data: _Data,
    groups: Any,
    function: Callable[..., Any],
    merge: Callable[..., Any],
    *arguments: Any,
    located: bool = False,
) -> Any:
    """One pass over the row blocks: ``function(x, y, weights, offset, groups, [start,]
    *arguments)`` on each block (None for the vectors absent; ``start``, the block's first row,
    when ``located``), the results merged by ``merge(*results)`` in a tree. The blocks are
    visited by one ``map_blocks`` over all inputs, so what they share (y computed from X, say)
    is computed once per block."""
    import dask
    from dask import delayed

    da = _import_dask()
    vectors = (data.y, data.weights, data.offset, groups)
    present = tuple(v is not None for v in vectors)
    inputs = [data.x, *(v[:, None] for v in vectors if v is not None)]
    n_blocks = len(data.row_chunks)
    results = da.map_blocks(
        _apply_block, *inputs, function=function, present=present, arguments=arguments,
        located=located, dtype=object, chunks=((1,) * n_blocks, (1,)),
        meta=np.empty((0, 0), dtype=object),
    )  # fmt: skip
    parts = list(results.to_delayed().ravel())
    unwrap = delayed(_unwrap, pure=True)
    parts = [unwrap(part) for part in parts]
    combine = delayed(merge, pure=True)
    while len(parts) > 1:
        parts = [combine(*parts[i : i + MERGE_FAN_IN]) for i in range(0, len(parts), MERGE_FAN_IN)]
    (result,) = dask.compute(parts[0])
    return result


def _apply_block(
    x: np.ndarray,
    *columns: np.ndarray,
    function: Callable[..., Any],
    present: tuple[bool, ...],
    arguments: tuple[Any, ...],
    located: bool,
    block_info: dict[Any, Any] | None = None,
) -> np.ndarray:
    """``function`` on one block (the vectors arrive as columns), its result in a 1 x 1 object
    array."""
    given = iter(columns)
    vectors = [next(given)[:, 0] if here else None for here in present]
    location = () if not located else (block_info[0]["array-location"][0][0],)
    out = np.empty((1, 1), dtype=object)
    out[0, 0] = function(x, *vectors, *location, *arguments)
    return out


def _unwrap(block: np.ndarray) -> Any:
    return block[0, 0]


def _merge_all(*parts: _Moments) -> _Moments:
    total = parts[0]
    for part in parts[1:]:
        total = total.merged(part)
    return total


def _moments(
    data: _Data, groups: Any, n_groups: int, description: str, family: str = "gaussian"
) -> _Moments:
    """One blockwise pass: the statistics per group, reduced by a tree of merges."""
    announce_pass(description)
    return blockwise_reduce(
        data, groups, _block_moments, _merge_all, n_groups, family, located=True
    )


# --- fitting from the statistics --------------------------------------------------------------


def _gaussian_path(moments: _Moments, n_obs: int, settings: Any) -> PathArrays:
    """The Gaussian covariance solver's path on rows whose statistics are ``moments`` (one
    group), as the Python engine fits it in memory."""
    from statlab.glmnet import _backend_python as engine
    from statlab.glmnet import _kernels

    m = moments.group(0)
    weight, x_mean = float(m.weight[0]), m.x_mean[0].copy()
    x_var = np.diag(m.xx[0]) / weight
    options = settings.options
    usable = (m.high[0] > m.low[0]) & options.included
    if not usable.any():
        raise check.InvalidArgumentError(
            "exclude: no variable is left to fit (every column is excluded or constant); "
            "R stops with 'All used predictors have zero variance'"
        )
    p = x_mean.shape[0]
    x_scale = np.sqrt(np.maximum(x_var, 0.0)) if settings.standardize else np.ones(p)
    x_scale = np.where(usable & (x_scale > 0), x_scale, 1.0)
    if options.intercept:
        x_var_std = np.ones(p) if settings.standardize else x_var
        centre = x_mean
    else:
        x_var_std = 1.0 + x_mean**2 / x_scale**2 if settings.standardize else x_var + x_mean**2
        centre = np.zeros(p)
    ratio = (
        settings.lambda_min_ratio
        if settings.lambda_min_ratio is not None
        else (0.01 if n_obs < p else 1e-4)
    )
    own_sequence = settings.lambdas is None
    factor = max(ratio, engine.MIN_LAMBDA_RATIO) ** (1.0 / (settings.nlambda - 1.0))
    y_mean = float(m.y_mean[0]) if options.intercept else 0.0
    y_move = float(m.y_mean[0]) - y_mean
    y_scale = float(np.sqrt(m.yy[0] / weight + y_move**2))
    if y_scale == 0:
        raise check.InvalidArgumentError("y is constant: there is nothing to fit")
    x_move = x_mean - centre
    gradient = (m.xy[0] + weight * x_move * y_move) / (weight * x_scale * y_scale)
    gradient = np.where(usable, gradient, 0.0)
    gram = (m.xx[0] + weight * np.outer(x_move, x_move)) / (weight * np.outer(x_scale, x_scale))
    if own_sequence:
        lambdas_std = np.full(settings.nlambda, _kernels.BIG_LAMBDA)  # filled by the kernel
    else:
        lambdas_std = settings.lambdas / y_scale
    every = np.arange(p)
    beta_std, dev_ratio, n_steps, passes, status = _kernels.gaussian_cov_path(
        engine._NO_DENSE, engine._NO_INDEX, engine._NO_ROWS, engine._NO_VALUES, False,
        np.ones(1), x_mean, x_scale, x_var_std, usable, gradient,
        engine.path_control(settings, lambdas_std, factor, x_scale, y_scale),
        np.ascontiguousarray(gram), every, every,
    )  # fmt: skip
    if n_steps == 0 and status == _kernels.STATUS_PMAX:
        raise check.InvalidArgumentError(empty_path_message(options.pmax))
    beta = beta_std[:, :n_steps] * y_scale / x_scale[:, None]
    path_lambdas = lambdas_std[:n_steps] * y_scale
    if own_sequence:
        path_lambdas[0] = engine._first_lambda(path_lambdas)
    return PathArrays(
        lambdas=path_lambdas,
        a0=np.asarray(y_mean - centre @ beta, dtype=np.float64),
        beta=beta,
        df=np.count_nonzero(beta, axis=0),
        dev_ratio=dev_ratio[:n_steps].copy(),
        nulldev=float(m.yy[0] + weight * y_move**2),
        npasses=int(passes),
        pmax_reached=status == _kernels.STATUS_PMAX,
    )


def _held_out_error(held_out: _Moments, fold_fit: PathArrays, lambdas: np.ndarray) -> np.ndarray:
    """A fold's mean squared error on its held-out rows at ``lambdas`` from their statistics:
    ``sum v (y - a0 - x b)^2 = yy - 2 b'xy + b'XX b + W (y_mean - a0 - x_mean'b)^2``."""
    a0, beta = interpolate(fold_fit.a0, fold_fit.beta, fold_fit.lambdas, lambdas)
    m = held_out.group(0)
    bias = m.y_mean[0] - a0 - m.x_mean[0] @ beta
    quadratic = np.einsum("jl,jl->l", beta, m.xx[0] @ beta)
    total = m.yy[0] - 2 * (m.xy[0] @ beta) + quadratic + m.weight[0] * bias**2
    return np.maximum(total, 0.0) / m.weight[0]


# --- entry points -------------------------------------------------------------------------------


def _settings(arguments: dict[str, Any], names: list[str]) -> Any:
    """The Python engine's settings from glmnet()'s arguments, checked as for in-memory data."""
    from statlab.glmnet import _backend_python as engine
    from statlab.glmnet import _fit

    if arguments["backend"] == "r":
        raise check.InvalidArgumentError(
            "backend='r' cannot take Dask input (R needs the data in memory): use "
            "backend='python' or 'auto', or compute X first"
        )
    family = _inputs.family_name(arguments["family"])
    if family not in DASK_FAMILIES:
        raise check.InvalidArgumentError(
            f"family={family!r} is not available for Dask input; only {DASK_FAMILIES} (compute X "
            "to fit it in memory)"
        )
    type_gaussian = _inputs.gaussian_algorithm(arguments["type_gaussian"], len(names))
    if family == "gaussian" and type_gaussian == "naive":
        raise check.InvalidArgumentError(
            "type_gaussian='naive' sweeps the rows for every coordinate step and cannot run on "
            "Dask input; use 'covariance' (the default for Dask input)"
        )
    if _inputs.logistic_type(arguments["type_logistic"], family) != "Newton":
        raise check.InvalidArgumentError(
            "type_logistic='modified.Newton' is not available for Dask input"
        )
    for name in ("relax",):
        if _inputs.flag(arguments[name], name):
            raise check.InvalidArgumentError(f"{name}=True is not available for Dask input")
    nlambda, lambda_min_ratio, thresh = _inputs.path_settings(
        arguments["nlambda"], arguments["lambda_min_ratio"], arguments["thresh"]
    )
    options = {
        key: arguments[key]
        for key in ("penalty_factor", "exclude", "intercept", "lower_limits", "upper_limits",
                    "dfmax", "pmax", "offset", "type_multinomial", "standardize_response")
    }  # fmt: skip
    _inputs.response_scaling(options["standardize_response"], family)
    return engine._Settings(
        _inputs.mixing(arguments["alpha"]), family,
        check.flag(arguments["standardize"], "standardize"), nlambda, lambda_min_ratio, thresh,
        int(check.integer(arguments["maxit"], "maxit", low=1)),
        _inputs.lambda_grid(arguments["lambdas"]), "covariance",
        _fit._path_options(options, names),
    )  # fmt: skip


def glmnet(**arguments: Any) -> Any:
    """:func:`statlab.glmnet` for Dask input (Gaussian, covariance solver): one pass over the
    data for its statistics, then the path in memory."""
    from statlab.glmnet import _backend_python as engine
    from statlab.glmnet import _fit

    data = _data(arguments["X"], arguments["y"], arguments["weights"], arguments["offset"])
    settings = _settings(arguments, data.names)
    moments = _moments(
        _statistics_data(data, settings), None, 1, "glmnet: column statistics and Gram",
        settings.family,
    )  # fmt: skip
    _positive_weight(moments)
    path = _path(data, None, 0, moments, data.n_rows, settings)
    engine._warn_unconverged(path, settings)
    labels = _class_labels(data, settings)
    return _fit._path_result(path, data.names, _result_args(arguments, settings), "python", labels)


def _statistics_data(data: _Data, settings: Any) -> _Data:
    """The inputs of the statistics pass: a GLM's needs y's mean without the offset."""
    return data if settings.family == "gaussian" else replace(data, offset=None)


def _path(
    data: _Data, groups: Any, left_out: int, moments: _Moments, n_obs: int, settings: Any
) -> PathArrays:
    """The path on the rows not in fold ``left_out`` (0: all), whose statistics are ``moments``:
    in memory for Gaussian, by IRLS passes for binomial and Poisson."""
    if settings.family == "gaussian":
        return _gaussian_path(moments, n_obs, settings)
    from statlab.glmnet import _dask_glm

    return _dask_glm.glm_path(data, groups, left_out, moments, n_obs, settings)


def _class_labels(data: _Data, settings: Any) -> list[str] | None:
    """A binomial fit's classes, 0 and 1 written as y's type writes them."""
    if settings.family != "binomial":
        return None
    return [str(value) for value in np.array([0, 1]).astype(data.y.dtype)]


def cv_glmnet(**arguments: Any) -> Any:
    """:func:`statlab.cv_glmnet` for Dask input (Gaussian, covariance solver): one pass over the
    data for every fold's statistics; the K + 1 paths and the CV curve follow from them."""
    from statlab.glmnet import _backend_python as engine
    from statlab.glmnet import _fit
    from statlab.glmnet._paths import select_lambda
    from statlab.glmnet.result import CVGlmnetResult

    data = _data(arguments["X"], arguments["y"], arguments["weights"], arguments["offset"])
    settings = _settings(arguments, data.names)
    _inputs.cv_lambda_grid(settings.lambdas)
    check.n_jobs(arguments["n_jobs"])  # the folds run on the Dask scheduler
    for name in ("keep", "relax"):
        if _inputs.flag(arguments[name], name):
            raise check.InvalidArgumentError(f"{name}=True is not available for Dask input")
    if not _inputs.flag(arguments["grouped"], "grouped"):
        raise check.InvalidArgumentError(
            "grouped=False needs each row's error and is not available for Dask input"
        )
    foldid = arguments["foldid"]
    if holds_dask(foldid):
        foldid = _vector(foldid, "foldid", data.row_chunks, data.n_rows).compute()
    folds = _inputs.fold_ids(foldid, arguments["nfolds"], data.n_rows, arguments["seed"])
    family = settings.family
    measure = _inputs.cv_measure(arguments["type_measure"], family, folds)
    if measure == "auc":
        raise check.InvalidArgumentError(
            "type_measure='auc' ranks all held-out rows and is not available for Dask input; "
            "use 'deviance' or 'class'"
        )
    n_folds = int(folds.max())
    if data.n_rows / n_folds < 3:
        raise check.InvalidArgumentError(
            "foldid: fewer than 3 observations per fold need grouped=False, which is not "
            "available for Dask input"
        )
    da = _import_dask()
    labels = da.from_array(folds.astype(np.min_scalar_type(n_folds)), chunks=(data.row_chunks,))
    per_fold = _moments(
        _statistics_data(data, settings), labels, n_folds,
        "cv_glmnet: column statistics and Gram per fold", family,
    )  # fmt: skip
    total = per_fold.pooled()
    _positive_weight(total)
    full = _path(data, labels, 0, total, data.n_rows, settings)
    training = per_fold.leave_one_out()
    fits = [full]
    for k in range(n_folds):
        n_obs = int(data.n_rows - per_fold.rows[k])
        fits.append(_path(data, labels, k + 1, training[k], n_obs, settings))
    for fitted in fits:
        engine._warn_unconverged(fitted, settings)
    if family == "gaussian" and measure in ("mse", "deviance"):
        errors = np.vstack(
            [_held_out_error(per_fold.group(k), fits[k + 1], full.lambdas) for k in range(n_folds)]
        )
    else:
        coefficients = [interpolate(f.a0, f.beta, f.lambdas, full.lambdas) for f in fits[1:]]
        losses = _out_of_fold_losses(data, labels, coefficients, family, measure)
        errors = losses / per_fold.weight[:, None]
    cvm, cvsd = cv_statistics(errors, per_fold.weight)
    index_min, index_1se = select_lambda(cvm, cvsd)  # no "auc": every measure is minimised
    arrays = CVArrays(full, cvm, cvsd, index_min, index_1se)
    fit_args = _result_args(arguments, settings)
    path = _fit._path_result(
        arrays.path, data.names, fit_args, "python", _class_labels(data, settings)
    )
    return CVGlmnetResult(
        lambdas=path.lambdas,
        cvm=arrays.cvm,
        cvsd=arrays.cvsd,
        nzero=path.df.copy(),
        index_min=arrays.index_min,
        index_1se=arrays.index_1se,
        foldid=folds,
        measure=_inputs.measure_name(measure, family),
        backend="python",
        path=path,
        type_measure=measure,
    )


def _block_losses(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    offset: np.ndarray | None,
    groups: np.ndarray,
    coefficients: list[tuple[np.ndarray, np.ndarray]],
    family: str,
    measure: str,
) -> np.ndarray:
    """One block's weighted loss sums per fold (K x L), each row scored by its fold's fit."""
    from statlab.glmnet._backend_python import _loss

    sums = np.zeros((len(coefficients), coefficients[0][0].shape[0]))
    v = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    for g in np.unique(groups):
        at = groups == g
        a0, beta = coefficients[int(g) - 1]
        link = x[at] @ beta + a0
        if offset is not None:
            link += offset[at][:, None]
        sums[int(g) - 1] = v[at] @ _loss(np.asarray(y[at], dtype=np.float64), link, family, measure)
    return sums


def _out_of_fold_losses(
    data: _Data,
    groups: Any,
    coefficients: list[tuple[np.ndarray, np.ndarray]],
    family: str,
    measure: str,
) -> np.ndarray:
    """One pass scoring every held-out row by its fold's fit: weighted loss sums, K x L."""
    announce_pass("cv_glmnet: held-out losses")
    return blockwise_reduce(data, groups, _block_losses, _add_all, coefficients, family, measure)


def _add_all(*parts: np.ndarray) -> np.ndarray:
    return np.sum(parts, axis=0)


def _positive_weight(moments: _Moments) -> None:
    if moments.weight.sum() <= 0:
        raise check.InvalidArgumentError("weights must be non-negative and not all zero")


def _result_args(arguments: dict[str, Any], settings: Any) -> dict[str, Any]:
    return {
        "family": settings.family,
        "alpha": settings.alpha,
        "offset": arguments["offset"],
    }


# --- prediction ---------------------------------------------------------------------------------


def predict(path: Any, X: Any, s: Any, type: str, new_offset: Any, gamma: float) -> Any:
    """``path.predict`` block by block over a Dask ``X`` (and ``new_offset``): a lazy Dask array
    with X's row chunks."""
    da = _import_dask()
    if _is_dask_frame(X):
        missing = [n for n in path.feature_names if n not in [str(c) for c in X.columns]]
        if missing:
            raise check.InvalidArgumentError(f"X lacks the fitted columns {missing[:5]}")
        columns = X[path.feature_names]
        # rows need counting only to line up a new_offset with them
        X = columns.to_dask_array() if new_offset is None else _frame_array(columns)
    elif not isinstance(X, da.Array):
        X = da.from_array(np.asarray(X, dtype=np.float64))
    _dense_blocks(X, "X")
    if X.ndim != 2 or X.shape[1] != len(path.feature_names):
        raise check.InvalidArgumentError(
            f"X has shape {X.shape} but the model was fitted on {len(path.feature_names)} columns"
        )
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    inputs = [X]
    if new_offset is not None:
        _known_chunks(X, "X")
        inputs.append(_vector(new_offset, "new_offset", X.chunks[0], int(X.shape[0]))[:, None])
    sample = path.predict(np.zeros((1, X.shape[1])), s, type=type, gamma=gamma,
                          new_offset=None if new_offset is None else np.zeros(1))  # fmt: skip

    def block_predict(block: np.ndarray, *offset_block: np.ndarray) -> np.ndarray:
        block_offset = offset_block[0][:, 0] if offset_block else None
        return path.predict(block, s, type=type, new_offset=block_offset, gamma=gamma)

    if np.ndim(s) == 0:
        return da.map_blocks(
            block_predict, *inputs, drop_axis=1, dtype=sample.dtype,
            meta=np.empty((0,), dtype=sample.dtype),
        )  # fmt: skip
    return da.map_blocks(
        block_predict, *inputs, chunks=(X.chunks[0], (np.size(s),)), dtype=sample.dtype,
        meta=np.empty((0, 0), dtype=sample.dtype),
    )  # fmt: skip
