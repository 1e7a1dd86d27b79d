# Loaders for statlab's shipped data sets that are not a single data frame: Arcene (UCI text files)
# and singh2002 (an .rda holding a list of x and y). Each returns the data frame statlab's Python
# loader returns: the label column y first, then the features V1, V2, ... (Arcene keeps its
# original column numbers, so V4513 is the file's column 4513).

# Arcene's `split` ("train" or "valid") with all 10,000 features or the 200 of largest training-set
# variance (ties kept in column order; order() is stable), in the training set's column order.
load_arcene <- function(data_file, labels_file, train_data_file, features = "top_variance_200") {
  x <- as.matrix(utils::read.table(data_file))
  colnames(x) <- paste0("V", seq_len(ncol(x)))
  if (features == "top_variance_200") {
    train <- as.matrix(utils::read.table(train_data_file))
    keep <- sort(order(-apply(train, 2, stats::var))[1:200])
    x <- x[, keep, drop = FALSE]
  }
  y <- as.integer(readLines(labels_file))
  data.frame(y = y, x, check.names = FALSE)
}

# singh2002 as a data frame: y (factor cancer/healthy) and the 6033 standardised genes V1..V6033.
load_singh2002 <- function(file) {
  env <- new.env()
  load(file, envir = env)
  data <- get("singh2002", envir = env)
  x <- data$x
  colnames(x) <- paste0("V", seq_len(ncol(x)))
  data.frame(y = data$y, x, check.names = FALSE)
}
