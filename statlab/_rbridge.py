"""The one module that talks to R.

Everything statlab runs in R goes through :func:`call`, which sources the package's ``r/*.R`` files
once into a private environment, converts the arguments (numpy arrays, pandas frames, scalars, dicts)
to R, calls the named R function and converts its result back: a named list becomes a ``dict``, a
numeric vector a 1-d numpy array, a matrix a 2-d array, a data.frame a pandas DataFrame.

rpy2 is imported only when R is first needed, so ``import statlab`` works where R is absent. One
embedded R serves the whole process, so calls are serialised with a lock.

R's warnings are caught as they happen (``withCallingHandlers``) and re-issued as
:class:`RWarning` at the Python line that called statlab, instead of R's "There were N warnings"
at interpreter exit; an R error becomes an :class:`RCallError` carrying R's message.

rpy2's own converters are used for the leaves; the recursion over lists is written here because rpy2's
default conversion of nested lists yields ``OrdDict``s of mixed types rather than plain Python values.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import subprocess
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab._paths import r_dir

INSTALL_HINT = (
    "install R and glmnet with `apt-get install r-base-core r-cran-glmnet` (Debian/Ubuntu), "
    "then rpy2 with `pip install 'statlab[r]'`"
)

_lock = threading.RLock()


class RUnavailableError(RuntimeError):
    """``backend="r"`` was asked for but R, rpy2 or glmnet cannot be used."""


class RCallError(RuntimeError):
    """An R function called by statlab stopped with an error; the message is R's."""


class RWarning(UserWarning):
    """A warning R gave during a call (e.g. glmnet's convergence warnings)."""


@dataclass(frozen=True)
class RStatus:
    """Whether the R backend can run here, and why not if it cannot."""

    usable: bool
    reason: str
    r_version: str | None = None
    rpy2_version: str | None = None
    glmnet_version: str | None = None


@functools.cache
def status() -> RStatus:
    """Probe R, rpy2 and glmnet once per process.

    >>> isinstance(status().usable, bool)
    True
    """
    try:
        rpy2_version = importlib.metadata.version("rpy2")
    except importlib.metadata.PackageNotFoundError:
        return RStatus(False, "rpy2 is not installed")
    if not rpy2_version.startswith("3.5."):
        major_minor = tuple(int(p) for p in rpy2_version.split(".")[:2])
        if major_minor >= (3, 6) and _r_version_tuple() < (4, 5):
            return RStatus(
                False,
                f"rpy2 {rpy2_version} needs R >= 4.5 (it fails with 'undefined symbol: R_getVar' "
                f"on older R); this R is {_r_version_text() or 'absent'}: "
                "install rpy2 3.5.x with `pip install 'rpy2>=3.5,<3.6'`",
                rpy2_version=rpy2_version,
            )
    try:
        robjects = _robjects()
    except Exception as error:  # rpy2 raises a variety of errors when R is absent or broken
        reason = str(error)
        if "R_getVar" in reason:
            reason = (
                f"rpy2 {rpy2_version} was built for R >= 4.5 (undefined symbol: R_getVar); "
                "install rpy2 3.5.x with `pip install 'rpy2>=3.5,<3.6'`"
            )
        return RStatus(False, f"rpy2 cannot start R: {reason}", rpy2_version=rpy2_version)
    r_version = str(robjects.r("paste(R.version$major, R.version$minor, sep='.')")[0])
    has_glmnet = bool(
        robjects.r('isTRUE(suppressMessages(requireNamespace("glmnet", quietly = TRUE)))')[0]
    )
    if not has_glmnet:
        return RStatus(False, "the R package glmnet is not installed", r_version, rpy2_version)
    glmnet_version = str(robjects.r('as.character(packageVersion("glmnet"))')[0])
    return RStatus(True, "R, rpy2 and glmnet load", r_version, rpy2_version, glmnet_version)


def debian_package(package: str) -> str:
    """The Debian package that installs an R package (``randomForest`` -> ``r-cran-randomforest``).

    >>> debian_package("randomForest")
    'r-cran-randomforest'
    """
    return f"r-cran-{package.lower()}"


