# glmnet fits for statlab's R backend. Each function returns a named list whose names match the
# Python result fields ("." replaced by "_"). An R user can source() this file and call them directly.

# The path of a glmnet fit as plain vectors and a dense coefficient matrix.
glmnet_path_list <- function(fit) {
  list(
    lambda = fit$lambda,
    a0 = as.numeric(fit$a0),
    beta = as.matrix(fit$beta),
    df = as.numeric(fit$df),
    dev_ratio = fit$dev.ratio,
    nulldev = fit$nulldev,
    npasses = fit$npasses,
    jerr = fit$jerr
  )
}

# x as glmnet takes it: a dense matrix as is, a sparse one (the parts of a CSC matrix, 0-based
# row indices i and column pointers p) as a Matrix::dgCMatrix.
glmnet_x <- function(x) {
  if (!is.list(x)) return(x)
  Matrix::sparseMatrix(i = x$i, p = x$p, x = x$x, dims = x$dims, index1 = FALSE)
}

# Optional arguments are passed only when given, so glmnet's own defaults apply otherwise.
glmnet_args <- function(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                        thresh, maxit, lambda, type_gaussian = NULL) {
  args <- list(x = glmnet_x(x), y = y, alpha = alpha, family = family,
               standardize = standardize, nlambda = nlambda, thresh = thresh, maxit = maxit)
  if (!is.null(lambda_min_ratio)) args$lambda.min.ratio <- lambda_min_ratio
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(lambda)) args$lambda <- lambda
  if (!is.null(type_gaussian)) args$type.gaussian <- type_gaussian
  args
}

# glmnet::glmnet on (x, y).
glmnet_fit <- function(x, y, alpha = 1, family = "gaussian", standardize = TRUE, nlambda = 100,
                       lambda_min_ratio = NULL, weights = NULL, thresh = 1e-7, maxit = 1e5,
                       lambda = NULL, type_gaussian = NULL) {
  args <- glmnet_args(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                      thresh, maxit, lambda, type_gaussian)
  glmnet_path_list(do.call(glmnet::glmnet, args))
}

# glmnet::cv.glmnet on (x, y) with the folds given by foldid (1-based labels).
cv_glmnet_fit <- function(x, y, foldid, alpha = 1, family = "gaussian", standardize = TRUE,
                          nlambda = 100, lambda_min_ratio = NULL, weights = NULL,
                          thresh = 1e-7, maxit = 1e5, lambda = NULL, type_gaussian = NULL) {
  args <- glmnet_args(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                      thresh, maxit, lambda, type_gaussian)
  args$foldid <- foldid
  cv <- do.call(glmnet::cv.glmnet, args)
  list(
    lambda = cv$lambda,
    cvm = cv$cvm,
    cvsd = cv$cvsd,
    nzero = as.numeric(cv$nzero),
    lambda_min = cv$lambda.min,
    lambda_1se = cv$lambda.1se,
    index_min = cv$index["min", 1],
    index_1se = cv$index["1se", 1],
    measure = unname(cv$name),
    path = glmnet_path_list(cv$glmnet.fit)
  )
}

# Median elapsed seconds of `repeats` cv.glmnet runs, timed inside R (for statlab's benchmarks).
time_cv_glmnet <- function(x, y, foldid, alpha = 1, repeats = 10) {
  cv_glmnet <- glmnet::cv.glmnet
  cv_glmnet(x, y, foldid = foldid, alpha = alpha)  # warm-up
  elapsed <- vapply(seq_len(repeats), function(i) {
    system.time(cv_glmnet(x, y, foldid = foldid, alpha = alpha))[["elapsed"]]
  }, numeric(1))
  stats::median(elapsed)
}

# Median elapsed and CPU seconds of `repeats` glmnet (cv = FALSE) or cv.glmnet (cv = TRUE) fits
# with glmnet's defaults, timed inside R (for statlab's benchmarks); a sparse x is assembled first.
time_glmnet_fit <- function(x, y, foldid = NULL, cv = FALSE, alpha = 1, family = "gaussian",
                            repeats = 1) {
  x <- glmnet_x(x)
  fit <- if (cv) {
    function() glmnet::cv.glmnet(x, y, foldid = foldid, alpha = alpha, family = family)
  } else {
    function() glmnet::glmnet(x, y, alpha = alpha, family = family)
  }
  times <- vapply(seq_len(repeats), function(i) {
    t <- system.time(fit())
    c(t[["elapsed"]], t[["user.self"]] + t[["sys.self"]])
  }, numeric(2))
  c(elapsed = stats::median(times[1, ]), cpu = stats::median(times[2, ]))
}
