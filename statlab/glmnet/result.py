"""Result types shared by both glmnet backends: :class:`GlmnetPath` and :class:`CVGlmnetResult`.

Their methods never look at which backend ran; ``backend`` is only recorded.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.glmnet import _dask, _inputs
from statlab.glmnet._families import GlmFamily
from statlab.glmnet._interp import interpolate, linear_part
from statlab.glmnet._paths import RelaxedArrays, blend, cv_summary

LambdaChoice = Literal["lambda.1se", "lambda.min"] | float
PredictType = Literal["link", "response", "class"]
GammaChoice = Literal["gamma.1se", "gamma.min"] | float
# an s this close (relative) to an end of the path lies on it, without the "clamped" warning: the
# other backend's lambdas (R's, printed and pasted back) differ from these in the last bits
PATH_END_ROUNDING = 1e-12


@dataclass(frozen=True, repr=False)
class GlmnetPath:
    """A glmnet regularisation path (R's ``glmnet`` object).

    Attributes: ``lambdas`` (decreasing), ``a0`` (intercepts), ``beta`` (features x lambdas),
    ``df`` (nonzero coefficients per lambda), ``dev_ratio``, ``nulldev``, ``feature_names``,
    ``family``, ``alpha``, ``backend`` ("r" or "python"), ``has_offset`` (fitted with an offset:
    predictions then need ``new_offset``). A multinomial path has one set of coefficients per
    class: ``a0`` is classes x lambdas, ``beta`` features x classes x lambdas, in the order of
    ``class_labels``; an mgaussian path likewise one per response, ``class_labels`` holding the
    responses' names. A fit with ``relax=True`` has ``relaxed``, the relaxed fit as a path of its
    own (R's ``fit$relaxed``), and its ``coef``/``predict`` take ``gamma``.

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> path = sl.glmnet(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), backend="python")
    >>> path.coef(0.05).index[:2].tolist()
    ['(Intercept)', 'vh']
    """

    lambdas: np.ndarray
    a0: np.ndarray
    beta: np.ndarray
    df: np.ndarray
    dev_ratio: np.ndarray
    nulldev: float
    feature_names: list[str]
    family: str | GlmFamily
    alpha: float
    backend: str
    class_labels: list[str] | None = field(default=None)
    has_offset: bool = False
    relaxed: GlmnetPath | None = None

    def coef(
        self, s: float | np.ndarray | None = None, gamma: float = 1.0
    ) -> pd.Series | pd.DataFrame:
        """Coefficients at lambda ``s`` (a Series), or at several / all path lambdas (a DataFrame,
        one column per lambda). Between path points glmnet's linear interpolation applies; an ``s``
        outside the path is clamped to its end, with a warning. A multinomial (mgaussian) path gives
        one column per class (response) at a single ``s`` (columns (class, lambda) for several). For a relaxed fit,
        ``gamma`` blends the penalised (1) and relaxed (0) coefficients, as R's ``coef(fit, s,
        gamma)``."""
        if self._gamma(gamma) != 1:
            return self.blended(gamma).coef(s)
        index = ["(Intercept)", *self.feature_names]
        if self.beta.ndim == 3:
            return self._class_coef(index, s)
        first = 1 if self.family == "cox" else 0  # a Cox model has no intercept (R lists none)
        index = index[first:]
        if s is None:
            values = np.vstack([self.a0, self.beta])[first:]
            return pd.DataFrame(values, index=index, columns=self.lambdas)
        lambdas = _requested_lambdas(s)
        self._warn_if_clamped(lambdas)
        a0, beta = interpolate(self.a0, self.beta, self.lambdas, lambdas)
        values = np.vstack([a0, beta])[first:]
        if np.ndim(s) == 0:
            return pd.Series(values[:, 0], index=index, name=float(lambdas[0]))
        return pd.DataFrame(values, index=index, columns=lambdas)

    def predict(
        self,
        X: Any,
        s: float | np.ndarray,
        type: PredictType = "link",
        new_offset: Any = None,
        gamma: float = 1.0,
    ) -> np.ndarray:
        """Predictions for new rows ``X`` at lambda ``s``: the linear predictor (``type="link"``),
        the mean (``type="response"``: the probability of the second class for binomial fits, of
        each class for multinomial ones, the rate for Poisson, the relative risk ``exp(eta)`` for
        Cox) or the most probable class label
        (``type="class"``, binomial and multinomial). Multinomial links and probabilities are
        rows x classes (x lambdas for several ``s``), classes rows (x lambdas); mgaussian
        predictions (link and response alike) rows x responses (x lambdas). R's ``predict``
        keeps the lambda axis for one ``s`` too: n x K x 1 links and probabilities, an n x 1
        matrix of classes; pass ``s`` as a one-element array for those shapes here. A fit with
        an offset needs ``new_offset`` for the new rows (R's ``newoffset``). A relaxed fit
        predicts at ``gamma`` (see :meth:`coef`). An ``s`` outside the path is clamped to its
        nearest end with a warning, one within rounding of an end (1e-12, relative) without."""
        if _dask.holds_dask(X, new_offset):  # a lazy Dask array, block by block
            return _dask.predict(self, X, s, type, new_offset, gamma)
        if self._gamma(gamma) != 1:
            return self.blended(gamma).predict(X, s, type=type, new_offset=new_offset)
        if type not in ("link", "response", "class"):
            raise check.InvalidArgumentError(
                f"type must be 'link', 'response' or 'class', got {type!r}"
            )
        if type == "class" and self.family not in ("binomial", "multinomial"):
            raise check.InvalidArgumentError(
                f"type='class' needs a binomial or multinomial fit, not {self.family}"
            )
        matrix = self._new_design(X)
        lambdas = _requested_lambdas(s)
        self._warn_if_clamped(lambdas)
        a0, beta = interpolate(self.a0, self.beta, self.lambdas, lambdas)
        multinomial = beta.ndim == 3
        link = a0 + linear_part(matrix, beta)
        if self.has_offset:
            if new_offset is None:
                raise check.InvalidArgumentError(
                    "new_offset is needed: this fit used an offset (R: 'No newoffset provided "
                    "for prediction, yet offset used in fit of glmnet')"
                )
            n_classes = link.shape[1] if multinomial else None
            link += _inputs.offsets(new_offset, matrix.shape[0], "new_offset", n_classes)[..., None]
        if multinomial and self.family == "mgaussian":
            out = link  # R's predict.mrelnet: "response" is the link
        elif multinomial:
            out = self._multinomial_output(link, type)
        elif type == "class":
            labels = np.asarray(self.class_labels, dtype=object)
            out = labels[(link > 0).astype(int)]
        elif type == "response" and self.family == "binomial":
            out = 1.0 / (1.0 + np.exp(-link))
        elif type == "response" and self.family in ("poisson", "cox"):
            out = np.exp(link)
        elif type == "response" and isinstance(self.family, GlmFamily):
            out = self.family.linkinv(link)
        else:
            out = link
        return out[..., 0] if np.ndim(s) == 0 else out

    def blended(self, gamma: float, extend: bool = True) -> GlmnetPath:
        """The path of a relaxed fit at ``gamma``: ``gamma * penalised + (1 - gamma) * relaxed``
        (intercepts, coefficients and dev_ratio; gamma floored at 1e-5), R's ``blend.relaxed``.
        Lambdas the relaxed fit left out take its last fit (``extend``), or are dropped.

        >>> import numpy as np, statlab as sl
        >>> prostate = sl.data.load("prostate")
        >>> fit = sl.glmnet(sl.model_matrix("lpsa ~ .", prostate), prostate["lpsa"], relax=True,
        ...                 backend="python")
        >>> bool(np.allclose(fit.blended(0.5).beta, (fit.beta + fit.relaxed.beta) / 2))
        True
        """
        gamma = self._gamma(gamma)
        if self.relaxed is None:
            raise check.InvalidArgumentError(
                "gamma needs a relaxed fit: fit with relax=True (R's glmnet(..., relax = TRUE))"
            )
        relaxed = self.relaxed
        arrays = RelaxedArrays(
            np.isin(self.lambdas, relaxed.lambdas), relaxed.a0, relaxed.beta, relaxed.dev_ratio
        )
        a0, beta, dev_ratio, rows = blend(
            self.a0, self.beta, self.dev_ratio, arrays, gamma, extend=extend
        )
        return replace(
            self,
            lambdas=self.lambdas[rows],
            a0=a0,
            beta=beta,
            df=self.df[rows],
            dev_ratio=dev_ratio,
            relaxed=None,
        )

    def _gamma(self, gamma: Any) -> float:
        value = _inputs.blend_gamma(gamma)
        if value != 1 and self.relaxed is None:
            raise check.InvalidArgumentError(
                f"gamma = {value} needs a relaxed fit: fit with relax=True (R ignores gamma "
                "for a fit without one)"
            )
        return value

    def _multinomial_output(self, link: np.ndarray, type: str) -> np.ndarray:
        if type == "link":
            return link
        prob = np.exp(link - link.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        if type == "response":
            return prob
        return np.asarray(self.class_labels, dtype=object)[prob.argmax(axis=1)]

    def _class_coef(self, index: list[str], s: float | np.ndarray | None) -> pd.DataFrame:
        labels = self.class_labels or [str(k) for k in range(self.a0.shape[0])]
        if s is None:
            a0, beta, lambdas = self.a0, self.beta, self.lambdas
        else:
            lambdas = _requested_lambdas(s)
            self._warn_if_clamped(lambdas)
            a0, beta = interpolate(self.a0, self.beta, self.lambdas, lambdas)
        values = np.concatenate([a0[None], beta])  # terms x classes x lambdas
        if s is not None and np.ndim(s) == 0:
            return pd.DataFrame(values[:, :, 0], index=index, columns=labels)
        columns = pd.MultiIndex.from_product([labels, lambdas], names=["class", "lambda"])
        return pd.DataFrame(values.reshape(len(index), -1), index=index, columns=columns)

    def to_frame(self) -> pd.DataFrame:
        """Long table: lambda, log_lambda, df, term, coef (one row per term and lambda)."""
        if self.beta.ndim == 3:
            raise check.InvalidArgumentError(
                f"to_frame: a {self.family} path has one coefficient table per class or "
                "response; use coef()"
            )
        frame = pd.DataFrame(self.beta.T, columns=self.feature_names)
        frame["lambda"] = self.lambdas
        frame["df"] = self.df
        long = frame.melt(id_vars=["lambda", "df"], var_name="term", value_name="coef")
        long["log_lambda"] = np.log(long["lambda"])
        return long[["lambda", "log_lambda", "df", "term", "coef"]]

    def summary(self) -> pd.DataFrame:
        """R's ``print(fit)`` table: per lambda, ``Df`` (nonzero coefficients), ``%Dev`` (percent
        of the null deviance explained) and ``Lambda``; a relaxed fit adds ``%Dev R``, the relaxed
        fit's (NaN where it left the lambda out)."""
        table = pd.DataFrame({"Df": self.df.astype(np.int64), "%Dev": 100 * self.dev_ratio})
        if self.relaxed is not None:
            relaxed = pd.Series(100 * self.relaxed.dev_ratio, index=self.relaxed.lambdas)
            table["%Dev R"] = relaxed.reindex(self.lambdas).to_numpy()
        table["Lambda"] = self.lambdas
        return table

    def non_monotone_terms(self, min_drop: float = 0.1) -> pd.DataFrame:
        """Terms whose |coefficient| rises and then falls as lambda decreases.

        One row per such term, the most visible in the path plot (largest peak) first: ``peak_abs_coef``, the
        ``neg_log_lambda_at_peak`` where it peaks, ``final_coef`` at the path's end and ``drop``,
        the fall from the peak relative to it; only drops of at least ``min_drop`` are listed.
        """
        magnitude = np.abs(self.beta)
        peak_index = magnitude.argmax(axis=1)
        peak = magnitude.max(axis=1)
        final = self.beta[:, -1]
        with np.errstate(invalid="ignore", divide="ignore"):
            drop = np.where(peak > 0, (peak - np.abs(final)) / peak, 0.0)
        table = pd.DataFrame(
            {
                "term": self.feature_names,
                "peak_abs_coef": peak,
                "neg_log_lambda_at_peak": -np.log(self.lambdas[peak_index]),
                "final_coef": final,
                "drop": drop,
            }
        )
        table = table[table["drop"] >= min_drop]
        return table.sort_values("peak_abs_coef", ascending=False).reset_index(drop=True)

    def plot(self, label: bool = True, gamma: float = 1.0, highlight: Sequence[str] = ()) -> Any:
        """The coefficient paths against -log(lambda), as R's ``plot(fit, xvar = "lambda")``; a
        relaxed fit at ``gamma`` (on the lambdas the relaxed fit has, as R's plot does);
        ``highlight`` names paths to draw thick, black and labelled, the others in grey."""
        from statlab.plots.glmnet import plot_coef_path

        if self._gamma(gamma) != 1:
            return plot_coef_path(
                self.blended(gamma, extend=False), label=label, highlight=highlight
            )
        return plot_coef_path(self, label=label, highlight=highlight)

    def __repr__(self) -> str:
        return (
            f"GlmnetPath(family={self.family!r}, alpha={self.alpha}, backend={self.backend!r}, "
            f"{len(self.lambdas)} lambdas from {self.lambdas[0]:.4g} to {self.lambdas[-1]:.4g}, "
            f"{len(self.feature_names)} features)"
        )

    def _new_design(self, X: Any) -> Any:
        """New rows as a matrix (dense, or CSC for sparse input) in the fitted column order."""
        matrix, names = _inputs.design(X, "X", allow_sparse=True)
        if matrix.shape[1] != len(self.feature_names):
            raise check.InvalidArgumentError(
                f"X has {matrix.shape[1]} columns but the model was fitted on "
                f"{len(self.feature_names)}"
            )
        if isinstance(X, pd.DataFrame) and names != self.feature_names:
            missing = [n for n in self.feature_names if n not in names]
            if missing:
                raise check.InvalidArgumentError(f"X lacks the fitted columns {missing[:5]}")
            position = {name: j for j, name in enumerate(names)}
            matrix = matrix[:, [position[name] for name in self.feature_names]]
        return matrix

    def _warn_if_clamped(self, lambdas: np.ndarray) -> None:
        """Warn of the ``s`` outside the path beyond rounding (:data:`PATH_END_ROUNDING`)."""
        low, high = self.lambdas.min(), self.lambdas.max()
        slack = PATH_END_ROUNDING
        outside = lambdas[(lambdas < low * (1 - slack)) | (lambdas > high * (1 + slack))]
        if outside.size:
            warnings.warn(
                f"s = {outside.tolist()} lies outside the path [{low:.4g}, {high:.4g}]; "
                "it is clamped to the nearest end, as R's glmnet does",
                UserWarning,
                stacklevel=3,
            )


