"""Progress bars of the long tree loops: silent by default, a tqdm bar on stderr when asked."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import statlab as sl
from statlab.trees import efron_experiment, efron_singh2002, importance_stability, tune_mtry


@pytest.fixture(scope="module")
def small_redundant():
    data = sl.trees.simulate_redundant(n=60, copies=3, n_noise=4, seed=3)
    return data.drop(columns="y"), data["y"]


@pytest.fixture(scope="module")
def small_arcene():
    train = sl.data.load("arcene")
    return train.drop(columns="y").iloc[:, :15], train["y"]


def _runs(small_redundant, small_arcene):
    X, y = small_redundant
    A, labels = small_arcene
    small_forests = {"mtry_grid": [2, 5], "nfolds": 3, "n_trees": 5, "seed": 1, "backend": "python"}
    return {
        "tune_mtry": (
            lambda progress: tune_mtry(X, y, progress=progress, **small_forests),
            "mtry CV fits",
            6,
        ),
        "efron_experiment": (
            lambda progress: efron_experiment(X, y, n_remove=2, progress=progress, **small_forests),
            "Efron experiment: forests",
            2 * (3 * 2 + 1),
        ),
        "efron_singh2002": (
            lambda progress: efron_singh2002(
                removals=[0, 5, 50], n_trees=5, seed=1, backend="python", progress=progress
            ),
            "singh2002: forests",
            3,
        ),
        "importance_stability": (
            lambda progress: importance_stability(
                A, labels, n_draws=3, nfolds=3, seed=1, backend="python", progress=progress
            ),
            "bootstrap refits",
            3,
        ),
        "mdi_plus_bootstrap": (
            lambda progress: importance_stability(
                A, labels, n_draws=2, nfolds=3, seed=1, backend="python"
            ).mdi_plus_bootstrap(progress=progress),
            "MDI+ of the bootstrap trees",
            2,
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "tune_mtry",
        "efron_experiment",
        "efron_singh2002",
        "importance_stability",
        "mdi_plus_bootstrap",
    ],
)
def test_quiet_by_default_and_a_bar_on_stderr_when_asked(
    name, small_redundant, small_arcene, capfd
):
    run, description, total = _runs(small_redundant, small_arcene)[name]
    capfd.readouterr()
    quiet = run(False)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    shown = run(True)
    out, err = capfd.readouterr()
    assert out == ""
    assert description in err
    # the bar reaches its total: every fit it counts was counted once
    assert re.search(rf"100%.*\b{total}/{total}\b", err), err[-300:]
    # the bar changes nothing in the result
    if isinstance(quiet, pd.DataFrame):
        pd.testing.assert_frame_equal(quiet, shown)
    else:
        assert repr(quiet) == repr(shown)


def test_progress_must_be_a_flag(small_redundant):
    X, y = small_redundant
    with pytest.raises(TypeError, match="progress must be True or False, got 'yes'"):
        tune_mtry(X, y, progress="yes", backend="python")
