# glmnet fits for statlab's R backend. Each function returns a named list whose names match the
# Python result fields ("." replaced by "_"). An R user can source() this file and call them directly.

# The path of a glmnet fit as plain vectors and a dense coefficient matrix (multinomial and
# mgaussian: a0 is classes (responses) x lambdas and beta variables x classes x lambdas).
glmnet_path_list <- function(fit) {
  multinomial <- is.list(fit$beta)
  beta <- if (multinomial) {
    aperm(simplify2array(lapply(fit$beta, as.matrix)), c(1, 3, 2))
  } else {
    as.matrix(fit$beta)
  }
  list(
    lambda = fit$lambda,
    # a Cox fit has no intercept (NULL): zeros, one per lambda
    a0 = if (multinomial) {
      unname(as.matrix(fit$a0))
    } else if (is.null(fit$a0)) {
      numeric(length(fit$lambda))
    } else {
      as.numeric(fit$a0)
    },
    beta = unname(beta),
    df = as.numeric(fit$df),
    dev_ratio = fit$dev.ratio,
    nulldev = fit$nulldev,
    npasses = if (is.null(fit$npasses)) NA_real_ else fit$npasses,  # NULL: glmnet.path hit maxit
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
# Per-variable options (penalty_factor, exclude as 1-based positions, lower_limits, upper_limits,
# intercept, dfmax, pmax) and the family's options (offset, type_multinomial, type_logistic,
# standardize_response) go to glmnet under R's names.
# A family given as list(name, link) (R's family function and link names, e.g. "Gamma" and
# "log") becomes that R family object, which glmnet fits by glmnet.path.
glmnet_args <- function(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                        thresh, maxit, lambda, type_gaussian = NULL, options = list()) {
  if (is.list(family)) family <- get(family$name, mode = "function")(link = family$link)
  if (is.character(family) && family == "cox") {
    # (time, status) or (start, stop, status); strata (1-based codes) as glmnet::stratifySurv
    y <- if (ncol(y) == 3) survival::Surv(y[, 1], y[, 2], y[, 3]) else survival::Surv(y[, 1], y[, 2])
    if (!is.null(options$strata)) y <- glmnet::stratifySurv(y, options$strata)
  }
  options$strata <- NULL
  args <- list(x = glmnet_x(x), y = y, alpha = alpha, family = family,
               standardize = standardize, nlambda = nlambda, thresh = thresh, maxit = maxit)
  if (!is.null(lambda_min_ratio)) args$lambda.min.ratio <- lambda_min_ratio
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(lambda)) args$lambda <- lambda
  if (!is.null(type_gaussian)) args$type.gaussian <- type_gaussian
  for (name in names(options)) {
    if (!is.null(options[[name]])) args[[gsub("_", ".", name)]] <- options[[name]]
  }
  args
}

# Evaluates `expr`, muffling glmnet's "exceeds pmax" warnings; returns list(value, pmax_codes) with
# the error code (-10000 - m) of each, in the order the fits gave them, so that statlab words them
# once, as the Python backend does.
with_pmax_codes <- function(expr) {
  codes <- numeric()
  value <- withCallingHandlers(expr, warning = function(w) {
    message <- conditionMessage(w)
    if (grepl("exceeds pmax", message, fixed = TRUE)) {
      codes <<- c(codes, as.numeric(sub(".*error code (-[0-9]+).*", "\\1", message)))
      invokeRestart("muffleWarning")
    }
  })
  list(value = value, pmax_codes = codes)
}

# The relaxed part of a glmnet(relax = TRUE) fit: the refits' path, and which of the fit's lambdas
# it has (relax.glmnet omits those whose active set exceeds maxp).
glmnet_relaxed_list <- function(fit) {
  relaxed <- glmnet_path_list(fit$relaxed)
  relaxed$kept <- match(fit$lambda, fit$relaxed$lambda, 0) > 0
  relaxed
}

# glmnet::glmnet on (x, y); relax = TRUE adds the relaxed fit (glmnet 4's relax.glmnet).
glmnet_fit <- function(x, y, alpha = 1, family = "gaussian", standardize = TRUE, nlambda = 100,
                       lambda_min_ratio = NULL, weights = NULL, thresh = 1e-7, maxit = 1e5,
                       lambda = NULL, type_gaussian = NULL, relax = FALSE, ...) {
  args <- glmnet_args(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                      thresh, maxit, lambda, type_gaussian, list(...))
  if (relax) args$relax <- TRUE
  run <- with_pmax_codes(do.call(glmnet::glmnet, args))
  out <- glmnet_path_list(run$value)
  out$pmax_codes <- run$pmax_codes
  if (relax) out$relaxed <- glmnet_relaxed_list(run$value)
  out
}

# The relaxed component of a cv.glmnet(relax = TRUE) fit: one CV curve per gamma (gamma x lambda
# matrices) and its (lambda, gamma) choices, indices 1-based.
cv_relaxed_list <- function(cv, keep) {
  relaxed <- cv$relaxed
  statlist <- relaxed$statlist
  list(
    gamma = relaxed$gamma,
    cvm = do.call(rbind, lapply(statlist, `[[`, "cvm")),
    cvsd = do.call(rbind, lapply(statlist, `[[`, "cvsd")),
    lambda_min = relaxed$lambda.min,
    lambda_1se = relaxed$lambda.1se,
    gamma_min = relaxed$gamma.min,
    gamma_1se = relaxed$gamma.1se,
    index = unname(relaxed$index),
    fit = glmnet_relaxed_list(cv$glmnet.fit),
    fit_preval = if (keep) {
      unname(simplify2array(lapply(cv$fit.preval[seq_along(relaxed$gamma)], unname)))
    } else {
      NULL
    }
  )
}

# An exclude function for cv.glmnet from the columns (1-based) statlab's exclude function chose
# for the full fit (exclude_by_fold[["0"]]) and each fold k (exclude_by_fold[["k"]]): x gets row
# numbers as row names, by which the function tells which fold's rows cv.glmnet hands it.
with_fold_exclude <- function(args, foldid, exclude_by_fold) {
  n <- length(foldid)
  rownames(args$x) <- seq_len(n)
  args$exclude <- function(x, y, weights) {
    left_out <- setdiff(seq_len(n), as.integer(rownames(x)))
    fold <- if (length(left_out) == 0) 0 else foldid[left_out[1]]
    columns <- exclude_by_fold[[as.character(fold)]]
    if (length(columns) == 0) NULL else columns
  }
  args
}

# glmnet::cv.glmnet on (x, y) with the folds given by foldid (1-based labels); relax = TRUE
# cross-validates the relaxed fit over gamma as well.
cv_glmnet_fit <- function(x, y, foldid, alpha = 1, family = "gaussian", standardize = TRUE,
                          nlambda = 100, lambda_min_ratio = NULL, weights = NULL,
                          thresh = 1e-7, maxit = 1e5, lambda = NULL, type_gaussian = NULL,
                          type_measure = "default", grouped = TRUE, keep = FALSE,
                          relax = FALSE, gamma = NULL, exclude_by_fold = NULL, ...) {
  args <- glmnet_args(x, y, alpha, family, standardize, nlambda, lambda_min_ratio, weights,
                      thresh, maxit, lambda, type_gaussian, list(...))
  if (!is.null(exclude_by_fold)) args <- with_fold_exclude(args, foldid, exclude_by_fold)
  args$foldid <- foldid
  args$type.measure <- type_measure
  args$grouped <- grouped
  args$keep <- keep
  if (relax) {
    args$relax <- TRUE
    if (!is.null(gamma)) args$gamma <- gamma
  }
  run <- with_pmax_codes(do.call(glmnet::cv.glmnet, args))
  cv <- run$value
  preval <- if (relax && keep) cv$fit.preval[[length(cv$fit.preval)]] else cv$fit.preval
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
    path = glmnet_path_list(cv$glmnet.fit),
    fit_preval = if (keep) unname(preval) else NULL,
    pmax_codes = run$pmax_codes,
    relaxed = if (relax) cv_relaxed_list(cv, keep) else NULL
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

# Median CPU seconds of `repeats` cv.glmnet fits with extra options given in statlab's names
# (penalty_factor, lower_limits, type_measure, ...), timed inside R (for statlab's benchmarks).
time_cv_glmnet_options <- function(x, y, foldid, family = "gaussian", repeats = 1, ...) {
  options <- list(...)
  names(options) <- gsub("_", ".", names(options))
  args <- c(list(x = x, y = y, foldid = foldid, family = family), options)
  cpu <- vapply(seq_len(repeats), function(i) {
    t <- system.time(do.call(glmnet::cv.glmnet, args))
    t[["user.self"]] + t[["sys.self"]]
  }, numeric(1))
  stats::median(cpu)
}

# survfit on a Cox glmnet fit (glmnet's survfit.coxnet) at lambda s: the curve for the average
# subject (per stratum), or one column per row of newx.
cox_survfit <- function(x, y, s, weights = NULL, offset = NULL, strata = NULL, newx = NULL,
                        newoffset = NULL) {
  yy <- if (ncol(y) == 3) survival::Surv(y[, 1], y[, 2], y[, 3]) else survival::Surv(y[, 1], y[, 2])
  if (!is.null(strata)) yy <- glmnet::stratifySurv(yy, strata)
  args <- list(x = x, y = yy, family = "cox")
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(offset)) args$offset <- offset
  fit <- do.call(glmnet::glmnet, args)
  curve_args <- list(fit, s = s, x = x, y = yy)
  if (!is.null(weights)) curve_args$weights <- weights
  if (!is.null(offset)) curve_args$offset <- offset
  if (!is.null(newx)) curve_args$newx <- newx
  if (!is.null(newoffset)) curve_args$newoffset <- newoffset
  curve <- do.call(survival::survfit, curve_args)
  list(time = curve$time, n_risk = curve$n.risk, n_event = curve$n.event,
       surv = unname(as.matrix(curve$surv)))
}
