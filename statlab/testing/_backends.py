"""R against Python for any statlab call: run it on both backends and compare every result field.

A result (a dataclass such as :class:`~statlab.glmnet.GlmnetPath`, possibly nesting others, dicts,
arrays, data frames) is walked field by field; ``backend`` itself is left out. Each numeric field
gets its largest absolute difference and that difference relative to the field's largest magnitude,
which must stay within the field's tolerance; integer, boolean and text fields (``df``, ``foldid``,
``index_min``, ``measure``, ...) must be equal.

The tolerances are those of statlab's own parity tests at glmnet's default ``thresh``, where both
backends follow the same iterations and agree to rounding (``tests/glmnet``): lambdas to 1e-12,
coefficients and intercepts to 1e-10 of their largest magnitude, ``dev_ratio`` and the CV curve to
1e-9, its standard error to 1e-8. A call with a tighter or looser convergence threshold may need
other bars: pass ``tolerances``.

The walk is written here because ``numpy.testing.assert_allclose`` checks one array element-wise
and stops at the first failure; this table puts every field against its own bar at once, relative
to the field's largest magnitude as statlab's parity tests measure it.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check

#: Relative tolerance of each result field (by its last name), as statlab's parity tests hold it.
TOLERANCES: dict[str, float] = {
    "lambdas": 1e-12,
    "nulldev": 1e-12,
    "a0": 1e-10,
    "beta": 1e-10,
    "fit_preval": 1e-10,
    "dev_ratio": 1e-9,
    "cvm": 1e-9,
    "cvsd": 1e-8,
}
#: For a floating-point field not listed in :data:`TOLERANCES`.
DEFAULT_TOLERANCE = 1e-9
BACKENDS = ("python", "r")
COLUMNS = ["field", "abs_diff", "scale", "rel_diff", "tolerance", "passed", "note"]


def compare_backends(
    fn: Callable[..., Any],
    *args: Any,
    tolerances: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run ``fn(*args, backend=b, **kwargs)`` for b = "python" and "r" and compare the results.

    One row per result field (nested fields as ``path.beta``): ``abs_diff``, the largest absolute
    difference; ``scale``, the field's largest magnitude on either backend; ``rel_diff`` =
    abs_diff / scale; ``tolerance``, the bar of :data:`TOLERANCES` (``tolerances`` overrides it
    per field name; 0 for integer, boolean and text fields, which must be equal); ``passed``;
    ``note`` (e.g. why two fields cannot be compared). Without R, ``backend="r"`` raises
    :class:`statlab.RUnavailableError`. A call that draws at random (``cv_glmnet``'s folds)
    needs its ``seed`` to compare like with like.

    >>> from statlab.testing.pytest_plugin import skip_unless_r
    >>> skip_unless_r()  # this example needs R
    >>> import numpy as np, statlab as sl
    >>> X = np.random.default_rng(0).normal(size=(60, 4))
    >>> table = compare_backends(sl.cv_glmnet, X, X[:, 0] + X[:, 1], nfolds=5, seed=1)
    >>> float(table.loc["path.beta", "tolerance"]), bool(table["passed"].all())
    (1e-10, True)
    """
    if not callable(fn):
        raise check.ArgumentTypeError(f"fn must be a statlab function, got {fn!r}")
    if "backend" in kwargs:
        raise check.InvalidArgumentError(
            "backend: compare_backends runs fn on both backends itself; leave backend out"
        )
    python_result, r_result = (fn(*args, backend=backend, **kwargs) for backend in BACKENDS)
    return compare_results(python_result, r_result, tolerances=tolerances)


