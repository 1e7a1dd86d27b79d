# Prediction stability for statlab's R backend: one bootstrap replicate of a cross-validated glmnet
# fit, and the whole bootstrap loop (used to time R against Python). Rows and folds always come from
# the caller, so R and Python fit exactly the same data. An R user can source() this file and call
# the functions directly.

# The lambda picked by s: "lambda.1se", "lambda.min" or a number.
stability_lambda <- function(cv, s) {
  if (is.character(s)) cv[[s]] else s
}

# cv.glmnet on (x_train, y_train) with the given folds (1-based labels), then predictions for x_test,
# coefficients (intercept first) and the lambda chosen by s.
stability_replicate <- function(x_train, y_train, foldid, x_test, alpha = 1, s = "lambda.1se",
                                thresh = 1e-7, maxit = 1e5) {
  cv <- glmnet::cv.glmnet(x_train, y_train, foldid = foldid, alpha = alpha, thresh = thresh,
                          maxit = maxit)
  lambda <- stability_lambda(cv, s)
  list(
    predicted = as.numeric(predict(cv, newx = x_test, s = lambda)),
    coefficients = as.numeric(as.matrix(coef(cv, s = lambda))),
    lambda = lambda
  )
}

# The bootstrap loop for every alpha: replicate b fits rows train_rows[b, ] (1-based rows of x) with
# folds foldids[b, ] and predicts the rows test_rows. Returns the predictions as an array
# (replicate x test row x model) and the loop's elapsed seconds measured inside R.
stability_loop <- function(x, y, test_rows, train_rows, foldids, alphas, s = "lambda.1se",
                           thresh = 1e-7, maxit = 1e5) {
  n_replicates <- nrow(train_rows)
  predicted <- array(NA_real_, c(n_replicates, length(test_rows), length(alphas)))
  x_test <- x[test_rows, , drop = FALSE]
  elapsed <- system.time(
    for (b in seq_len(n_replicates)) {
      rows <- train_rows[b, ]
      for (m in seq_along(alphas)) {
        fit <- stability_replicate(x[rows, , drop = FALSE], y[rows], foldids[b, ], x_test,
                                   alpha = alphas[m], s = s, thresh = thresh, maxit = maxit)
        predicted[b, , m] <- fit$predicted
      }
    }
  )[["elapsed"]]
  list(predicted = predicted, elapsed = elapsed)
}
