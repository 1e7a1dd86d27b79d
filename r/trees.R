# Trees, forests and boosting for statlab's R backend (rpart, randomForest, gbm). Each function
# returns a named list of plain vectors and matrices; statlab rebuilds its own results from them.
# An R user can source() this file and call the functions directly.

# A data frame of x with syntactic column names x1..xp and the response .y.
trees_frame <- function(x, y) {
  frame <- as.data.frame(x)
  colnames(frame) <- paste0("x", seq_len(ncol(frame)))
  frame$.y <- y
  frame
}

# rpart on (x, y) with surrogates and competitor splits off, so each internal node has exactly one
# row in `splits`. method "anova" (numeric y) or "class" (y given as integer codes 0..K-1).
# foldid: NULL (no cross-validation) or 1-based fold ids for rpart's own cross-validation.
rpart_fit <- function(x, y, method = "anova", max_depth = 30L, cp = 0.01, min_split = 20L,
                      min_bucket = 7L, foldid = NULL) {
  if (method == "class") y <- factor(y, levels = sort(unique(y)))
  frame <- trees_frame(x, y)
  control <- rpart::rpart.control(
    cp = cp, minsplit = min_split, minbucket = min_bucket, maxdepth = max_depth,
    maxcompete = 0L, maxsurrogate = 0L, usesurrogate = 0L,
    xval = if (is.null(foldid)) 0L else foldid
  )
  fit <- rpart::rpart(.y ~ ., data = frame, method = method, control = control)
  internal <- fit$frame$var != "<leaf>"
  feature <- match(as.character(fit$frame$var), colnames(frame)) - 1L  # 0-based
  feature[is.na(feature)] <- -1L  # leaves
  list(
    node = as.integer(rownames(fit$frame)),
    feature = feature,
    split_ncat = if (any(internal)) fit$splits[, "ncat"] else numeric(0),
    split_index = if (any(internal)) fit$splits[, "index"] else numeric(0),
    dev = fit$frame$dev,
    cptable = fit$cptable,
    importance = fit$variable.importance,
    importance_names = names(fit$variable.importance)
  )
}

# gbm's gaussian boosting with its tree size given as interaction.depth (the number of splits per
# tree, grown best-first: interaction.depth = 2 is a three-leaf tree, not a depth-2 tree).
# Returns the initial value and the training predictions after each tree.
gbm_fit <- function(x, y, n_trees = 3L, interaction_depth = 2L, shrinkage = 1,
                    n_minobsinnode = 1L, bag_fraction = 1) {
  frame <- trees_frame(x, y)
  fit <- gbm::gbm(.y ~ ., data = frame, distribution = "gaussian", n.trees = n_trees,
                  interaction.depth = interaction_depth, shrinkage = shrinkage,
                  bag.fraction = bag_fraction, n.minobsinnode = n_minobsinnode,
                  train.fraction = 1, keep.data = FALSE, verbose = FALSE)
  list(
    init = fit$initF,
    fitted = sapply(seq_len(n_trees), function(k) {
      stats::predict(fit, newdata = frame, n.trees = k)
    })
  )
}

# randomForest on (x, y) (classification when y is given as integer codes and classification is
# TRUE): OOB predictions, the permutation importance (raw mean increase in OOB error over trees, its
# standard error, and the scaled %IncMSE / MeanDecreaseAccuracy), MDI, and predictions for x_test.
rf_fit <- function(x, y, classification = FALSE, ntree = 500L, mtry = NULL, nodesize = NULL,
                   seed = 1L, x_test = NULL, importance = TRUE) {
  set.seed(seed)
  if (classification) y <- factor(y)
  args <- list(x = x, y = y, ntree = ntree, importance = importance)
  if (!is.null(mtry)) args$mtry <- mtry
  if (!is.null(nodesize)) args$nodesize <- nodesize
  fit <- do.call(randomForest::randomForest, args)
  raw_column <- if (classification) "MeanDecreaseAccuracy" else "%IncMSE"
  out <- list(
    oob = if (classification) as.integer(as.character(fit$predicted)) else fit$predicted,
    mdi = as.numeric(randomForest::importance(fit, type = 2))
  )
  if (importance) {
    out$raw <- as.numeric(fit$importance[, raw_column])
    sd <- fit$importanceSD
    out$sd <- as.numeric(if (is.matrix(sd)) sd[, raw_column] else sd)
    out$scaled <- as.numeric(randomForest::importance(fit, type = 1, scale = TRUE))
  }
  if (!is.null(x_test)) {
    predicted <- stats::predict(fit, x_test)
    out$test <- if (classification) as.integer(as.character(predicted)) else predicted
  }
  out
}

