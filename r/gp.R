# Gaussian-process log marginal likelihood, as in the course's exercise "GPs Marginal Likelihood".
#
# The exercise's compute_ll reads x and y from the global environment; here every input is an
# argument, so the functions are pure and can be source()d and called directly:
#
#   source("r/gp.R")
#   x <- c(-1.3089, 6.7612, 1.0553, -1.1734, -2.9339, 7.2530, -6.5843)
#   y <- c(1.6218, 1.8558, 0.4102, 1.2526, -0.0133, 1.6380, 0.2189)
#   compute_ll(x, y, length_scale = 12.4, sigma_y = 0.62)
#
# Kernel: K_ij = sigma_f^2 exp(-(x_i - x_j)^2 / (2 length_scale^2)) + sigma_y^2 [i == j].

# Log marginal likelihood log p(y | x, length_scale, sigma_y, sigma_f) of a zero-mean GP with an
# RBF kernel and Gaussian noise, via the Cholesky factor K = t(L) %*% L.
compute_ll <- function(x, y, length_scale, sigma_y, sigma_f = 1) {
  K <- sigma_f^2 * exp(-0.5 * outer(x, x, "-")^2 / length_scale^2) +
    sigma_y^2 * diag(length(x))

  L <- chol(K)
  alpha <- backsolve(L, forwardsolve(t(L), y))
  -0.5 * sum(y * alpha) - sum(log(diag(L))) - 0.5 * length(x) * log(2 * pi)
}

# compute_ll on every (length_scale, sigma_y) pair of two vectors: a matrix with one row per
# length scale and one column per noise standard deviation.
compute_ll_surface <- function(x, y, length_scales, sigma_ys, sigma_f = 1) {
  surface <- matrix(NA_real_, nrow = length(length_scales), ncol = length(sigma_ys))
  for (i in seq_along(length_scales)) {
    for (j in seq_along(sigma_ys)) {
      surface[i, j] <- compute_ll(x, y, length_scales[i], sigma_ys[j], sigma_f)
    }
  }
  surface
}
