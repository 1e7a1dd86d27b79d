"""One replicate's model: a cross-validated glmnet fit on the bootstrap rows, its predictions for the
test rows, its coefficients and the lambda chosen by ``s``, from Python or from R."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

LambdaRule = Literal["lambda.1se", "lambda.min"]


@dataclass(frozen=True)
class ReplicateFit:
    """What one model gives in one replicate: test-row ``predicted`` values, ``coefficients``
    (intercept first) and the chosen ``lambda_``."""

    predicted: np.ndarray
    coefficients: np.ndarray
    lambda_: float


@dataclass(frozen=True)
class GlmnetFit:
    """``cv.glmnet`` with given folds, then prediction at ``s`` (a lambda rule or a lambda value).

    An instance is the ``fit_predict`` callable of :func:`statlab.stability.run_replicates`:
    ``GlmnetFit(alpha=1)(x_train, y_train, foldid, x_test)`` returns a :class:`ReplicateFit`.
    ``backend`` is ``"python"`` (statlab's port) or ``"r"`` (``r/stability.R``).

    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=(40, 3))
    >>> y = x @ np.array([1.0, 0.0, -2.0])
    >>> fit = GlmnetFit(alpha=1.0, s="lambda.min")(x, y, np.resize(np.arange(1, 5), 40), x[:2])
    >>> np.round(fit.coefficients, 1).tolist()  # intercept, then the three slopes
    [0.0, 1.0, 0.0, -2.0]
    """

    alpha: float
    s: LambdaRule | float = "lambda.1se"
    backend: Literal["python", "r"] = "python"
    thresh: float = 1e-7
    maxit: int = 100_000

    def __call__(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        if self.backend == "r":
            return self._fit_r(x_train, y_train, foldid, x_test)
        return self._fit_python(x_train, y_train, foldid, x_test)

    def _fit_python(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        from statlab.glmnet import _backend_python
        from statlab.glmnet._interp import interpolate

        cv = _backend_python.cross_validate(
            x_train,
            y_train,
            np.ones(y_train.shape[0]),
            foldid,
            alpha=self.alpha,
            family="gaussian",
            standardize=True,
            nlambda=100,
            lambda_min_ratio=None,
            thresh=self.thresh,
            max_passes=self.maxit,
        )
        path = cv.path
        if isinstance(self.s, str):
            index = cv.index_1se if self.s == "lambda.1se" else cv.index_min
            lambda_ = float(path.lambdas[index])
            intercept, beta = float(path.a0[index]), path.beta[:, index]
        else:
            lambda_ = float(self.s)
            a0, betas = interpolate(path.a0, path.beta, path.lambdas, np.array([lambda_]))
            intercept, beta = float(a0[0]), betas[:, 0]
        return ReplicateFit(
            predicted=intercept + x_test @ beta,
            coefficients=np.concatenate([[intercept], beta]),
            lambda_=lambda_,
        )

    def _fit_r(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        from statlab import _rbridge

        out = _rbridge.call(
            "stability_replicate",
            x_train,
            y_train,
            foldid,
            x_test,
            alpha=float(self.alpha),
            s=self.s if isinstance(self.s, str) else float(self.s),
            thresh=float(self.thresh),
            maxit=int(self.maxit),
        )
        return ReplicateFit(
            predicted=np.asarray(out["predicted"], dtype=np.float64).reshape(-1),
            coefficients=np.asarray(out["coefficients"], dtype=np.float64).reshape(-1),
            lambda_=float(np.asarray(out["lambda"]).reshape(-1)[0]),
        )