def assert_backends_agree(
    fn: Callable[..., Any],
    *args: Any,
    tolerances: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """:func:`compare_backends`, raising ``AssertionError`` with its table (failing fields
    first) when a field is outside its tolerance; returns the table otherwise.

    >>> from statlab.testing.pytest_plugin import skip_unless_r
    >>> skip_unless_r()  # this example needs R
    >>> import numpy as np, statlab as sl
    >>> X = np.random.default_rng(0).normal(size=(60, 4))
    >>> table = assert_backends_agree(sl.glmnet, X, X[:, 0] - X[:, 2], alpha=0.5)
    >>> bool(table["passed"].all())
    True
    """
    table = compare_backends(fn, *args, tolerances=tolerances, **kwargs)
    failed = table[~table["passed"]]
    if not failed.empty:
        shown = pd.concat([failed, table[table["passed"]]])
        name = getattr(fn, "__name__", repr(fn))
        raise AssertionError(
            f"{name}: R and Python differ in {len(failed)} field(s) "
            f"({', '.join(failed.index)}):\n{shown.to_string(float_format='{:.3g}'.format)}"
        )
    return table


def compare_results(
    first: Any, second: Any, *, tolerances: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """The table of :func:`compare_backends` for two results already computed (e.g. on two
    backends, or a result and a stored one).

    >>> import numpy as np, statlab as sl
    >>> X = np.random.default_rng(0).normal(size=(60, 4))
    >>> one, other = (sl.glmnet(X, X[:, 0], thresh=t, backend="python") for t in (1e-7, 1e-12))
    >>> table = compare_results(one, other)
    >>> table.loc[["lambdas", "df"], ["tolerance", "passed"]].to_dict("index")
    {'lambdas': {'tolerance': 1e-12, 'passed': True}, 'df': {'tolerance': 0.0, 'passed': True}}
    """
    bars = {**TOLERANCES, **_checked_tolerances(tolerances)}
    first_fields = dict(_leaves(first, ""))
    second_fields = dict(_leaves(second, ""))
    rows = []
    for name in dict.fromkeys([*first_fields, *second_fields]):
        if name not in first_fields or name not in second_fields:
            rows.append(_row(name, np.inf, np.nan, 0.0, "present in one result only"))
            continue
        if first_fields[name] is None and second_fields[name] is None:
            continue  # a part neither result has (no relaxed fit, no fit_preval)
        rows.append(_compare_field(name, first_fields[name], second_fields[name], bars))
    return pd.DataFrame(rows, columns=COLUMNS).set_index("field")


def _checked_tolerances(tolerances: Any) -> dict[str, float]:
    if tolerances is None:
        return {}
    if not isinstance(tolerances, Mapping):
        raise check.ArgumentTypeError(
            f"tolerances must map field names to relative tolerances, got {tolerances!r}"
        )
    return {
        str(name): check.real(value, f"tolerances[{name!r}]", low=0.0)
        for name, value in tolerances.items()
    }


def _leaves(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """(dotted name, value) of every comparable part of a result; the backend is left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name != "backend":
                yield from _leaves(getattr(value, field.name), _join(prefix, field.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, _join(prefix, str(key)))
    elif isinstance(
        value, np.ndarray | pd.DataFrame | pd.Series | numbers.Number | str | list | tuple
    ) or (value is None):
        yield prefix or "result", value


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _compare_field(name: str, first: Any, second: Any, bars: Mapping[str, float]) -> dict:
    first_values, second_values = _as_array(first), _as_array(second)
    numeric = (
        first_values is not None
        and second_values is not None
        and first_values.dtype.kind in "fiub"
        and second_values.dtype.kind in "fiub"
    )
    if first_values is None or second_values is None or not numeric:
        equal = _equal_objects(first, second)
        return _row(name, 0.0 if equal else np.inf, np.nan, 0.0, "" if equal else "not equal")
    if first_values.shape != second_values.shape:
        note = f"shapes differ: {first_values.shape} and {second_values.shape}"
        return _row(name, np.inf, np.nan, 0.0, note)
    exact = first_values.dtype.kind in "iub" and second_values.dtype.kind in "iub"
    tolerance = 0.0 if exact else bars.get(name.rpartition(".")[2], DEFAULT_TOLERANCE)
    a, b = first_values.astype(np.float64), second_values.astype(np.float64)
    same_missing = np.isnan(a) == np.isnan(b)
    if not same_missing.all():
        return _row(name, np.inf, np.nan, tolerance, "NaN in different places")
    finite = ~np.isnan(a)
    with np.errstate(invalid="ignore"):
        gaps = np.where(a[finite] == b[finite], 0.0, np.abs(a[finite] - b[finite]))
    abs_diff = float(gaps.max(initial=0.0))
    scale = float(max(np.abs(a[finite]).max(initial=0.0), np.abs(b[finite]).max(initial=0.0)))
    return _row(name, abs_diff, scale, tolerance, "")


def _row(name: str, abs_diff: float, scale: float, tolerance: float, note: str) -> dict:
    if abs_diff == 0:
        rel_diff = 0.0
    elif np.isfinite(abs_diff) and scale > 0:
        rel_diff = abs_diff / scale
    else:
        rel_diff = np.inf
    return {
        "field": name,
        "abs_diff": abs_diff,
        "scale": scale,
        "rel_diff": rel_diff,
        "tolerance": tolerance,
        "passed": bool(rel_diff <= tolerance),
        "note": note,
    }


def _as_array(value: Any) -> np.ndarray | None:
    """``value`` as an array, or None where it is none (None itself, ragged lists)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.to_numpy()
    if value is None:
        return None
    try:
        return np.asarray(value)
    except ValueError:
        return None


def _equal_objects(first: Any, second: Any) -> bool:
    if isinstance(first, pd.DataFrame | pd.Series) and isinstance(second, type(first)):
        return bool(first.equals(second))
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return bool(
            np.array_equal(np.asarray(first, dtype=object), np.asarray(second, dtype=object))
        )
    try:
        return bool(first == second)
    except (TypeError, ValueError):  # an ambiguous truth value: not plainly equal
        return False
