"""The leaky and the correct cross-validation designs on one set of axes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from statlab._validation import InvalidArgumentError
from statlab.plots.theme import theme_statlab

if TYPE_CHECKING:
    from statlab.cv import CVCurve


def plot_cv_designs(*curves: CVCurve) -> Any:
    """CV error against -log(lambda) for each design, a band of ±1 standard error around it and a
    point at each design's lambda.min.

    >>> import numpy as np
    >>> from statlab import cv
    >>> x = np.random.default_rng(0).normal(size=(30, 2)); y = x[:, 0]
    >>> curves = [f(x, y, nfolds=3, seed=1, backend="python") for f in (cv.kfold_cv, cv.leaky_cv)]
    >>> figure = plot_cv_designs(*curves)
    >>> [type(layer.geom).__name__ for layer in figure.layers], len(figure.layers[2].geom.data)
    (['geom_ribbon', 'geom_line', 'geom_point'], 2)
    """
    import plotnine as p9

    if not curves:
        raise InvalidArgumentError("curves must hold at least one CVCurve")
    frame = pd.concat([curve.to_frame() for curve in curves], ignore_index=True)
    frame["neg_log_lambda"] = -frame["log_lambda"]
    chosen = pd.DataFrame(
        {
            "design": [curve.design for curve in curves],
            "neg_log_lambda": [-np.log(curve.lambda_min) for curve in curves],
            "cvm": [curve.cvm[curve.index_min] for curve in curves],
        }
    )
    return (
        p9.ggplot(frame, p9.aes("neg_log_lambda", "cvm", colour="design"))
        + p9.geom_ribbon(p9.aes(ymin="cvlo", ymax="cvup", fill="design"), alpha=0.15, colour="none")
        + p9.geom_line()
        + p9.geom_point(data=chosen, size=3)
        + p9.labs(x="-log(lambda)", y=f"CV {curves[0].measure.lower()}")
        + theme_statlab()
    )
