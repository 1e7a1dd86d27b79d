"""Importance in Arcene: lasso coefficients and CART's MDI under bootstrap resampling.

Both models are tuned once by cross-validation on the training split (lasso: binomial
``cv_glmnet``, lambda.min; CART: rpart's cross-validated cp table, the cp of smallest ``xerror``),
with the same folds for both backends. Then ``n_draws`` (the sheet's B) bootstrap samples (indices drawn once from ``seed``,
shared by both backends) are refitted at that lambda and cp, recording every feature's coefficient
and MDI (the summed Gini decrease, rpart's ``variable.importance`` without surrogates). The spread
of those values, the share of replicates where the top features of the original fits (j_L*, j_T*)
get exactly zero, and the features' correlations (rho_j, the median |correlation| with the other
features) show how correlated features trade importance.

The R backend runs the bootstrap loop inside R (``arcene_bootstrap`` in ``r/trees.R``: glmnet and
rpart; :mod:`statlab.trees._backend_r`), the Python backend with statlab's glmnet engine and
scikit-learn's trees in ``n_jobs`` joblib workers (:mod:`statlab.trees._backend_python`).

Example
-------
>>> import statlab as sl
>>> train = sl.data.load("arcene")
>>> X, y = train.drop(columns="y").iloc[:, :20], train["y"]
>>> result = importance_stability(X, y, n_draws=3, seed=1, backend="python")
>>> result.coefs.shape, result.importances.shape
((3, 20), (3, 20))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from statlab import _rbridge
from statlab import _validation as check
from statlab._replicates import map_replicates
from statlab.trees import _backend_python, _backend_r, _checks
from statlab.trees._backend_r import LASSO_AND_CART
from statlab.trees.fit import TreeResult, fit_tree
from statlab.trees.forest import _seed_and_jobs

Backend = Literal["auto", "r", "python"]


@dataclass(frozen=True, repr=False)
class ImportanceStability:
    """Tuned lasso and tree, their holdout accuracy, and the bootstrap coefficients / MDI (on the
    bootstrap samples ``rows``, drawn from ``seed``: the call's, or a fresh one when it gave
    None)."""

    feature_names: list[str]
    lambda_star: float
    cp_star: float
    lasso_coef: pd.Series
    tree: TreeResult
    coefs: pd.DataFrame
    importances: pd.DataFrame
    rows: np.ndarray
    X: np.ndarray
    holdout_accuracy: dict[str, float]
    backend: str
    seed: int

    @property
    def j_lasso(self) -> str:
        """j_L*: the feature with the largest |coefficient| in the original lasso fit."""
        return str(self.lasso_coef.abs().idxmax())

    @property
    def j_tree(self) -> str:
        """j_T*: the feature with the largest MDI in the original tree."""
        return str(self.tree.importance().idxmax())

    def zero_fraction(self) -> pd.DataFrame:
        """For j_L* and j_T*: the share of bootstrap replicates with a zero lasso coefficient and
        with zero MDI."""
        rows = []
        for role, feature in (("j_L*", self.j_lasso), ("j_T*", self.j_tree)):
            rows.append(
                {
                    "role": role,
                    "feature": feature,
                    "lasso_zero": float((self.coefs[feature] == 0).mean()),
                    "mdi_zero": float((self.importances[feature] == 0).mean()),
                }
            )
        return pd.DataFrame(rows)

    def mdi_plus(self) -> pd.Series:
        """MDI+ (Agarwal et al. 2023, ``imodels``) of the original tree, one score per feature
        (higher is more important; the features the tree does not split on share one baseline).

        imodels computes MDI+ for scikit-learn forests; the tree here is a one-tree forest without
        bootstrap, grown best-first to the tuned tree's number of leaves with the same node sizes,
        which reproduces the tuned tree up to tied splits. MDI+ refits a regularised GLM on each
        feature's stumps: 1-2 s for the tuned Arcene tree (see :meth:`mdi_plus_bootstrap`)."""
        labels = (self.tree.y == self.tree.classes[1]).astype(int)
        scores, _ = _mdi_plus(self.X, labels, self.tree.n_leaves, self.tree.settings)
        return pd.Series(scores, index=self.feature_names, name="mdi_plus")

    def mdi_plus_bootstrap(
        self, n_draws: int | None = None, *, n_jobs: int | None = None, progress: bool = False
    ) -> pd.DataFrame:
        """MDI+ of the tree refitted on each of the first ``n_draws`` bootstrap samples (all of
        them by default; the rows of :attr:`importances`), as the gain over the no-split baseline
        (the score every feature the refit does not split on gets): 0 for those features, as MDI
        is (up to tied splits). Unlike MDI, a split feature's gain can be negative: its stumps,
        refitted with leave-one-out tuning, predict y worse than no split.

        Each refit is grown as in the Python backend (cp = cp*, same node sizes) and rebuilt
        best-first for imodels as in :meth:`mdi_plus`; MDI+ is scored on the bootstrap sample.
        imodels is Python only, so this runs in Python whatever the backend. On Arcene a refit
        costs about 0.3 s on one core (50 in 13 s); ``n_jobs`` processes share the replicates
        (each worker imports imodels first, so they pay off only on idle cores), ``progress``
        shows a bar.
        """
        n_draws = (
            len(self.rows)
            if n_draws is None
            else check.integer(n_draws, "n_draws", low=1, high=len(self.rows))
        )
        jobs = check.n_jobs(n_jobs)
        progress = check.flag(progress, "progress")
        settings = {**self.tree.settings, "cp": self.cp_star, "max_depth": 30}
        gains = map_replicates(
            partial(_mdi_plus_gain, self.X, self.tree.y, self.rows, settings),
            n_draws,
            seed=self.seed,
            n_jobs=jobs,
            progress=progress,
            description="MDI+ of the bootstrap trees",
        )
        return pd.DataFrame(np.vstack(gains), columns=self.feature_names)

    def correlation(self) -> pd.DataFrame:
        """The p x p feature correlation matrix C."""
        return pd.DataFrame(
            np.corrcoef(self.X, rowvar=False), index=self.feature_names, columns=self.feature_names
        )

    def rho(self) -> pd.DataFrame:
        """rho_j = median over k != j of |C_jk| for the top 25 features by mean |coefficient| and
        the top 10 by mean MDI across bootstraps (``group``), with that mean and rho's
        percentile among all features."""
        with np.errstate(invalid="ignore"):
            C = np.abs(np.corrcoef(self.X, rowvar=False))
        np.fill_diagonal(C, np.nan)
        rho_all = pd.Series(np.nanmedian(C, axis=1), index=self.feature_names)
        frames = []
        for group, values, top in (
            ("lasso: top 25 by mean |beta|", self.coefs.abs().mean(), 25),
            ("tree: top 10 by mean MDI", self.importances.mean(), 10),
        ):
            chosen = values.sort_values(ascending=False).index[:top]
            frames.append(
                pd.DataFrame(
                    {
                        "group": group,
                        "feature": chosen,
                        "mean_importance": values[chosen].to_numpy(),
                        "rho": rho_all[chosen].to_numpy(),
                        "rho_percentile": rho_all.rank(pct=True)[chosen].to_numpy(),
                    }
                )
            )
        table = pd.concat(frames, ignore_index=True)
        table.attrs["rho_median_all"] = float(rho_all.median())
        return table

    def to_frame(self, mdi_plus: pd.DataFrame | None = None) -> pd.DataFrame:
        """Long table ``model, replicate, feature, value, normalized`` (value / the model's largest
        |value| over all replicates and features); with ``mdi_plus`` (from
        :meth:`mdi_plus_bootstrap`) also the model ``tree_mdi_plus``."""
        tables = [("lasso", self.coefs), ("tree", self.importances)]
        if mdi_plus is not None:
            if not isinstance(mdi_plus, pd.DataFrame) or list(mdi_plus.columns) != list(
                self.feature_names
            ):
                raise check.InvalidArgumentError(
                    "mdi_plus must be the DataFrame mdi_plus_bootstrap() returns (one column per "
                    "feature)"
                )
            tables.append(("tree_mdi_plus", mdi_plus))
        frames = []
        for model, table in tables:
            long = (
                table.rename_axis("replicate")
                .reset_index()
                .melt(id_vars="replicate", var_name="feature", value_name="value")
            )
            scale = float(np.abs(long["value"]).max()) or 1.0
            frames.append(long.assign(model=model, normalized=long["value"] / scale))
        return pd.concat(frames, ignore_index=True)[
            ["model", "replicate", "feature", "value", "normalized"]
        ]

    def summary(self) -> pd.DataFrame:
        """Per model: the tuned parameter, holdout accuracy, top feature, and the zero fractions."""
        zeros = self.zero_fraction().set_index("role")
        return pd.DataFrame(
            {
                "parameter": [f"lambda = {self.lambda_star:.4g}", f"cp = {self.cp_star:.4g}"],
                "holdout_accuracy": [
                    self.holdout_accuracy["lasso"],
                    self.holdout_accuracy["tree"],
                ],
                "top_feature": [self.j_lasso, self.j_tree],
                "zero_fraction_lasso": [
                    zeros.loc["j_L*", "lasso_zero"],
                    zeros.loc["j_T*", "lasso_zero"],
                ],
                "zero_fraction_mdi": [zeros.loc["j_L*", "mdi_zero"], zeros.loc["j_T*", "mdi_zero"]],
                "backend": self.backend,
            },
            index=pd.Index(["lasso", "tree"], name="model"),
        )

    def plot(self, mdi_plus: pd.DataFrame | None = None) -> Any:
        """Bootstrap coefficients and MDI per feature, normalised by the largest magnitude, the
        features sorted by mean importance (the course's ``lasso_tree_importances`` figure); a
        third panel for ``mdi_plus`` (from :meth:`mdi_plus_bootstrap`) when given."""
        from statlab.plots.trees import plot_importance_stability

        return plot_importance_stability(self.to_frame(mdi_plus))

    def plot_correlation(self) -> Any:
        """The correlation matrix with features ordered by hierarchical clustering."""
        from statlab.plots.trees import plot_correlation_matrix

        return plot_correlation_matrix(self.correlation())

    def __repr__(self) -> str:
        return (
            f"ImportanceStability (backend {self.backend!r}, n_draws = {len(self.coefs)}): lasso "
            f"lambda {self.lambda_star:.4g}, holdout accuracy {self.holdout_accuracy['lasso']:.2f}, "
            f"j_L* = {self.j_lasso}; tree cp {self.cp_star:.4g}, holdout accuracy "
            f"{self.holdout_accuracy['tree']:.2f}, j_T* = {self.j_tree}"
        )


