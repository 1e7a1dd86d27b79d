"""Argument checks shared by every public statlab function and by the command line.

Each check takes a value and the name of the argument it came in, and returns the value in the
form the code uses (an ``int``, a ``float``, a finite 1-d array ...). A bad value raises
:class:`InvalidArgumentError` (a ``ValueError``) whose message starts with the argument's name and
says what was expected and what came; a value of the wrong kind raises :class:`ArgumentTypeError`,
which is also a ``TypeError``. So ``except ValueError`` catches every rejected argument, and the
command line can tell a user's mistake (exit code 2) from a failure (exit code 1).

The constraints are small functions rather than scikit-learn's declarative
``_parameter_constraints`` because that machinery is private to scikit-learn; the messages follow
its style ("n_draws must be an integer >= 1, got 0").

:func:`renamed` keeps an argument's old name working for one release, with a
``DeprecationWarning`` that names the new one.

Example
-------
>>> integer(5, "nfolds", low=3)
5
>>> seed(1.5)
Traceback (most recent call last):
...
statlab._validation.ArgumentTypeError: seed must be a non-negative integer or None, got 1.5
"""

from __future__ import annotations

import functools
import inspect
import numbers
import sys
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

BACKENDS = ("auto", "r", "python")
#: The release in which deprecated argument names stop working.
REMOVAL_RELEASE = "0.3"


class InvalidArgumentError(ValueError):
    """An argument has a value statlab cannot use; the message names the argument."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument is of the wrong kind (a string where a number belongs, ...)."""


