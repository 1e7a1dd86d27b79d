# Exact Shapley values by enumerating coalitions, in base R (Debian ships no R SHAP package).
# The same enumeration as statlab/shap/_coalitions.py: coalition k (0-based) holds feature j when
# bit j of k is set; every row imputed as b + (x - b) T_S over the background rows b, v(S) the mean
# of f over them. An R user can source() this file and call shap_exact() with an R function f.

# Every coalition as a (2^p) x p logical matrix; row k + 1 holds the bits of k.
shap_masks <- function(p) {
  codes <- 0:(2^p - 1)
  outer(codes, 0:(p - 1), function(code, j) bitwAnd(code, bitwShiftL(1L, j)) != 0)
}

# T_S for one coalition: the identity on S, and for "conditional_gaussian" the regression of the
# features outside S on those in S under the background's covariance (Matheron's rule).
shap_transform <- function(mask, value, covariance) {
  p <- length(mask)
  transform <- diag(as.numeric(mask), p, p)
  inside <- which(mask)
  outside <- which(!mask)
  if (value == "conditional_gaussian" && length(inside) > 0 && length(outside) > 0) {
    transform[inside, outside] <- solve(covariance[inside, inside, drop = FALSE],
                                        covariance[inside, outside, drop = FALSE])
  }
  transform
}

# v(S) for one explained row x (a numeric vector) and every coalition.
shap_coalition_values <- function(f, x, background, masks, value, covariance,
                                  rows_per_call = 2^19) {
  n_background <- nrow(background)
  n_masks <- nrow(masks)
  per_call <- max(1, floor(rows_per_call / n_background))
  offsets <- -sweep(background, 2, x)  # x - b, one row per background row
  values <- numeric(n_masks)
  for (start in seq(1, n_masks, by = per_call)) {
    block <- start:min(start + per_call - 1, n_masks)
    imputed <- do.call(rbind, lapply(block, function(k) {
      background + offsets %*% shap_transform(masks[k, ], value, covariance)
    }))
    predictions <- as.numeric(f(imputed))
    if (length(predictions) != nrow(imputed)) {
      stop("f must return one number per row: got ", length(predictions), " for ",
           nrow(imputed), " rows")
    }
    values[block] <- colMeans(matrix(predictions, nrow = n_background))
  }
  values
}

# Shapley values from v over all coalitions: phi_j = sum over S without j of
# |S|! (p - |S| - 1)! / p! * (v(S + j) - v(S)), that weight written 1 / (p choose(p - 1, |S|)).
shap_from_values <- function(values, p) {
  codes <- 0:(length(values) - 1)
  sizes <- rowSums(shap_masks(p))
  weights <- 1 / (p * choose(p - 1, sizes))  # Inf for |S| = p, never used
  vapply(seq_len(p), function(j) {
    bit <- bitwShiftL(1L, j - 1)
    without <- codes[bitwAnd(codes, bit) == 0]
    sum(weights[without + 1] * (values[bitwOr(without, bit) + 1] - values[without + 1]))
  }, numeric(1))
}

# Exact SHAP values of f at each row of x (a matrix), background a matrix with the same columns,
# value "marginal", "baseline" or "conditional_gaussian". Returns phi (n x p) and base_value.
shap_exact <- function(f, x, background, value = "marginal") {
  x <- as.matrix(x)
  background <- as.matrix(background)
  p <- ncol(x)
  masks <- shap_masks(p)
  covariance <- if (value == "conditional_gaussian") stats::cov(background) else NULL
  phi <- matrix(0, nrow(x), p)
  base_value <- NA_real_
  for (i in seq_len(nrow(x))) {
    values <- shap_coalition_values(f, x[i, ], background, masks, value, covariance)
    phi[i, ] <- shap_from_values(values, p)
    base_value <- values[1]
  }
  list(phi = phi, base_value = base_value)
}

# LinearSHAP: phi_j = beta_j (x_j - r_j), r the mean of the reference rows.
shap_linear <- function(beta, x, reference) {
  r <- colMeans(as.matrix(reference))
  list(phi = sweep(as.matrix(x), 2, r) %*% diag(beta, length(beta)), reference = r)
}