class CVCurveMixin:
    """What every cross-validation curve derives from its ``lambdas``, ``cvm`` and ``cvsd`` and
    its chosen positions: ``lambda_min``, ``lambda_1se``, ``cvup`` and ``cvlo`` (R's names).
    Shared by :class:`CVGlmnetResult`, :class:`RelaxedCV` and :class:`statlab.cv.CVCurve`."""

    lambdas: np.ndarray
    cvm: np.ndarray
    cvsd: np.ndarray

    def _lambda_positions(self) -> tuple[int, int]:
        """The 0-based lambda positions of the lambda.min and lambda.1se choices."""
        return self.index_min, self.index_1se  # type: ignore[attr-defined]

    @property
    def lambda_min(self) -> float:
        """The largest lambda with the smallest CV error."""
        return float(self.lambdas[self._lambda_positions()[0]])

    @property
    def lambda_1se(self) -> float:
        """The largest lambda whose CV error is within one standard error of the minimum."""
        return float(self.lambdas[self._lambda_positions()[1]])

    @property
    def cvup(self) -> np.ndarray:
        """The CV error plus one standard error."""
        return self.cvm + self.cvsd

    @property
    def cvlo(self) -> np.ndarray:
        """The CV error minus one standard error."""
        return self.cvm - self.cvsd


