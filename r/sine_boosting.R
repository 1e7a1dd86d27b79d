# The "Boosting Iterations" exercise's data, made by the exercise sheet's own R code.
# R's random number generator cannot be reproduced in numpy, so statlab ships the CSV this writes
# (data/sine_boosting.csv). Regenerate it from the repository root with:
#   Rscript r/sine_boosting.R data/sine_boosting.csv
# Values are written with 17 significant digits so that reading the CSV gives R's doubles exactly.

# The sheet's code: set.seed(479); X <- runif(100, -5, 5); y <- 3 * sin(X) + 0.5 * rnorm(100).
sine_boosting_data <- function() {
  set.seed(479)
  X <- runif(100, -5, 5)
  y <- 3 * sin(X) + 0.5 * rnorm(100)
  data.frame(X = X, y = y)
}

write_sine_boosting_csv <- function(file) {
  frame <- sine_boosting_data()
  lines <- c("X,y", sprintf("%.17g,%.17g", frame$X, frame$y))
  writeLines(lines, file)
}

if (sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  write_sine_boosting_csv(if (length(args)) args[[1]] else "data/sine_boosting.csv")
}