def bootstrap_rows(n: int, n_draws: int, seed: int) -> np.ndarray:
    """n_draws x n bootstrap row indices (0-based), drawn once from ``seed``; shared by both
    backends.

    >>> bootstrap_rows(5, 2, seed=1).shape
    (2, 5)
    """
    return np.random.default_rng(seed).integers(0, n, size=(n_draws, n))


def importance_stability(
    X: Any,
    y: Any,
    *,
    X_holdout: Any = None,
    y_holdout: Any = None,
    n_draws: int = 50,
    nfolds: int = 10,
    min_split: int = 20,
    seed: int | None = None,
    backend: Backend = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
) -> ImportanceStability:
    """Lasso and CART importances under ``n_draws`` (the sheet's B) bootstrap refits (see the
    module docstring).

    Holdout accuracy is computed on ``(X_holdout, y_holdout)`` when given (Arcene's valid split),
    else it is NaN. ``progress=True`` shows a bar over the bootstrap refits.
    """
    from statlab.glmnet import cv_glmnet

    matrix, names = _checks.design(X)
    labels, _, classes = _checks.response(y, matrix.shape[0], "classification")
    if len(classes) != 2:
        raise check.InvalidArgumentError(
            f"y must have two classes, got {len(classes)}: {list(classes)}"
        )
    n_draws = _checks.positive_int(n_draws, "n_draws")
    seed, n_jobs = _seed_and_jobs(seed, n_jobs)
    nfolds = check.integer(nfolds, "nfolds", low=3, high=matrix.shape[0])
    min_split = _checks.positive_int(min_split, "min_split", minimum=2)
    progress = check.flag(progress, "progress")
    ran = _rbridge.resolve_backend(check.backend(backend), LASSO_AND_CART)
    holdout, truth = _holdout(X_holdout, y_holdout, matrix.shape[1])
    folds = _checks.fold_ids(None, nfolds, matrix.shape[0], seed)
    binary = (labels == classes[1]).astype(np.float64)

    lasso_cv = cv_glmnet(matrix, binary, family="binomial", foldid=folds, backend=ran)
    lambda_star = lasso_cv.lambda_min
    lasso_coef = lasso_cv.coef("lambda.min").iloc[1:]
    lasso_coef.index = names
    grown = fit_tree(
        matrix,
        labels,
        cp=0.0,
        min_split=min_split,
        task="classification",
        foldid=folds,
        backend=ran,
    )
    cp_star = grown.best_cp("min")
    tree = replace(grown.prune(cp_star), feature_names=names)

    accuracy = {"lasso": float("nan"), "tree": float("nan")}
    if holdout is not None:
        probability = lasso_cv.predict(holdout, s="lambda.min", type="response")
        accuracy["lasso"] = float(
            np.mean(np.where(probability > 0.5, classes[1], classes[0]) == truth)
        )
        accuracy["tree"] = float(np.mean(tree.predict(holdout) == truth))

    rows = bootstrap_rows(matrix.shape[0], n_draws, seed)
    settings = {"cp": cp_star, "min_split": min_split, "min_bucket": max(round(min_split / 3), 1)}
    backend_module = _backend_r if ran == "r" else _backend_python
    coefs, importances = backend_module.bootstrap_refits(
        matrix,
        binary.astype(np.int64),
        rows,
        lambda_star,
        settings,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
    )
    return ImportanceStability(
        feature_names=names,
        lambda_star=lambda_star,
        cp_star=cp_star,
        lasso_coef=lasso_coef,
        tree=tree,
        coefs=pd.DataFrame(coefs, columns=names),
        importances=pd.DataFrame(importances, columns=names),
        rows=rows,
        X=matrix,
        holdout_accuracy=accuracy,
        backend=ran,
        seed=seed,
    )


