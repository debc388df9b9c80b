#!/usr/bin/env bash
# The GraphQL query of county.graphql with curl and jq: one POST to /graphql,
# the answer printed as one line per agreement.
#
#   bash examples/graphql/county.sh 12021        # Collier County, FL
#
# API_URL is the service (default http://127.0.0.1:3000).
set -euo pipefail
api="${API_URL:-http://127.0.0.1:3000}"
fips="${1:?usage: county.sh COUNTY_FIPS (5 digits, e.g. 12021)}"
here="$(dirname "$0")"

# The document and its variables as one JSON body (jq does the quoting).
body="$(jq -n --rawfile query "$here/county.graphql" --arg fips "$fips" '{query: $query, variables: {fips: $fips}}')"
answer="$(curl --silent --show-error --fail -H 'content-type: application/json' --data "$body" "$api/graphql")"

# GraphQL answers 200 with "errors" for a bad argument: say it and exit non-zero.
if jq -e '.errors' <<<"$answer" >/dev/null; then
  jq -r '.errors[] | "error: \(.message)"' <<<"$answer" >&2
  exit 1
fi
jq -r '.data.county as $c
  | "\($c.name), \($c.state.code): \($c.summary.activeAgreements) active, \($c.summary.pendingAgreements) pending, \($c.summary.endedAgreements) ended, \($c.summary.withdrawnAgreements) withdrawn",
    ($c.agencies[] | .name as $agency | .agreements.edges[].node
      | "\($agency)\t\(.model.name)\t\(.status)\t\(.signedOn // "")\t\(.endedOn // "")")' <<<"$answer"
