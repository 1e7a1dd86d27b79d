"""Trees, boosting and forests, in R (rpart, randomForest, gbm) and Python (scikit-learn).

Example
-------
>>> import statlab as sl
>>> sine = sl.data.load("sine_boosting")
>>> sl.trees.fit_tree(sine[["X"]], sine["y"], max_depth=1, backend="python").n_leaves
2
"""

from statlab.trees.boosting import BoostingSteps, boosting_steps, gbm_steps
from statlab.trees.efron import (
    EfronResult,
    Singh2002Result,
    efron_experiment,
    efron_singh2002,
    simulate_redundant,
)
from statlab.trees.fit import TreeResult, fit_tree
from statlab.trees.forest import ForestResult, oob_permutation_importance, random_forest, tune_mtry
from statlab.trees.importance import ImportanceStability, importance_stability
from statlab.trees.partition import PartitionTree, tree_from_partition
from statlab.trees.split import SplitSearch, split_search

__all__ = [
    "BoostingSteps",
    "EfronResult",
    "ForestResult",
    "ImportanceStability",
    "PartitionTree",
    "Singh2002Result",
    "SplitSearch",
    "TreeResult",
    "boosting_steps",
    "efron_experiment",
    "efron_singh2002",
    "fit_tree",
    "gbm_steps",
    "importance_stability",
    "oob_permutation_importance",
    "random_forest",
    "simulate_redundant",
    "split_search",
    "tree_from_partition",
    "tune_mtry",
]
