"""One replicate's model: :func:`statlab.cv_glmnet` on the bootstrap rows with the replicate's folds,
then its predictions for the test rows, its coefficients and the lambda chosen by ``s``.

Both backends go through the public ``cv_glmnet`` and its :class:`~statlab.glmnet.CVGlmnetResult`,
so the R backend is ``cv_glmnet``'s own (``r/glmnet.R``) and the lambda rules are glmnet's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from statlab import _validation as check

LambdaRule = Literal["lambda.1se", "lambda.min"]


@dataclass(frozen=True)
class ReplicateFit:
    """What one model gives in one replicate: test-row ``predicted`` values, ``coefficients``
    (intercept first), the chosen ``lambda_``, and whether a numeric ``s`` lay outside the
    replicate's lambda path (``clamped``: prediction used the path's nearest end, as R does)."""

    predicted: np.ndarray
    coefficients: np.ndarray
    lambda_: float
    clamped: bool = False


@dataclass(frozen=True)
class GlmnetFit:
    """``cv_glmnet`` with given folds, then prediction at ``s`` (a lambda rule or a lambda value).

    An instance is the ``fit_predict`` callable of :func:`statlab.stability.run_replicates`:
    ``GlmnetFit(alpha=1)(x_train, y_train, foldid, x_test)`` returns a :class:`ReplicateFit`.
    ``backend`` is ``"python"`` or ``"r"``, as for :func:`statlab.cv_glmnet`.

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

    def __post_init__(self) -> None:
        check.real(self.alpha, "alpha", low=0, high=1)
        if isinstance(self.s, str):
            check.option(self.s, "s", ("lambda.1se", "lambda.min"))
        else:
            check.real(self.s, "s", low=0)
        check.option(self.backend, "backend", ("python", "r"))
        check.real(self.thresh, "thresh", low=0, low_open=True)
        check.integer(self.maxit, "maxit", low=1)

    def __call__(
        self, x_train: np.ndarray, y_train: np.ndarray, foldid: np.ndarray, x_test: np.ndarray
    ) -> ReplicateFit:
        # numba loads with statlab.glmnet: not on `import statlab.stability`
        from statlab.glmnet import cv_glmnet

        fit = cv_glmnet(
            x_train,
            y_train,
            alpha=self.alpha,
            foldid=foldid,
            thresh=self.thresh,
            maxit=self.maxit,
            backend=self.backend,
        )
        path = fit.path
        if isinstance(self.s, str):
            # a rule picks a lambda of the path itself: read its coefficients off the result
            index = fit.index_1se if self.s == "lambda.1se" else fit.index_min
            coefficients = np.concatenate([[path.a0[index]], path.beta[:, index]])
            return ReplicateFit(
                predicted=path.a0[index] + x_test @ path.beta[:, index],
                coefficients=coefficients,
                lambda_=float(path.lambdas[index]),
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.filterwarnings("always", message=r"s = .* lies outside the path")
            coefficients = path.coef(float(self.s)).to_numpy()
            predicted = path.predict(x_test, s=float(self.s))
        return ReplicateFit(
            predicted=np.asarray(predicted, dtype=np.float64),
            coefficients=coefficients,
            lambda_=float(self.s),
            clamped=bool(caught),
        )
