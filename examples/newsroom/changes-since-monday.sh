#!/usr/bin/env bash
# What changed in my county since Monday? Every 287(g) agreement event that
# ICE's lists revealed since then for agencies in one county, one line each.
#
#   examples/newsroom/changes-since-monday.sh 12021             # Collier County, FL, since last Monday
#   examples/newsroom/changes-since-monday.sh 12021 2025-04-01  # since a given date
#
# Needs curl and jq. API_URL is the service (default http://127.0.0.1:3000).
# For alerts in a feed reader, subscribe to /v1/changes.atom?county_fips=12021 instead.
set -euo pipefail

api="${API_URL:-http://127.0.0.1:3000}"
county="${1:?usage: $0 COUNTY_FIPS [SINCE_YYYY-MM-DD]}"
# GNU date; on macOS: date -v-monday +%F
since="${2:-$(date -d 'last monday' +%F)}"

# since= keeps events recorded by ICE lists dated on or after that day.
# The API pages its answers (LIMIT events a page): follow links.next, a relative URL, until it is null.
next="/v1/changes?county_fips=${county}&since=${since}&limit=${LIMIT:-200}"
while [ -n "$next" ]; do
  page="$(curl --fail --silent --show-error "${api}${next}")"
  # One line per event: list date, what happened, agency, support model, the ICE file it came from.
  jq -r '.data[] | [.recorded_on, .type, .agency_name, .model, (.source_file_name // "")] | @tsv' <<<"$page"
  next="$(jq -r '.links.next // empty' <<<"$page")"
done
