"""Design matrices from R-style formulas, equal to R's ``model.matrix(formula, data)[, -1]``.

formulaic does the expansion (it follows R's term order for ``.`` and ``.^2``); this module only drops
the intercept column, checks its inputs, and reads R's power inside ``I()`` (``I(doy^2)``, which
formulaic would evaluate as Python's bitwise xor) as ``**``.

Example
-------
>>> import statlab as sl
>>> X = sl.model_matrix("O3 ~ .^2", sl.data.load("ozone"))
>>> X.shape, list(X.columns[9:11])
((330, 45), ['vh:wind', 'vh:humidity'])
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from statlab import _validation as check


def model_matrix(formula: str, data: pd.DataFrame) -> pd.DataFrame:
    """The columns R's ``model.matrix(formula, data)[, -1]`` gives, as a float DataFrame.

    Names, order and values follow R (interactions as ``a:b``); the intercept column is dropped, and
    the response, if the formula has one, is not part of the result.

    >>> import statlab as sl
    >>> list(model_matrix("lpsa ~ .", sl.data.load("prostate")).columns)[:3]
    ['lcavol', 'lweight', 'age']
    """
    from formulaic import model_matrix as formulaic_model_matrix
    from formulaic.errors import FormulaicError

    _check(formula, data)
    try:
        matrices = formulaic_model_matrix(_r_powers(formula), data, output="pandas")
    except (FormulaicError, KeyError, NameError, ValueError) as error:
        raise check.InvalidArgumentError(
            f"formula {formula!r} cannot be expanded on data: {error}"
        ) from error
    design = matrices.rhs if hasattr(matrices, "rhs") else matrices
    design = pd.DataFrame(design).drop(columns=["Intercept"], errors="ignore")
    if design.shape[1] == 0:
        raise check.InvalidArgumentError(f"formula {formula!r} gives no predictor columns")
    return design.astype("float64")


def model_response(formula: str, data: pd.DataFrame) -> pd.Series:
    """The response of ``formula`` evaluated on ``data`` (R's ``model.response(model.frame(...))``),
    e.g. ``log(O3)`` for ``"log(O3) ~ ."``, named as written in the formula.

    >>> import statlab as sl
    >>> y = model_response("log(O3) ~ .", sl.data.load("ozone"))
    >>> y.name, round(float(y.iloc[0]), 4)
    ('log(O3)', 1.0986)
    """
    from formulaic import model_matrix as formulaic_model_matrix
    from formulaic.errors import FormulaicError

    _check(formula, data)
    if not formula.split("~")[0].strip():
        raise check.InvalidArgumentError(
            f"formula {formula!r} has no response (nothing left of '~')"
        )
    try:
        matrices = formulaic_model_matrix(_r_powers(formula), data, output="pandas")
    except (FormulaicError, KeyError, NameError, ValueError) as error:
        raise check.InvalidArgumentError(
            f"formula {formula!r} cannot be expanded on data: {error}"
        ) from error
    lhs = pd.DataFrame(matrices.lhs)
    if lhs.shape[1] != 1:
        raise check.InvalidArgumentError(
            f"formula {formula!r} must have one numeric response column, got {list(lhs.columns)}"
        )
    return lhs.iloc[:, 0].astype("float64").rename(str(lhs.columns[0]))


def _r_powers(formula: str) -> str:
    """``^`` inside ``I(...)`` is R's power: write it as Python's ``**`` for formulaic.

    >>> _r_powers("y ~ x + I(x^2) + (a + b)^2")
    'y ~ x + I(x**2) + (a + b)^2'
    """
    out, depth_in_i, position = [], [], 0
    while position < len(formula):
        if formula.startswith("I(", position) and (
            position == 0 or not (formula[position - 1].isalnum() or formula[position - 1] in "._")
        ):
            depth_in_i.append(0)
            out.append("I(")
            position += 2
            continue
        char = formula[position]
        if depth_in_i:
            if char == "(":
                depth_in_i[-1] += 1
            elif char == ")":
                if depth_in_i[-1] == 0:
                    depth_in_i.pop()
                else:
                    depth_in_i[-1] -= 1
            elif char == "^":
                char = "**"
        out.append(char)
        position += 1
    return "".join(out)


def _check(formula: Any, data: Any) -> None:
    if not isinstance(formula, str) or "~" not in formula:
        raise check.InvalidArgumentError(
            f"formula must be an R-style formula string such as 'y ~ .', got {formula!r}"
        )
    if not isinstance(data, pd.DataFrame):
        raise check.ArgumentTypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