@functools.cache
def missing_packages(packages: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the R ``packages`` that R cannot load (all of them where R itself is unusable);
    glmnet is checked by :func:`status`, the others are asked of R once per process.

    >>> missing_packages(()) == ()
    True
    """
    if not packages:
        return ()
    if not status().usable:
        return packages
    others = [package for package in packages if package != "glmnet"]
    if not others:
        return ()
    robjects = _robjects()
    loads = robjects.r["requireNamespace"]
    with _lock:
        return tuple(package for package in others if not bool(loads(package, quietly=True)[0]))


def require(packages: tuple[str, ...] = ("glmnet",)) -> None:
    """Raise :class:`RUnavailableError` with the reason and the install line unless R is usable
    and loads every one of the R ``packages``."""
    probe = status()
    if not probe.usable:
        raise RUnavailableError(
            f'backend="r" needs R with glmnet and rpy2: {probe.reason}; ' + INSTALL_HINT
        )
    absent = missing_packages(tuple(packages))
    if absent:
        raise RUnavailableError(
            f'backend="r" needs the R packages {", ".join(absent)}: install them with '
            f"`apt-get install {' '.join(debian_package(p) for p in absent)}`"
        )


def resolve_backend(
    backend: str, packages: tuple[str, ...] = ("glmnet",)
) -> Literal["r", "python"]:
    """Turn ``"auto" | "r" | "python"`` into the backend that will run a computation needing the
    R ``packages``.

    ``"auto"`` picks R when it is usable and loads those packages, else Python (so a forest runs in
    Python where R has glmnet but not randomForest); ``"r"`` without them raises, naming the
    packages and their install line, rather than switching silently.

    >>> resolve_backend("python")
    'python'
    """
    if backend == "python":
        return "python"
    if backend == "r":
        require(packages)
        return "r"
    if backend == "auto":
        return "r" if status().usable and not missing_packages(tuple(packages)) else "python"
    raise check.InvalidArgumentError(f"backend must be 'auto', 'r' or 'python', got {backend!r}")


def call(function: str, *args: Any, **kwargs: Any) -> Any:
    """Call the R function ``function`` defined in ``r/*.R`` and return its result in Python terms.

    Keyword names are passed to R as written. Safe from any thread: calls are serialised, and rpy2's
    conversion rules (a context variable, unset in threads other than the one that started R) are
    set for the call's duration.
    """
    require()
    robjects = _robjects()
    from rpy2.rinterface_lib.embedded import RRuntimeError
    from rpy2.robjects.conversion import localconverter

    with _lock, localconverter(robjects.default_converter):
        r_function = _sourced_env()[function]
        r_args = [_to_r(a) for a in args]
        r_kwargs = {k: _to_r(v) for k, v in kwargs.items()}
        try:
            out = _warning_collector()(r_function, *r_args, **r_kwargs)
        except RRuntimeError as error:
            message = " ".join(str(error).split())
            raise RCallError(f"R's {function}() failed: {message}") from None
        value = _to_python(out.rx2("value"), robjects)
        messages = [str(m) for m in out.rx2("warnings")]
    for message in dict.fromkeys(messages):
        warnings.warn(f"R {function}(): {message}", RWarning, stacklevel=check.caller_stacklevel())
    return value


def r_version_text() -> str | None:
    """The ``R --version`` headline, or None when no R is on PATH (no rpy2 needed)."""
    return _r_version_text()


@functools.cache
def _r_version_text() -> str | None:
    try:
        out = subprocess.run(["R", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.splitlines()[0] if out.returncode == 0 and out.stdout else None


@functools.cache
def r_package_version(package: str) -> str | None:
    """``package``'s version as R itself reports it (through ``Rscript``, so no rpy2 is needed), or
    None when R or the package is absent.

    >>> r_package_version("no.such.package") is None
    True
    """
    code = f'cat(tryCatch(as.character(packageVersion("{package}")), error = function(e) ""))'
    try:
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _r_version_tuple() -> tuple[int, int]:
    text = _r_version_text()
    if not text:
        return (0, 0)
    version = text.split()[2]
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@functools.cache
def _robjects() -> Any:
    # Starting R through rpy2 puts R's library folders (including the system's) on LD_LIBRARY_PATH.
    # This process has already loaded its libraries, but child processes (joblib or Dask workers)
    # would then pick up the system's libpython instead of this interpreter's: restore the variable.
    saved = os.environ.get("LD_LIBRARY_PATH")
    import rpy2.robjects as robjects

    if saved is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = saved
    return robjects


@functools.cache
def _sourced_env() -> Any:
    robjects = _robjects()
    env = robjects.r("new.env()")
    for file in sorted(r_dir().glob("*.R")):
        robjects.r["sys.source"](str(file), envir=env)
    return env


@functools.cache
def _warning_collector() -> Any:
    """An R function calling ``f(...)`` that returns its value and the warnings it gave."""
    return _robjects().r(
        """function(f, ...) {
          messages <- character()
          value <- withCallingHandlers(f(...), warning = function(w) {
            messages <<- c(messages, conditionMessage(w))
            invokeRestart("muffleWarning")
          })
          list(value = value, warnings = messages)
        }"""
    )


@functools.cache
def _with_converter(kind: Literal["numpy", "pandas"]) -> Any:
    """rpy2's default conversion plus its numpy or pandas rules, built once: adding converters
    registers every rule anew, which took a tenth of the time of a small R call."""
    robjects = _robjects()
    from rpy2.robjects import numpy2ri, pandas2ri

    return robjects.default_converter + (numpy2ri if kind == "numpy" else pandas2ri).converter


def _to_r(value: Any) -> Any:
    robjects = _robjects()
    from rpy2.robjects.conversion import localconverter

    if value is None:
        return robjects.NULL
    if callable(value):
        return _r_function(value, robjects)
    if isinstance(value, dict):
        return robjects.vectors.ListVector({k: _to_r(v) for k, v in value.items()})
    if isinstance(value, pd.DataFrame):
        with localconverter(_with_converter("pandas")):
            return robjects.conversion.get_conversion().py2rpy(value)
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) and value.ndim == 1:
        # plain R vectors: numpy2ri would give 1-d arrays with a dim attribute
        if value.dtype.kind in "iu":
            return robjects.IntVector(value.astype(np.int32).tolist())
        if value.dtype.kind == "b":
            return robjects.BoolVector(value.tolist())
        if value.dtype.kind == "f":
            return robjects.FloatVector(value.astype(np.float64).tolist())
        return robjects.StrVector([str(v) for v in value])
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iu":
            value = value.astype(np.int32)
        elif value.dtype.kind == "f":
            value = np.ascontiguousarray(value, dtype=np.float64)
        with localconverter(_with_converter("numpy")):
            return robjects.conversion.get_conversion().py2rpy(value)
    if isinstance(value, bool | np.bool_):
        return robjects.BoolVector([bool(value)])
    if isinstance(value, int | np.integer):
        return robjects.IntVector([int(value)])
    if isinstance(value, float | np.floating):
        return robjects.FloatVector([float(value)])
    if isinstance(value, str):
        return robjects.StrVector([value])
    raise check.ArgumentTypeError(f"cannot pass a {type(value).__name__} to R")


def _r_function(function: Any, robjects: Any) -> Any:
    """Wrap a Python callable as an R function; arguments and result cross with the rules above."""
    from rpy2 import rinterface

    def called_from_r(*r_args: Any) -> Any:
        converted = [
            _to_python(robjects.conversion.get_conversion().rpy2py(a), robjects) for a in r_args
        ]
        return _to_r(function(*converted))

    return rinterface.rternalize(called_from_r)


def _to_python(value: Any, robjects: Any) -> Any:
    from rpy2.robjects.conversion import localconverter

    rclass = tuple(value.rclass) if hasattr(value, "rclass") else ()
    if value is robjects.NULL or rclass == ("NULL",):
        return None
    if "data.frame" in rclass:
        with localconverter(_with_converter("pandas")):
            return robjects.conversion.get_conversion().rpy2py(value)
    if isinstance(value, robjects.vectors.ListVector) or rclass == ("list",):
        names = list(value.names) if value.names is not robjects.NULL else None
        items = [_to_python(v, robjects) for v in value]
        return dict(zip(names, items, strict=True)) if names else items
    if isinstance(value, robjects.vectors.StrVector):
        return [str(v) for v in value]
    with localconverter(_with_converter("numpy")):
        array = np.asarray(robjects.conversion.get_conversion().rpy2py(value))
    return array