@dataclass(frozen=True, repr=False)
class RelaxedCV(CVCurveMixin):
    """The relaxed part of a ``cv_glmnet(..., relax=True)`` fit (R's ``cv_fit$relaxed``).

    Attributes: ``gamma`` (increasing), ``lambdas``, ``cvm`` and ``cvsd`` (gamma x lambda: one CV
    curve per gamma on the same folds), ``nzero``, ``measure``, ``choice_min`` and ``choice_1se``
    (0-based (gamma, lambda) positions of R's choice: the smallest CV error over the grid, and the
    largest lambda, then the largest gamma, within one standard error of it), ``backend``,
    ``fit_preval`` (with ``keep=True``: gamma x observations x lambdas out-of-fold linear
    predictors).
    """

    gamma: np.ndarray
    lambdas: np.ndarray
    cvm: np.ndarray
    cvsd: np.ndarray
    nzero: np.ndarray
    choice_min: tuple[int, int]
    choice_1se: tuple[int, int]
    measure: str
    backend: str
    fit_preval: np.ndarray | None = field(default=None)

    def _lambda_positions(self) -> tuple[int, int]:
        return self.choice_min[1], self.choice_1se[1]

    @property
    def gamma_min(self) -> float:
        return float(self.gamma[self.choice_min[0]])

    @property
    def gamma_1se(self) -> float:
        return float(self.gamma[self.choice_1se[0]])

    def to_frame(self) -> pd.DataFrame:
        """Long table of the curves: gamma, lambda, log_lambda, cvm, cvsd, cvlo, cvup, nzero (one
        row per gamma and lambda)."""
        n_gamma, n_lambda = self.cvm.shape
        return pd.DataFrame(
            {
                "gamma": np.repeat(self.gamma, n_lambda),
                "lambda": np.tile(self.lambdas, n_gamma),
                "log_lambda": np.tile(np.log(self.lambdas), n_gamma),
                "cvm": self.cvm.ravel(),
                "cvsd": self.cvsd.ravel(),
                "cvlo": self.cvlo.ravel(),
                "cvup": self.cvup.ravel(),
                "nzero": np.tile(self.nzero, n_gamma),
            }
        )

    def summary(self) -> pd.DataFrame:
        """R's ``print(cv_fit)`` table for a relaxed fit: Gamma, its Index (1-based), Lambda,
        Index, Measure, SE, Nonzero at min and 1se."""
        rows = {"min": self.choice_min, "1se": self.choice_1se}.values()
        return pd.DataFrame(
            {
                "Gamma": [self.gamma[g] for g, _ in rows],
                "Gamma Index": [g + 1 for g, _ in rows],
                "Lambda": [self.lambdas[k] for _, k in rows],
                "Index": [k + 1 for _, k in rows],
                "Measure": [self.cvm[g, k] for g, k in rows],
                "SE": [self.cvsd[g, k] for g, k in rows],
                "Nonzero": [int(self.nzero[k]) for _, k in rows],
            },
            index=["min", "1se"],
        )

    def plot(self) -> Any:
        """One CV curve per gamma with its standard-error band, dotted lines at the relaxed
        lambda.min and lambda.1se, nonzero counts along the top (R's ``plot(cv_fit)``)."""
        from statlab.plots.glmnet import plot_cv_relaxed

        return plot_cv_relaxed(self)

    def __repr__(self) -> str:
        table = self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        return f"RelaxedCV(measure={self.measure!r}, gamma={self.gamma.tolist()})\n{table}"


