# Loops timed inside R for statlab's benchmarks (benchmarks/bench_stability.py): what an R user
# would write by hand. statlab's own R backend for prediction stability is cv_glmnet_fit in glmnet.R.

# The bootstrap loop for every alpha: replicate b fits cv.glmnet on rows train_rows[b, ] (1-based
# rows of x) with folds foldids[b, ] and predicts the rows test_rows at s. Returns the predictions
# as an array (replicate x test row x model) and the loop's elapsed seconds measured inside R.
stability_loop <- function(x, y, test_rows, train_rows, foldids, alphas, s = "lambda.1se",
                           thresh = 1e-7, maxit = 1e5) {
  n_replicates <- nrow(train_rows)
  predicted <- array(NA_real_, c(n_replicates, length(test_rows), length(alphas)))
  x_test <- x[test_rows, , drop = FALSE]
  elapsed <- system.time(
    for (b in seq_len(n_replicates)) {
      rows <- train_rows[b, ]
      for (m in seq_along(alphas)) {
        cv <- glmnet::cv.glmnet(x[rows, , drop = FALSE], y[rows], foldid = foldids[b, ],
                                alpha = alphas[m], thresh = thresh, maxit = maxit)
        predicted[b, , m] <- as.numeric(predict(cv, newx = x_test, s = s))
      }
    }
  )[["elapsed"]]
  list(predicted = predicted, elapsed = elapsed)
}
