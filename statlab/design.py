"""Design matrices from R-style formulas, equal to R's ``model.matrix(formula, data)[, -1]``.

formulaic does the expansion (it follows R's term order for ``.`` and ``.^2``, R's choice of
contrasts or full dummy coding per factor and R's column order within a term); this module drops
the intercept column, checks its inputs, reads R's power inside ``I()`` (``I(doy^2)``, which
formulaic would evaluate as Python's bitwise xor) as ``**``, and names the columns as R does:
a factor's column is the variable and its level run together (``LeagueN`` where formulaic writes
``League[T.N]``), and an interaction lists its variables in the order they first appear in the
formula (``.`` standing for the data's columns in order), as R's ``terms`` orders them
(``DivisionW:x`` for ``y ~ Division + x:Division``), its columns ordered with the first
variable's levels varying fastest.

Example
-------
>>> import statlab as sl
>>> X = sl.model_matrix("O3 ~ .^2", sl.data.load("ozone"))
>>> X.shape, list(X.columns[9:11])
((330, 45), ['vh:wind', 'vh:humidity'])
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from statlab import _validation as check


def model_matrix(formula: str, data: pd.DataFrame) -> pd.DataFrame:
    """The columns R's ``model.matrix(formula, data)[, -1]`` gives, as a float DataFrame.

    Names, order and values follow R (interactions as ``a:b``, a factor's columns as variable and
    level run together, e.g. ``LeagueN``); the intercept column is dropped, and the response, if
    the formula has one, is not part of the result.

    >>> import pandas as pd, statlab as sl
    >>> list(model_matrix("lpsa ~ .", sl.data.load("prostate")).columns)[:3]
    ['lcavol', 'lweight', 'age']
    >>> frame = pd.DataFrame({"y": [1.0, 2, 3, 4], "x": [0.5, 1, 2, 3], "g": ["a", "b", "a", "b"]})
    >>> list(model_matrix("y ~ x * g", frame).columns)
    ['x', 'gb', 'x:gb']
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
    _rows_left(design, formula, data)
    design = _r_named(pd.DataFrame(design), design.model_spec, formula, data)
    design = design.drop(columns=["(Intercept)"], errors="ignore")
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
    _rows_left(matrices.lhs, formula, data)
    lhs = pd.DataFrame(matrices.lhs)
    if lhs.shape[1] != 1:
        raise check.InvalidArgumentError(
            f"formula {formula!r} must have one numeric response column, got {list(lhs.columns)}"
        )
    return lhs.iloc[:, 0].astype("float64").rename(str(lhs.columns[0]))


def _rows_left(matrix: Any, formula: str, data: pd.DataFrame) -> None:
    """As R's ``model.matrix``, rows with a missing value in a variable of the formula are left
    out; refuse the formula when none is left, naming the columns that are missing throughout."""
    if matrix.shape[0] > 0:
        return
    empty = [str(column) for column in data.columns if data[column].isna().all()]
    where = f" (missing throughout: {empty})" if empty else ""
    raise check.InvalidArgumentError(
        f"formula {formula!r}: every row of data has a missing value in a variable the formula "
        f"uses{where}, so no row is left; drop those variables from the formula"
    )


def _r_named(design: pd.DataFrame, spec: Any, formula: str, data: pd.DataFrame) -> pd.DataFrame:
    """formulaic's columns renamed (and, within an interaction whose variables R orders
    otherwise, reordered) as R's ``model.matrix`` names and orders them."""

    levels = {
        name: list(state.get("categories", []))
        for name, (kind, state) in spec.encoder_state.items()
        if getattr(kind, "value", kind) == "categorical"
    }
    rank = _variable_rank(formula, data)
    names, order = [], []
    for structure in spec.structure:
        factors = [str(factor) for factor in structure.term.factors]
        if factors == ["1"]:
            names.append("(Intercept)")
            order.append(structure.columns[0])
            continue
        positions = sorted(range(len(factors)), key=lambda i: rank(factors[i]))
        keyed = []
        for column in structure.columns:
            pieces = _pieces(column, factors, levels)
            label = ":".join(pieces[i][0] for i in positions)
            # R varies the levels of its first variable fastest: sort by the last one first
            keyed.append((tuple(pieces[i][1] for i in reversed(positions)), column, label))
        for _, column, label in sorted(keyed, key=lambda item: item[0]):
            order.append(column)
            names.append(label)
    renamed = design[order].copy()
    renamed.columns = names
    return renamed


def _pieces(column: str, factors: list[str], levels: dict[str, list[Any]]) -> list[tuple[str, int]]:
    """A formulaic column of an interaction of ``factors``, split into one (R name, level
    position) per factor: ``League[T.N]`` is ``("LeagueN", 1)``, a numeric ``x`` is ``("x", 0)``.
    Levels may themselves hold ``:`` or brackets, so each piece is matched against its factor's
    possible names rather than split on ``:``."""
    pieces, rest = [], column
    for number, factor in enumerate(factors):
        last = number == len(factors) - 1
        candidates = [(factor, _r_deparsed(factor), 0)]
        for position, level in enumerate(levels.get(factor, [])):
            for written in (f"{factor}[T.{level}]", f"{factor}[{level}]"):
                candidates.append((written, f"{factor}{level}", position))
        for written, r_name, position in sorted(candidates, key=lambda c: -len(c[0])):
            if rest == written if last else rest.startswith(written + ":"):
                pieces.append((r_name, position))
                rest = rest[len(written) + 1 :]
                break
        else:
            raise check.InvalidArgumentError(
                f"formula: the term {':'.join(factors)} is coded by formulaic otherwise than by "
                "R's model.matrix (an interaction of factors without their main effects, which "
                f"R codes with full dummies; formulaic gives the column {column!r}): add the "
                "main effects (a*b rather than a:b)"
            )
    return pieces


def _r_deparsed(expression: str) -> str:
    """An expression as R's ``deparse`` writes it where it differs from formulaic's: ``^`` and
    ``/`` without spaces (``I(x ** 2)`` is R's ``I(x^2)``), ``+``, ``-`` and ``*`` spaced.

    >>> _r_deparsed("I(x ** 2)"), _r_deparsed("I(x / 2 + 1)")
    ('I(x^2)', 'I(x/2 + 1)')
    """
    return re.sub(r"\s*(\*\*|\^)\s*", "^", re.sub(r"\s*/\s*", "/", expression))


def _variable_rank(formula: str, data: pd.DataFrame) -> Any:
    """The position of a variable (a formulaic factor, e.g. ``x`` or ``I(x ** 2)``) in R's
    ``terms``: its first appearance in the formula's right-hand side, a variable that only
    ``.`` brings in taking the place of the ``.`` and then the data's column order."""
    rhs = re.sub(r"\s+", "", formula.split("~", 1)[1])
    dot = _find(rhs, ".")
    columns = [str(c) for c in data.columns]

    def rank(factor: str) -> tuple[float, int]:
        written = re.sub(r"\s+", "", factor).replace("**", "^")
        found = _find(rhs, written)
        if found >= 0:
            return (found, 0)
        if dot >= 0 and factor in columns:
            return (dot, columns.index(factor))
        return (float("inf"), 0)

    return rank


def _find(text: str, name: str) -> int:
    """The first position of ``name`` in ``text`` as a whole name (not part of a longer name or
    a function's name), or -1."""
    pattern = rf"(?<![\w.]){re.escape(name)}(?![\w.(])"
    match = re.search(pattern, text)
    return match.start() if match else -1


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
