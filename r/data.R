# Load one of statlab's shipped data sets in R.
# faraway's own copy is used when the faraway package is installed; otherwise the shipped .rda
# (the exact file faraway ships) is load()ed. CSV files are read with read.csv.
load_dataset <- function(name, file) {
  if (grepl("\\.csv$", file)) {
    return(utils::read.csv(file))
  }
  env <- new.env()
  if (requireNamespace("faraway", quietly = TRUE)) {
    utils::data(list = name, package = "faraway", envir = env)
  } else {
    load(file, envir = env)
  }
  frame <- get(name, envir = env)
  rownames(frame) <- NULL
  frame
}