@dataclass(frozen=True, repr=False)
class CVGlmnetResult(CVCurveMixin):
    """A cross-validated glmnet fit (R's ``cv.glmnet`` object), whichever backend ran.

    Attributes: ``lambdas``, ``cvm``, ``cvsd``, ``nzero`` (numpy arrays, decreasing lambda),
    ``lambda_min``, ``lambda_1se``, ``index_min``, ``index_1se`` (0-based), ``foldid`` (1-based),
    ``measure`` (the curve's name) and ``type_measure`` (its code, e.g. "auc"), ``backend``,
    ``path`` (the full-data :class:`GlmnetPath`), ``fit_preval`` (with ``keep=True``: the
    out-of-fold linear predictors, observations x lambdas). For "auc" the best lambda maximises
    ``cvm``. With ``relax=True``, ``relaxed`` (:class:`RelaxedCV`) holds the curves per gamma and
    R's relaxed choice, ``gamma_min``/``gamma_1se`` are its gammas, and ``coef``/``predict``/
    ``summary``/``plot`` use it, as R's methods for a relaxed ``cv.glmnet`` do; ``cvm``,
    ``lambda_min``, ``lambda_1se`` and ``fit_preval`` remain the penalised fit's (gamma = 1).
    ``seed`` is the seed ``foldid`` was drawn from (fresh when the call gave None; None when the
    call gave ``foldid``).

    >>> import numpy as np, statlab as sl
    >>> ozone = sl.data.load("ozone")
    >>> fit = sl.cv_glmnet(sl.model_matrix("O3 ~ .", ozone), np.log(ozone["O3"]), seed=1,
    ...                    backend="python")
    >>> bool(fit.lambda_1se >= fit.lambda_min), fit.backend
    (True, 'python')
    """

    lambdas: np.ndarray
    cvm: np.ndarray
    cvsd: np.ndarray
    nzero: np.ndarray
    index_min: int
    index_1se: int
    foldid: np.ndarray
    measure: str
    backend: str
    path: GlmnetPath
    type_measure: str = "mse"
    fit_preval: np.ndarray | None = field(default=None)
    relaxed: RelaxedCV | None = field(default=None)
    seed: int | None = field(default=None)

    @property
    def gamma_min(self) -> float:
        """The gamma of the relaxed fit's lambda.min choice (R's ``cv_fit$relaxed$gamma.min``)."""
        return self._relaxed_part().gamma_min

    @property
    def gamma_1se(self) -> float:
        """The gamma of the relaxed fit's lambda.1se choice (R's ``cv_fit$relaxed$gamma.1se``)."""
        return self._relaxed_part().gamma_1se

    def _relaxed_part(self) -> RelaxedCV:
        if self.relaxed is None:
            raise check.InvalidArgumentError(
                "gamma_min and gamma_1se need cv_glmnet(..., relax=True)"
            )
        return self.relaxed

    @property
    def glmnet_fit(self) -> GlmnetPath:
        """R's name for the full-data path."""
        return self.path

    def coef(self, s: LambdaChoice = "lambda.1se", gamma: GammaChoice | None = None) -> pd.Series:
        """Coefficients ("(Intercept)" first, then the features) at ``s``: "lambda.1se",
        "lambda.min" or a lambda value. For a relaxed fit, as R's ``coef(cv_fit)``: a rule name
        takes the relaxed choice's lambda and (unless ``gamma`` is given) its gamma; ``gamma`` is
        "gamma.1se" (the default with a lambda value), "gamma.min" or a number in [0, 1]."""
        lambda_value, gamma_value = self._choice(s, gamma)
        return self.path.coef(lambda_value, gamma=gamma_value)

    def predict(
        self,
        X: Any,
        s: LambdaChoice = "lambda.1se",
        type: PredictType = "link",
        new_offset: Any = None,
        gamma: GammaChoice | None = None,
    ) -> np.ndarray:
        """Predictions for ``X`` at ``s`` ("lambda.1se", "lambda.min" or a lambda value);
        ``type`` and ``new_offset`` as in :meth:`GlmnetPath.predict`, ``gamma`` as in
        :meth:`coef`."""
        lambda_value, gamma_value = self._choice(s, gamma)
        return self.path.predict(
            X, lambda_value, type=type, new_offset=new_offset, gamma=gamma_value
        )

    def _choice(self, s: LambdaChoice, gamma: GammaChoice | None) -> tuple[float, float]:
        """(lambda, gamma) for ``s`` and ``gamma``, as R's methods for cv.glmnet and cv.relaxed."""
        if self.relaxed is None:
            return self._lambda_value(s), 1.0 if gamma is None else gamma
        relaxed = self.relaxed
        if isinstance(s, str) and s in ("lambda.1se", "lambda.min"):
            lambda_value = relaxed.lambda_1se if s == "lambda.1se" else relaxed.lambda_min
            if gamma is None:
                gamma = "gamma.1se" if s == "lambda.1se" else "gamma.min"
        else:
            lambda_value = self._lambda_value(s)
        if gamma is None or gamma == "gamma.1se":
            return lambda_value, relaxed.gamma_1se
        if gamma == "gamma.min":
            return lambda_value, relaxed.gamma_min
        if isinstance(gamma, str):
            raise check.InvalidArgumentError(
                f"gamma must be 'gamma.1se', 'gamma.min' or a number, got {gamma!r}"
            )
        return lambda_value, gamma

    def to_frame(self) -> pd.DataFrame:
        """Long table of the CV curve: lambda, log_lambda, cvm, cvsd, cvlo, cvup, nzero; for a
        relaxed fit one curve per gamma, with a leading gamma column (:meth:`RelaxedCV.to_frame`)."""
        if self.relaxed is not None:
            return self.relaxed.to_frame()
        return pd.DataFrame(
            {
                "lambda": self.lambdas,
                "log_lambda": np.log(self.lambdas),
                "cvm": self.cvm,
                "cvsd": self.cvsd,
                "cvlo": self.cvlo,
                "cvup": self.cvup,
                "nzero": self.nzero,
            }
        )

    def summary(self) -> pd.DataFrame:
        """R's ``print(cv_fit)`` table: Lambda, Index (1-based), Measure, SE, Nonzero for min and
        1se; for a relaxed fit R's relaxed table (:meth:`RelaxedCV.summary`)."""
        if self.relaxed is not None:
            return self.relaxed.summary()
        return cv_summary(
            self.lambdas, self.cvm, self.cvsd, self.nzero, self.index_min, self.index_1se
        )

    def plot(self) -> Any:
        """The CV curve, as R's ``plot(cv_fit)``: red points at cvm, grey bars cvlo..cvup, dotted
        lines at lambda.min and lambda.1se, nonzero counts along the top. A relaxed fit draws one
        curve per gamma with its standard-error band, dotted lines at the relaxed choice."""
        from statlab.plots.glmnet import plot_cv_curve, plot_cv_relaxed

        if self.relaxed is not None:
            return plot_cv_relaxed(self)
        return plot_cv_curve(self)

    def plot_path(self, label: bool = True, highlight: Sequence[str] = ()) -> Any:
        """The full-data coefficient paths (R's ``plot(cv_fit$glmnet.fit, xvar = "lambda")``),
        ``highlight`` as in :meth:`GlmnetPath.plot`."""
        return self.path.plot(label=label, highlight=highlight)

    def __repr__(self) -> str:
        table = self.summary().to_string(float_format=lambda v: f"{v:.4g}")
        relaxed = (
            "" if self.relaxed is None else f", relaxed over gamma {self.relaxed.gamma.tolist()}"
        )
        return (
            f"CVGlmnetResult(measure={self.measure!r}, family={self.path.family!r}, "
            f"alpha={self.path.alpha}, backend={self.backend!r}, nfolds={int(self.foldid.max())}"
            f"{relaxed})\n{table}"
        )

    def _lambda_value(self, s: LambdaChoice) -> float:
        if isinstance(s, str):
            if s == "lambda.1se":
                return self.lambda_1se
            if s == "lambda.min":
                return self.lambda_min
            raise check.InvalidArgumentError(
                f"s must be 'lambda.1se', 'lambda.min' or a number, got {s!r}"
            )
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)):
            raise check.InvalidArgumentError(
                f"s must be 'lambda.1se', 'lambda.min' or a number, got {s!r}"
            )
        if not np.isfinite(s) or s < 0:
            raise check.InvalidArgumentError(f"s must be a finite non-negative lambda, got {s!r}")
        return float(s)


def _requested_lambdas(s: Any) -> np.ndarray:
    """``s`` of a path's ``coef``/``predict``: one lambda or an array of them, each >= 0. A rule
    name ("lambda.min") needs a CV curve, which only a cv_glmnet result has."""
    if isinstance(s, str) and s in ("lambda.min", "lambda.1se"):
        raise check.InvalidArgumentError(
            f"s {s!r} is a cross-validation rule, which only a cv_glmnet result has: use "
            f"cv_glmnet(...).coef({s!r}), or give this path a lambda value"
        )
    if s is None or isinstance(s, str | bool | np.bool_):
        raise check.ArgumentTypeError(f"s must be a lambda value or an array of them, got {s!r}")
    lambdas = check.vector(s, "s")
    if (lambdas < 0).any():
        raise check.InvalidArgumentError(f"s must be non-negative lambdas, got {lambdas.min()!r}")
    return lambdas
