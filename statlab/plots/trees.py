"""Figures for trees, split choice, boosting and tree importances (plotnine, undrawn ``ggplot``s).

Trees are drawn as diagrams from their node table (leaves spread evenly, a parent above the middle
of its children), partitions as labelled rectangles, as in ISLR's Figure 8.3 and the course sheet's
Figure 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from statlab import _validation as check
from statlab.plots.theme import theme_statlab

HALF_PLANE_COLOURS = {"R1: x_j < s": "#4393c3", "R2: x_j >= s": "#d6604d"}


def tree_layout(tree: Any, feature_names: list[str], leaf_text: list[str]) -> pd.DataFrame:
    """Node positions for a diagram: ``node, x, y, label, leaf`` and the parent's ``x_parent``,
    ``y_parent``, plus the edge label ``edge`` ("<" or ">=")."""
    size = len(tree.feature)
    x = np.zeros(size)
    leaves = np.flatnonzero(tree.feature < 0)
    x[leaves] = np.arange(len(leaves))  # preorder puts leaves left to right
    for node in range(size - 1, -1, -1):  # walking preorder backwards: children before parents
        if tree.feature[node] >= 0:
            x[node] = (x[tree.left[node]] + x[tree.right[node]]) / 2
    parent = np.full(size, -1)
    edge = np.full(size, "", dtype=object)
    for node in range(size):
        if tree.feature[node] >= 0:
            parent[tree.left[node]], edge[tree.left[node]] = node, "yes"
            parent[tree.right[node]], edge[tree.right[node]] = node, "no"
    labels = []
    leaf_iter = iter(leaf_text)
    for node in range(size):
        if tree.feature[node] < 0:
            labels.append(next(leaf_iter))
        else:
            labels.append(f"{feature_names[tree.feature[node]]} < {tree.threshold[node]:.3g}")
    y = -tree.depth.astype(np.float64)
    has_parent = parent >= 0
    return pd.DataFrame(
        {
            "node": np.arange(size),
            "x": x,
            "y": y,
            "label": labels,
            "leaf": tree.feature < 0,
            "x_parent": np.where(has_parent, x[np.maximum(parent, 0)], np.nan),
            "y_parent": np.where(has_parent, y[np.maximum(parent, 0)], np.nan),
            "edge": edge,
        }
    )


def plot_tree(result: Any, title: str | None = None) -> Any:
    """A tree diagram: internal nodes show their split ``feature < threshold`` (yes to the left),
    leaves their fitted value (regression), class, or box label (a partition's tree).

    >>> import statlab as sl
    >>> sine = sl.data.load("sine_boosting")
    >>> tree = sl.trees.fit_tree(sine[["X"]], sine["y"], max_depth=2, backend="python")
    >>> type(plot_tree(tree)).__name__
    'ggplot'
    """
    import plotnine as p9

    tree = result.tree
    leaves = np.flatnonzero(tree.feature < 0)
    if hasattr(result, "labels"):  # a tree built from a partition
        leaf_text = [result.labels[int(tree.value[i])] for i in leaves]
    elif tree.classes is not None:
        leaf_text = [
            f"{tree.classes[int(np.argmax(tree.value[i]))]}\nn = {tree.n[i]}" for i in leaves
        ]
    else:
        leaf_text = [f"{tree.value[i]:.2f}\nn = {tree.n[i]}" for i in leaves]
    layout = tree_layout(tree, result.feature_names, leaf_text)
    edges = layout.dropna(subset=["x_parent"]).assign(
        x_mid=lambda f: (f["x"] + f["x_parent"]) / 2, y_mid=lambda f: (f["y"] + f["y_parent"]) / 2
    )
    width = max(float(layout["x"].max()), 1.0)
    return (
        p9.ggplot(layout, p9.aes("x", "y"))
        + p9.geom_segment(
            p9.aes(x="x_parent", y="y_parent", xend="x", yend="y"), data=edges, color="#808080"
        )
        + p9.geom_text(
            p9.aes(x="x_mid", y="y_mid", label="edge"), data=edges, size=7, color="#808080"
        )
        + p9.geom_label(
            p9.aes(label="label", fill="leaf"), size=8, label_padding=0.3, label_size=0.3
        )
        + p9.scale_fill_manual(values={True: "#fee8c8", False: "#ffffff"}, guide=None)
        + p9.scale_x_continuous(limits=(-0.6, width + 0.6))
        + p9.scale_y_continuous(limits=(float(layout["y"].min()) - 0.5, 0.4))
        + p9.labs(x="", y="", title=title or "")
        + theme_statlab()
        + p9.theme(
            axis_text=p9.element_blank(),
            axis_ticks=p9.element_blank(),
            panel_border=p9.element_blank(),
        )
    )


def plot_boxes(
    boxes: pd.DataFrame, feature_names: list[str], label: str = "label", title: str | None = None
) -> Any:
    """Labelled rectangles of a 2-D partition (columns ``<name>_min``, ``<name>_max``).

    >>> import pandas as pd
    >>> boxes = pd.DataFrame({"label": ["R1", "R2"], "x1_min": [0, 0.5], "x1_max": [0.5, 1],
    ...                       "x2_min": [0, 0], "x2_max": [1, 1]})
    >>> type(plot_boxes(boxes, ["x1", "x2"])).__name__
    'ggplot'
    """
    import plotnine as p9

    first, second = _two_features(feature_names)
    frame = boxes.assign(
        xmin=boxes[f"{first}_min"],
        xmax=boxes[f"{first}_max"],
        ymin=boxes[f"{second}_min"],
        ymax=boxes[f"{second}_max"],
    ).assign(
        x_mid=lambda f: (f["xmin"] + f["xmax"]) / 2,
        y_mid=lambda f: (f["ymin"] + f["ymax"]) / 2,
        text=lambda f: f[label].astype(str),
    )
    return (
        p9.ggplot(frame)
        + p9.geom_rect(
            p9.aes(xmin="xmin", xmax="xmax", ymin="ymin", ymax="ymax"),
            fill="#f7f7f7",
            color="black",
        )
        + p9.geom_text(p9.aes(x="x_mid", y="y_mid", label="text"), size=9)
        + p9.labs(x=first, y=second, title=title or "")
        + theme_statlab()
    )


def plot_partition(result: Any, features: tuple[str, str] | None = None) -> Any:
    """A fitted tree's partition of the plane of two features: leaf boxes shaded by fitted value
    (or class), with the training points.

    >>> import numpy as np, statlab as sl
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(60, 2)); y = X[:, 0] + (X[:, 1] > 0.5)
    >>> tree = sl.trees.fit_tree(X, y, max_depth=2, backend="python")
    >>> type(plot_partition(tree)).__name__
    'ggplot'
    """
    import plotnine as p9

    names = result.feature_names
    first, second = features or _two_features(names)
    if len(names) != 2:
        raise check.InvalidArgumentError(
            f"plot_partition draws trees on two features; this one has {len(names)}"
        )
    boxes = result.partition()
    frame = boxes.assign(
        xmin=boxes[f"{first}_min"],
        xmax=boxes[f"{first}_max"],
        ymin=boxes[f"{second}_min"],
        ymax=boxes[f"{second}_max"],
        x_mid=lambda f: (f["xmin"] + f["xmax"]) / 2,
        y_mid=lambda f: (f["ymin"] + f["ymax"]) / 2,
        text=lambda f: [f"{v:.2f}" if isinstance(v, float) else str(v) for v in f["value"]],
    )
    points = pd.DataFrame(
        {first: result.X[:, names.index(first)], second: result.X[:, names.index(second)]}
    )
    regression = result.task == "regression"
    fill = p9.aes(xmin="xmin", xmax="xmax", ymin="ymin", ymax="ymax", fill="value")
    if not regression:
        frame["value"] = frame["value"].astype(str)
        points["class"] = result.y.astype(str)
    point_aes = (
        p9.aes(x=first, y=second) if regression else p9.aes(x=first, y=second, shape="class")
    )
    return (
        p9.ggplot(frame)
        + p9.geom_rect(fill, color="black", alpha=0.5)
        + p9.geom_point(point_aes, data=points, size=1.2, color="#303030")
        + p9.geom_label(p9.aes(x="x_mid", y="y_mid", label="text"), size=8, fill="white")
        + (p9.scale_fill_distiller(type="div", palette="RdBu") if regression else p9.geom_blank())
        + p9.labs(x=first, y=second, fill="fitted value" if regression else "leaf class")
        + theme_statlab()
    )


def plot_split_search(search: Any) -> Any:
    """RSS(j, s) against s, one panel per feature, the overall minimum marked and the chosen
    threshold drawn; with one feature the data are drawn below with the two half-planes' means.

    >>> import statlab as sl
    >>> sine = sl.data.load("sine_boosting")
    >>> type(plot_split_search(sl.trees.split_search(sine[["X"]], sine["y"]))).__name__
    'ggplot'
    """
    import plotnine as p9

    table = search.table.assign(
        feature=lambda f: pd.Categorical(f["feature"], categories=search.feature_names)
    )
    best = table[
        (table["feature"] == search.best_feature) & (table["threshold"] == search.best_threshold)
    ]
    per_feature = search.summary().assign(
        feature=lambda f: pd.Categorical(f["feature"], categories=search.feature_names)
    )
    return (
        p9.ggplot(table, p9.aes("threshold", "rss"))
        + p9.geom_hline(yintercept=search.total_rss, linetype="dotted", color="#808080")
        + p9.geom_line(color="#404040")
        + p9.geom_point(data=per_feature, color="#4393c3", size=2)
        + p9.geom_vline(
            p9.aes(xintercept="threshold"), data=best, color="#d6604d", linetype="dashed"
        )
        + p9.geom_point(data=best, color="#d6604d", size=3)
        + p9.facet_wrap("feature", scales="free_x")
        + p9.labs(
            x="threshold s",
            y="RSS(j, s)",
            title=f"Best split: {search.best_feature} < {search.best_threshold:.3g} "
            f"(RSS {search.best_rss:.4g} of {search.total_rss:.4g})",
            caption="Curve: RSS of the two half-planes R1 = {x_j < s}, R2 = {x_j >= s}.\nBlue: each "
            "feature's best s; red: the best pair (j, s). Dotted: RSS with no split.",
        )
        + theme_statlab()
        + p9.theme(plot_caption=p9.element_text(ha="left", size=8))
    )


def plot_half_planes(search: Any, features: tuple[str, str] | None = None) -> Any:
    """The data on two features coloured by y, with the chosen half-planes R1(j, s) and R2(j, s)
    shaded.

    >>> import numpy as np, statlab as sl
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(40, 2)); y = 2.0 * (X[:, 1] > 0.6) + rng.normal(size=40) * 0.1
    >>> type(plot_half_planes(sl.trees.split_search(X, y))).__name__
    'ggplot'
    """
    import plotnine as p9

    first, second = features or _two_features(search.feature_names)
    names = search.feature_names
    points = pd.DataFrame(
        {
            first: search.X[:, names.index(first)],
            second: search.X[:, names.index(second)],
            "y": search.y,
        }
    )
    low = search.X.min(axis=0)
    high = search.X.max(axis=0)
    s = search.best_threshold
    planes = pd.DataFrame(
        {
            "region": list(HALF_PLANE_COLOURS),
            "xmin": [low[names.index(first)]] * 2,
            "xmax": [high[names.index(first)]] * 2,
            "ymin": [low[names.index(second)]] * 2,
            "ymax": [high[names.index(second)]] * 2,
        }
    )
    axis = "x" if search.best_feature == first else "y"
    planes.loc[0, f"{axis}max"] = s
    planes.loc[1, f"{axis}min"] = s
    return (
        p9.ggplot(points)
        + p9.geom_rect(
            p9.aes(xmin="xmin", xmax="xmax", ymin="ymin", ymax="ymax", fill="region"),
            data=planes,
            alpha=0.25,
        )
        + p9.geom_point(p9.aes(x=first, y=second, size="y"), alpha=0.7)
        + p9.scale_fill_manual(values=HALF_PLANE_COLOURS)
        + p9.scale_size_continuous(range=(0.5, 3))
        + p9.labs(
            x=first, y=second, fill="", title=f"Chosen split: {search.best_feature} < {s:.3g}"
        )
        + theme_statlab()
    )


def _two_features(names: list[str]) -> tuple[str, str]:
    if len(names) < 2:
        raise check.InvalidArgumentError(
            f"this figure needs two features, got {len(names)}: {names}"
        )
    return names[0], names[1]


def plot_boosting_steps(steps: Any, shown: list[int] | None = None) -> Any:
    """One row per boosting step b: left, the data with the ensemble after b steps; right, the
    residuals the b-th tree was fitted to with that tree (as the course's boosting figure).

    >>> import statlab as sl
    >>> sine = sl.data.load("sine_boosting")
    >>> fit = sl.trees.boosting_steps(sine["X"], sine["y"], n_steps=2, backend="python")
    >>> type(plot_boosting_steps(fit)).__name__
    'ggplot'
    """
    import plotnine as p9

    shown = shown or list(range(1, min(steps.n_steps, 3) + 1))
    points = steps.to_frame()
    points = points[points["step"].isin(shown)]
    curves = steps.curves(steps=shown)
    left_title, right_title = "Boosting iterations: y and the ensemble", "Residuals and new tree"
    data = pd.concat(
        [
            points.assign(panel=left_title, value=points["y"]),
            points.assign(panel=right_title, value=points["residual"]),
        ]
    )
    lines = pd.concat(
        [
            curves.assign(panel=left_title, value=curves["ensemble"]),
            curves.assign(panel=right_title, value=curves["tree"]),
        ]
    )
    order = [left_title, right_title]
    labels = [f"b = {b}" for b in shown]
    for frame in (data, lines):
        frame["panel"] = pd.Categorical(frame["panel"], categories=order)
        frame["row"] = pd.Categorical([f"b = {b}" for b in frame["step"]], categories=labels)
    return (
        p9.ggplot(data, p9.aes("x", "value"))
        + p9.geom_point(size=0.9, alpha=0.6)
        + p9.geom_step(data=lines, color="#d6604d", size=0.9)
        + p9.facet_grid("row ~ panel", scales="free_y")
        + p9.labs(
            x="x",
            y="",
            caption="Left: data and the sum of the first b trees. Right: the residuals r(b-1) "
            "and the b-th tree fitted to them.",
        )
        + theme_statlab()
        + p9.theme(plot_caption=p9.element_text(ha="left", size=8))
    )


def plot_forest_importance(table: pd.DataFrame, highlight: str | None = None) -> Any:
    """Permutation importance (randomForest's scaled ``%IncMSE``) per feature as a dot chart, most
    important at the top; ``highlight`` names a boolean column to colour (e.g. removed features).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"feature": ["a", "b"], "importance": [5.0, 1.0], "removed": [True, False]})
    >>> type(plot_forest_importance(table, highlight="removed")).__name__
    'ggplot'
    """
    import plotnine as p9

    frame = table.assign(
        feature=pd.Categorical(table["feature"], categories=list(table["feature"])[::-1])
    )
    colour = p9.aes(color=highlight) if highlight else p9.aes()
    return (
        p9.ggplot(frame, p9.aes(x="importance", y="feature"))
        + p9.geom_segment(p9.aes(x=0, xend="importance", yend="feature"), color="#bdbdbd")
        + p9.geom_point(colour, size=2)
        + (
            p9.scale_color_manual(values={True: "#d6604d", False: "#404040"})
            if highlight
            else p9.geom_blank()
        )
        + p9.labs(x="permutation importance (%IncMSE: mean increase in OOB error / its s.e.)", y="")
        + theme_statlab()
    )


def plot_removal_errors(table: pd.DataFrame, n_test: int) -> Any:
    """Efron's Table 3 as a figure: test error rate of the forest refitted without the top k
    features, against k (on a log1p axis, so k = 0 shows), with the error count at each point.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"removed": [0, 10], "test_errors": [2, 3],
    ...                       "test_error_rate": [2 / 51, 3 / 51]})
    >>> type(plot_removal_errors(table, n_test=51)).__name__
    'ggplot'
    """
    import plotnine as p9

    frame = table.assign(label=[f"{e}/{n_test}" for e in table["test_errors"]])
    breaks = sorted(int(k) for k in table["removed"])
    return (
        p9.ggplot(frame, p9.aes(x="removed", y="test_error_rate"))
        + p9.geom_line(color="#4393c3")
        + p9.geom_point(color="#4393c3", size=2.5)
        + p9.geom_text(p9.aes(label="label"), nudge_y=0.012, size=8, color="#404040")
        + p9.scale_x_continuous(trans="log1p", breaks=breaks)
        + p9.scale_y_continuous(limits=(0, max(0.25, float(frame["test_error_rate"].max()) + 0.03)))
        + p9.labs(
            x="top genes removed (k, log(1 + k) scale)",
            y=f"test error rate ({n_test} held-out samples)",
        )
        + theme_statlab()
    )


def plot_importance_stability(long: pd.DataFrame) -> Any:
    """Bootstrap lasso coefficients and tree MDI (and MDI+, model ``tree_mdi_plus``, if present)
    for every feature, one dot per replicate, normalised by each model's largest magnitude;
    features sorted by mean |value| within each panel (as the course's ``lasso_tree_importances``
    figure).

    >>> import pandas as pd
    >>> long = pd.DataFrame({"model": ["lasso", "tree"], "replicate": [0, 0],
    ...                      "feature": ["a", "a"], "value": [0.5, 2.0], "normalized": [1.0, 1.0]})
    >>> type(plot_importance_stability(long)).__name__
    'ggplot'
    """
    import plotnine as p9

    titles = {"lasso": "Lasso coefficients", "tree": "Tree MDI", "tree_mdi_plus": "Tree MDI+"}
    frames = []
    for model, part in long.groupby("model", sort=False):
        order = part.groupby("feature")["normalized"].apply(lambda v: float(np.abs(v).mean()))
        rank = order.rank(method="first").astype(int)
        frames.append(part.assign(rank=part["feature"].map(rank), panel=titles.get(model, model)))
    frame = pd.concat(frames, ignore_index=True)
    panels = [titles.get(m, m) for m in long["model"].unique()]
    frame["panel"] = pd.Categorical(frame["panel"], categories=panels)
    return (
        p9.ggplot(frame, p9.aes(x="normalized", y="rank"))
        + p9.geom_vline(xintercept=0, color="#bdbdbd")
        + p9.geom_point(size=0.4, alpha=0.5)
        + p9.facet_wrap("panel", scales="free_x")
        + p9.labs(
            x="Importance, normalized by max. magnitude",
            y="Features, sorted by importance",
        )
        + theme_statlab()
        + p9.theme(axis_text_y=p9.element_blank(), axis_ticks_major_y=p9.element_blank())
    )


def plot_correlation_matrix(correlation: pd.DataFrame) -> Any:
    """A heat map of a correlation matrix, rows and columns ordered by average-linkage clustering
    of 1 - |C|.

    >>> import numpy as np, pandas as pd
    >>> C = pd.DataFrame(np.corrcoef(np.random.default_rng(0).normal(size=(20, 4)), rowvar=False))
    >>> type(plot_correlation_matrix(C)).__name__
    'ggplot'
    """
    import plotnine as p9
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    values = correlation.to_numpy()
    distance = 1 - np.abs(np.nan_to_num(values))
    np.fill_diagonal(distance, 0)
    order = leaves_list(linkage(squareform(distance, checks=False), method="average"))
    size = len(order)
    position = np.empty(size, dtype=int)
    position[order] = np.arange(size)
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    frame = pd.DataFrame(
        {
            "row": position[rows.ravel()],
            "col": position[cols.ravel()],
            "correlation": values.ravel(),
        }
    )
    return (
        p9.ggplot(frame, p9.aes("col", "row", fill="correlation"))
        + p9.geom_raster()
        + p9.scale_fill_distiller(type="div", palette="RdBu", limits=(-1, 1))
        + p9.scale_y_reverse()
        + p9.coord_fixed()
        + p9.labs(x="feature (clustered order)", y="feature (clustered order)", fill="cor")
        + theme_statlab()
        + p9.theme(axis_text=p9.element_blank(), axis_ticks=p9.element_blank())
    )
