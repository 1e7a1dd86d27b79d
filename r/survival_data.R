# The Veterans' Administration lung cancer trial data (survival::veteran), for statlab's Cox
# examples. statlab ships the CSV this writes (data/veteran.csv), so that neither R nor the
# survival package is needed to load it. Regenerate it from the repository root with:
#   Rscript r/survival_data.R data/veteran.csv
# All columns but celltype hold whole numbers; they are written as integers.

veteran_data <- function() {
  frame <- survival::veteran
  frame$celltype <- as.character(frame$celltype)
  rownames(frame) <- NULL
  frame
}

write_veteran_csv <- function(file) {
  frame <- veteran_data()
  numeric <- setdiff(names(frame), "celltype")
  stopifnot(all(vapply(frame[numeric], function(v) all(v == round(v)), logical(1))))
  frame[numeric] <- lapply(frame[numeric], as.integer)
  utils::write.csv(frame, file, row.names = FALSE, quote = FALSE)
}

if (sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  write_veteran_csv(if (length(args)) args[[1]] else "data/veteran.csv")
}
