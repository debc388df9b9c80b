# Reproduce the API's counts from the bulk download with base R (no packages).
#
# The bulk CSV has one row per agreement and event, and each agreement's
# current status: the distinct agreements whose status is "active" are the
# national count /v1/stats reports for the latest list, and, by state, the
# active_agreements column of /v1/states.csv.
#
#   Rscript examples/research/active-by-state.R
#
# API_URL is the service (default http://127.0.0.1:3000).
api <- Sys.getenv("API_URL", "http://127.0.0.1:3000")
read_api_csv <- function(path) {
  # colClasses = "character": ids and FIPS codes stay text (01001, not 1001).
  read.csv(url(paste0(api, path)), colClasses = "character", na.strings = character(0))
}

rows <- read_api_csv("/v1/bulk/agreements.csv")
agreements <- rows[!duplicated(rows$id), ]
active <- agreements[agreements$status == "active", ]
bulk_by_state <- table(active$state)

# /v1/stats answers JSON; base R has no JSON parser, and active_agreements is a
# top-level number (with jsonlite: jsonlite::fromJSON(url)$active_agreements).
stats <- paste(readLines(url(paste0(api, "/v1/stats")), warn = FALSE), collapse = "")
stats_active <- as.integer(sub('.*"active_agreements":([0-9]+).*', "\\1", stats))

states <- read_api_csv("/v1/states.csv")
states <- states[as.integer(states$active_agreements) > 0, ]
api_by_state <- setNames(as.integer(states$active_agreements), states$code)

cat(sprintf("agreements in the bulk file: %d (%d rows with their events)\n", nrow(agreements), nrow(rows)))
cat(sprintf("active agreements: %d (bulk) vs %d (/v1/stats)\n", nrow(active), stats_active))
for (state in names(bulk_by_state)) {
  cat(sprintf("  %s: %d (bulk) vs %d (/v1/states.csv)\n", state, bulk_by_state[[state]], api_by_state[state]))
}

same <- nrow(active) == stats_active &&
  setequal(names(bulk_by_state), names(api_by_state)) &&
  all(as.integer(bulk_by_state[names(api_by_state)]) == api_by_state)
cat(if (same) "the bulk file reproduces the API's counts\n" else "MISMATCH between the bulk file and the API\n")
quit(status = if (same) 0 else 1)