def _holdout(
    X_holdout: Any, y_holdout: Any, n_features: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The holdout matrix and labels, checked (both None when no holdout is given)."""
    if X_holdout is None:
        return None, None
    holdout, _ = _checks.design(X_holdout, "X_holdout")
    if holdout.shape[1] != n_features:
        raise check.InvalidArgumentError(
            f"X_holdout has {holdout.shape[1]} columns but X has {n_features}"
        )
    truth = None if y_holdout is None else np.asarray(y_holdout)
    if truth is None or truth.ndim != 1 or len(truth) != holdout.shape[0]:
        raise check.InvalidArgumentError(
            f"y_holdout must have one label per row of X_holdout ({holdout.shape[0]}), "
            f"got {'None' if truth is None else f'shape {truth.shape}'}"
        )
    return holdout, truth


def _mdi_plus(
    X: np.ndarray, labels: np.ndarray, n_leaves: int, settings: dict
) -> tuple[np.ndarray, np.ndarray]:
    """imodels' MDI+ scores of a one-tree forest grown best-first to ``n_leaves`` leaves on
    (X, 0/1 labels), and which features that tree splits on."""
    import warnings

    from imodels.importance import RandomForestPlusClassifier
    from sklearn.ensemble import RandomForestClassifier
    from threadpoolctl import threadpool_limits

    forest = RandomForestClassifier(
        n_estimators=1,
        bootstrap=False,
        max_features=None,
        min_samples_split=settings["min_split"],
        min_samples_leaf=settings["min_bucket"],
        max_leaf_nodes=max(n_leaves, 2),
        random_state=0,
    )
    model = RandomForestPlusClassifier(rf_model=forest, sample_split=None)
    # imodels' leave-one-out logistic refits make thousands of small BLAS calls; spread over
    # threads they spent most of their time waiting on each other, more so with another process
    # on the cores. One thread gives the same numbers.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")  # imodels' pandas deprecation notices
        model.fit(X, labels)
        scores = model.get_mdi_plus_scores(X, labels, scoring_fns={"importance": _OnceEachScore()})
    values = scores.set_index("var")["importance"].reindex(range(X.shape[1])).to_numpy()
    structure = model.rf_model.estimators_[0].tree_
    split = np.zeros(X.shape[1], dtype=bool)
    split[structure.feature[structure.feature >= 0]] = True
    return values, split


class _OnceEachScore:
    """imodels' MDI+ score for classification (its default, the negative log-loss), computed once
    for each distinct pair of labels and predictions. Every feature a tree does not split on gets
    the same constant partial prediction, so on Arcene, where a tree splits on a handful of the 200
    features, scoring them one by one (sklearn's ``log_loss`` checks its input on each call) took
    a third of MDI+'s time; the scores are the same numbers."""

    def __init__(self) -> None:
        self.scores: dict[tuple[bytes, bytes, tuple[int, ...]], float] = {}

    def __call__(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        from imodels.importance.rf_plus import _neg_log_loss

        key = (np.asarray(y_true).tobytes(), np.asarray(y_pred).tobytes(), np.shape(y_pred))
        if key not in self.scores:
            self.scores[key] = _neg_log_loss(y_true, y_pred)
        return self.scores[key]


def _mdi_plus_gain(
    X: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    settings: dict,
    replicate: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """MDI+ gains over the no-split baseline of the tree refitted on bootstrap sample
    ``rows[replicate]`` (zeros where the refit does not split; the rows were drawn beforehand, so
    ``rng`` is not used)."""
    from statlab.trees._backend_python import grow_python

    classes = np.unique(y)
    index = rows[replicate]
    gains = np.zeros(X.shape[1])
    tree = grow_python(X[index], y[index], classes, settings)
    if tree.n_leaves < 2:
        return gains
    labels = (y[index] == classes[1]).astype(int)
    scores, split = _mdi_plus(X[index], labels, tree.n_leaves, settings)
    baseline = scores[~split][0] if (~split).any() else np.nan
    return np.where(split, scores - baseline, 0.0)
