# Unpenalised baselines for statlab's R backend: lm (Gaussian) and glm with a binomial family.
# x is the design matrix without an intercept column; y is numeric (Gaussian) or 0/1 (binomial).
# The returned names match statlab's LinearModelResult fields.
linear_model_fit <- function(x, y, family = "gaussian", epsilon = 1e-10, maxit = 100) {
  if (family == "gaussian") {
    fit <- stats::lm(y ~ x)
    table <- summary(fit)$coefficients
    sigma <- summary(fit)$sigma
    deviance <- sum(stats::residuals(fit)^2)
    null_deviance <- sum((y - mean(y))^2)
  } else {
    fit <- stats::glm(y ~ x, family = stats::binomial(),
                      control = stats::glm.control(epsilon = epsilon, maxit = maxit))
    table <- summary(fit)$coefficients
    sigma <- NULL
    deviance <- fit$deviance
    null_deviance <- fit$null.deviance
  }
  if (nrow(table) != ncol(x) + 1) {
    stop("the design is rank deficient: statlab drops aliased columns before calling R")
  }
  out <- list(
    coefficients = unname(table[, 1]),
    std_errors = unname(table[, 2]),
    statistics = unname(table[, 3]),
    p_values = unname(table[, 4]),
    fitted = unname(stats::fitted(fit)),
    deviance = deviance,
    null_deviance = null_deviance
  )
  if (!is.null(sigma)) out$sigma <- sigma
  out
}

# The 0-based columns of x that R's lm reports as NA (aliased): linear combinations of the intercept
# and the columns before them.
aliased_columns <- function(x) {
  coefficients <- stats::lm.fit(cbind(1, x), rep(0, nrow(x)))$coefficients
  as.integer(which(is.na(coefficients)) - 2L)
}