# K-fold cross-validated MSE (or misclassification rate) of randomForest for each mtry in mtry_grid:
# a folds x mtry matrix.
rf_cv_mtry <- function(x, y, foldid, mtry_grid, classification = FALSE, ntree = 500L,
                       nodesize = NULL, seed = 1L) {
  set.seed(seed)
  if (classification) y <- factor(y)
  folds <- sort(unique(foldid))
  errors <- matrix(NA_real_, length(folds), length(mtry_grid))
  for (k in seq_along(folds)) {
    held_out <- foldid == folds[k]
    for (m in seq_along(mtry_grid)) {
      args <- list(x = x[!held_out, , drop = FALSE], y = y[!held_out], ntree = ntree,
                   mtry = mtry_grid[m], xtest = x[held_out, , drop = FALSE])
      if (!is.null(nodesize)) args$nodesize <- nodesize
      fit <- do.call(randomForest::randomForest, args)
      predicted <- fit$test$predicted
      errors[k, m] <- if (classification) mean(predicted != y[held_out]) else
        mean((y[held_out] - predicted)^2)
    }
  }
  errors
}

# The bootstrap loop of the "Importance in Arcene" exercise, run in R: for each row of `rows`
# (1-based bootstrap indices, one replicate per row) a binomial lasso at the fixed `lambda` and a
# classification tree at the fixed `cp`. Returns the B x p matrices of lasso coefficients and of
# tree MDI (rpart's variable.importance, surrogates off), and the loop's elapsed seconds.
arcene_bootstrap <- function(x, y, rows, lambda, cp, min_split = 20L, min_bucket = 7L,
                             max_depth = 30L) {
  p <- ncol(x)
  coefs <- matrix(0, nrow(rows), p)
  importances <- matrix(0, nrow(rows), p)
  control <- rpart::rpart.control(cp = cp, minsplit = min_split, minbucket = min_bucket,
                                  maxdepth = max_depth, maxcompete = 0L, maxsurrogate = 0L,
                                  usesurrogate = 0L, xval = 0L)
  elapsed <- system.time({
    for (b in seq_len(nrow(rows))) {
      index <- rows[b, ]
      xb <- x[index, , drop = FALSE]
      yb <- y[index]
      lasso <- glmnet::glmnet(xb, yb, family = "binomial", lambda = lambda)
      coefs[b, ] <- as.numeric(as.matrix(lasso$beta))
      frame <- trees_frame(xb, factor(yb))
      tree <- rpart::rpart(.y ~ ., data = frame, method = "class", control = control)
      if (length(tree$variable.importance)) {
        importances[b, match(names(tree$variable.importance), colnames(frame))] <-
          tree$variable.importance
      }
    }
  })[["elapsed"]]
  list(coefs = coefs, importances = importances, elapsed = elapsed)
}

# Elapsed seconds of one randomForest fit with permutation importance, timed inside R (benchmarks).
time_rf <- function(x, y, ntree = 500L, mtry = NULL, seed = 1L) {
  set.seed(seed)
  args <- list(x = x, y = y, ntree = ntree, importance = TRUE)
  if (!is.null(mtry)) args$mtry <- mtry
  system.time(do.call(randomForest::randomForest, args))[["elapsed"]]
}
