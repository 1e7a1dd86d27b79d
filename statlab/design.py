"""Design matrices from R-style formulas, equal to R's ``model.matrix(formula, data)[, -1]``.

formulaic does the expansion (it follows R's term order for ``.`` and ``.^2``); this module only drops
the intercept column and checks its inputs.

Example
-------
>>> import statlab as sl
>>> X = sl.model_matrix("O3 ~ .^2", sl.data.load("ozone"))
>>> X.shape, list(X.columns[9:11])
((330, 45), ['vh:wind', 'vh:humidity'])
"""

from __future__ import annotations

import pandas as pd


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

    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(
            f"formula must be an R-style formula string such as 'y ~ .', got {formula!r}"
        )
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    try:
        matrices = formulaic_model_matrix(formula, data, output="pandas")
    except (FormulaicError, KeyError, NameError, ValueError) as error:
        raise ValueError(f"formula {formula!r} cannot be expanded on data: {error}") from error
    design = matrices.rhs if hasattr(matrices, "rhs") else matrices
    design = pd.DataFrame(design).drop(columns=["Intercept"], errors="ignore")
    return design.astype("float64")
