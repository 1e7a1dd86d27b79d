"""The split and each replicate's draw depend on (seed, replicate) alone and are well formed."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from statlab.stability import bootstrap_draw, holdout_rows

seeds = st.integers(min_value=0, max_value=2**63)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, n_rows=st.integers(2, 500), data=st.data())
def test_holdout_rows_are_sorted_distinct_and_in_range(
    seed: int, n_rows: int, data: st.DataObject
) -> None:
    n_test = data.draw(st.integers(1, n_rows - 1))
    rows = holdout_rows(n_rows, n_test, seed)
    assert rows.shape == (n_test,)
    assert np.all(np.diff(rows) > 0)
    assert rows.min() >= 0 and rows.max() < n_rows
    np.testing.assert_array_equal(rows, holdout_rows(n_rows, n_test, seed))


@settings(max_examples=60, deadline=None)
@given(
    seed=seeds,
    replicate=st.integers(0, 10_000),
    n_train=st.integers(10, 400),
    nfolds=st.integers(3, 10),
)
def test_bootstrap_draw_is_reproducible_and_balanced(
    seed: int, replicate: int, n_train: int, nfolds: int
) -> None:
    rows, folds = bootstrap_draw(seed, replicate, n_train, nfolds)
    again_rows, again_folds = bootstrap_draw(seed, replicate, n_train, nfolds)
    np.testing.assert_array_equal(rows, again_rows)
    np.testing.assert_array_equal(folds, again_folds)
    assert rows.shape == folds.shape == (n_train,)
    assert rows.min() >= 0 and rows.max() < n_train
    counts = np.bincount(folds, minlength=nfolds + 1)[1:]
    assert counts.sum() == n_train and counts.max() - counts.min() <= 1
    other_rows, _ = bootstrap_draw(seed, replicate + 1, n_train, nfolds)
    assert not np.array_equal(rows, other_rows)


def test_replicate_zero_is_not_the_split_stream() -> None:
    # default_rng([seed, 0]) would replay default_rng(seed), which draws the test split
    split_stream = np.random.default_rng(479).integers(0, 77, size=77)
    rows, _ = bootstrap_draw(479, 0, 77, 10)
    assert not np.array_equal(rows, split_stream)