def integer(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int`` within ``[low, high]``; bools and floats are refused.

    >>> integer(np.int64(3), "n_draws", low=1)
    3
    >>> integer(0, "n_draws", low=1)
    Traceback (most recent call last):
    ...
    statlab._validation.InvalidArgumentError: n_draws must be an integer >= 1, got 0
    """
    wanted = _range_text("an integer", low, high)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be {wanted}, got {value!r}")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidArgumentError(f"{name} must be {wanted}, got {number}")
    return number


def real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite ``float`` within the given bounds (closed unless ``*_open``).

    >>> real(0.5, "alpha", low=0, high=1)
    0.5
    >>> real("1", "alpha", low=0, high=1)
    Traceback (most recent call last):
    ...
    statlab._validation.ArgumentTypeError: alpha must be a number in [0, 1], got '1'
    """
    wanted = _interval_text(low, high, low_open, high_open)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{name} must be {wanted}, got {value!r}")
    number = float(value)
    outside = (
        not np.isfinite(number)
        or (low is not None and (number < low or (low_open and number == low)))
        or (high is not None and (number > high or (high_open and number == high)))
    )
    if outside:
        raise InvalidArgumentError(f"{name} must be {wanted}, got {value!r}")
    return number


def positive(value: Any, name: str) -> float:
    """``value`` as a finite ``float`` > 0.

    >>> positive(2, "length_scale")
    2.0
    """
    return real(value, name, low=0.0, low_open=True)


def flag(value: Any, name: str) -> bool:
    """``value`` as a ``bool``; strings such as ``"no"`` are refused rather than taken as True.

    >>> flag(np.bool_(False), "standardize")
    False
    """
    if not isinstance(value, bool | np.bool_):
        raise ArgumentTypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def option(value: Any, name: str, options: Iterable[str]) -> str:
    """``value`` if it is one of ``options``.

    >>> option("grid", "method", ("nuts", "grid"))
    'grid'
    """
    choices = tuple(options)
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one of {listed}, got {value!r}")
    if value not in choices:
        raise InvalidArgumentError(f"{name} must be one of {listed}, got {value!r}")
    return value


def backend(value: Any, name: str = "backend") -> str:
    """``"auto"``, ``"r"`` or ``"python"`` (not yet resolved: see ``_rbridge.resolve_backend``).

    >>> backend("python")
    'python'
    """
    return option(value, name, BACKENDS)


def seed(value: Any, name: str = "seed") -> int | None:
    """A seed for ``numpy.random.default_rng``: a non-negative integer, or None for a fresh one.

    >>> seed(479), seed(None)
    (479, None)
    """
    if value is None:
        return None
    wanted = f"{name} must be a non-negative integer or None, got {value!r}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(wanted)
    if value < 0:
        raise InvalidArgumentError(wanted)
    return int(value)


def n_jobs(value: Any, name: str = "n_jobs") -> int | None:
    """joblib's worker count: None, or a nonzero integer (negative counts back from all cores).

    >>> n_jobs(-1), n_jobs(None)
    (-1, None)
    """
    if value is None:
        return None
    wanted = f"{name} must be a nonzero integer (-1: all cores) or None, got {value!r}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(wanted)
    if value == 0:
        raise InvalidArgumentError(wanted)
    return int(value)


def worker_count(value: Any, name: str = "n_jobs") -> int:
    """:func:`n_jobs` as a number of workers, as joblib counts them: None is the active
    ``joblib.parallel_config``'s count, else 1; -1 is every core.

    >>> from joblib import parallel_config
    >>> worker_count(None), worker_count(2)
    (1, 2)
    >>> with parallel_config(n_jobs=3):
    ...     worker_count(None)
    3
    """
    from joblib import effective_n_jobs

    return int(effective_n_jobs(n_jobs(value, name)))


def is_estimator(model: Any) -> bool:
    """Whether ``model`` is a scikit-learn estimator: it can be cloned (``get_params``), fitted
    and asked to predict.

    >>> from sklearn.linear_model import Ridge
    >>> is_estimator(Ridge()), is_estimator(lambda X: X)
    (True, False)
    """
    return all(callable(getattr(model, name, None)) for name in ("get_params", "fit", "predict"))


def vector(values: Any, name: str, *, min_size: int = 1) -> np.ndarray:
    """``values`` as a finite 1-d float array of at least ``min_size`` entries (a column or row
    matrix is flattened).

    >>> vector([1, 2], "x")
    array([1., 2.])
    >>> vector([1.0, float("nan")], "x")
    Traceback (most recent call last):
    ...
    statlab._validation.InvalidArgumentError: x contains NaN or infinite values (first positions, 0-based: [1])
    """
    if isinstance(values, str | bytes | dict) or values is None:
        raise ArgumentTypeError(f"{name} must be a sequence of numbers, got {values!r}")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentTypeError(
            f"{name} must be a sequence of numbers, got {_short(values)}"
        ) from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise InvalidArgumentError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size < min_size:
        raise InvalidArgumentError(
            f"{name} must have at least {min_size} value(s), got {array.size}"
        )
    finite(array, name)
    return array


def matrix(X: Any, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """A numeric design matrix as a C-contiguous float64 array, plus its column names (R's
    ``V1..Vp`` when it has none). Non-numeric or boolean columns, NaN and infinities are refused.

    >>> import pandas as pd
    >>> values, names = matrix(pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}))
    >>> values.dtype, names
    (dtype('float64'), ['a', 'b'])
    """
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        # the dtypes, not the columns: selecting each of thousands of columns is slow
        bad = [
            str(c)
            for c, dtype in zip(X.columns, X.dtypes, strict=True)
            if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        ]
        if bad:
            raise ArgumentTypeError(
                f"{name} has non-numeric columns {bad[:5]}: build a numeric design matrix "
                "first, e.g. with statlab.model_matrix"
            )
        names = [str(c) for c in X.columns]
        values = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        if isinstance(X, str | bytes | dict) or X is None:
            raise ArgumentTypeError(f"{name} must be a numeric matrix, got {_short(X)}")
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise ArgumentTypeError(f"{name} must be a numeric matrix, got {_short(X)}") from None
        if values.ndim != 2:
            raise InvalidArgumentError(
                f"{name} must be a 2-D matrix (rows x columns), got {values.ndim} dimension(s)"
            )
        names = [f"V{j + 1}" for j in range(values.shape[1])]
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise InvalidArgumentError(f"{name} is empty (shape {values.shape})")
    finite(values, name)
    return np.ascontiguousarray(values), names


def response(y: Any, n_rows: int, name: str = "y") -> np.ndarray:
    """A numeric, finite, non-constant response with one value per row of the design matrix.

    >>> response([1, 2, 3], 3)
    array([1., 2., 3.])
    """
    values = vector(getattr(y, "to_numpy", lambda: y)(), name)
    if values.shape[0] != n_rows:
        raise InvalidArgumentError(f"{name} has {values.shape[0]} values but X has {n_rows} rows")
    if np.ptp(values) == 0:
        raise InvalidArgumentError(f"{name} is constant: there is nothing to fit")
    return values


def finite(values: np.ndarray, name: str) -> None:
    """Raise unless every entry of ``values`` is finite; the message lists the first bad rows."""
    bad = ~np.isfinite(values)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])[:5].tolist()
        raise InvalidArgumentError(
            f"{name} contains NaN or infinite values (first positions, 0-based: {rows})"
        )


def caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside statlab (the user's
    line), however many of statlab's own frames (decorators, backends) lie between.

    >>> caller_stacklevel() >= 1
    True
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("statlab."):
        frame, level = frame.f_back, level + 1
    return level


def keyword_only(after: int) -> Callable[[F], F]:
    """Make the parameters after the first ``after`` keyword-only, keeping positional calls
    working for one release: they warn with a ``DeprecationWarning`` naming the arguments.

    The decorated function declares them keyword-only (after ``*``) in their old order.

    >>> @keyword_only(after=1)
    ... def fit(x: int, *, alpha: float = 1.0, seed: int = 0) -> tuple:
    ...     return x, alpha, seed
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     fit(1, 0.5), caught[0].category.__name__
    ((1, 0.5, 0), 'DeprecationWarning')
    """

    def decorate(function: F) -> F:
        keyword_names = [
            parameter.name
            for parameter in inspect.signature(function).parameters.values()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        ]

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > after:
                extra = args[after:]
                if len(extra) > len(keyword_names):
                    raise ArgumentTypeError(
                        f"{function.__qualname__}() takes {after} positional arguments and "
                        f"{len(keyword_names)} keyword arguments, got {len(args)} positional"
                    )
                names = keyword_names[: len(extra)]
                both = [name for name in names if name in kwargs]
                if both:
                    raise ArgumentTypeError(
                        f"{function.__qualname__}() got {both[0]!r} by position and by keyword"
                    )
                warnings.warn(
                    f"{function.__qualname__}(): passing {', '.join(names)} by position is "
                    f"deprecated and will stop working in statlab {REMOVAL_RELEASE}; write "
                    + ", ".join(f"{name}=..." for name in names),
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs.update(zip(names, extra, strict=True))
                args = args[:after]
            return function(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def renamed(**renames: str | tuple[str, Callable[[Any], Any]]) -> Callable[[F], F]:
    """Keep old keyword names working for one release: ``@renamed(lengthscale="length_scale")``.

    A value may also be converted, ``@renamed(variance=("amplitude", math.sqrt))``. Passing the old
    name warns with a ``DeprecationWarning``; passing both names is an error.

    >>> @renamed(K="nfolds")
    ... def folds(*, nfolds: int = 10) -> int:
    ...     return nfolds
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     folds(K=5), caught[0].category.__name__
    (5, 'DeprecationWarning')
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, target in renames.items():
                if old not in kwargs:
                    continue
                new, convert = (target, None) if isinstance(target, str) else target
                if new in kwargs:
                    raise ArgumentTypeError(
                        f"{function.__qualname__}() got both {old!r} (its old name) and {new!r}"
                    )
                warnings.warn(
                    f"{function.__qualname__}(): argument {old!r} is deprecated and will be removed "
                    f"in statlab {REMOVAL_RELEASE}; use {new!r}"
                    + (" (see its docstring for the conversion)" if convert else ""),
                    DeprecationWarning,
                    stacklevel=2,
                )
                value = kwargs.pop(old)
                kwargs[new] = convert(value) if convert is not None else value
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _range_text(kind: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{kind} in [{low}, {high}]"
    if low is not None:
        return f"{kind} >= {low}"
    if high is not None:
        return f"{kind} <= {high}"
    return kind


def _interval_text(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"a finite number {'<' if high_open else '<='} {high:g}"
    return "a finite number"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
