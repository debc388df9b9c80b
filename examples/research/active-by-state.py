"""Reproduce /v1/stats from the bulk download with pandas.

The bulk CSV has one row per agreement and event (an agreement with no event
has one row with empty event columns) and each agreement's current status.
Counting the distinct agreements whose status is "active" gives the national
count and the count by state that /v1/stats reports for the latest list, a
check that the bulk file and the API tell the same story.

    python3 examples/research/active-by-state.py

API_URL is the service (default http://127.0.0.1:3000). Needs pandas
(Debian: apt-get install python3-pandas).
"""
import json
import os
import sys
import urllib.request

import pandas as pd

api = os.environ.get("API_URL", "http://127.0.0.1:3000")

# dtype=str: keep ids and FIPS codes as text (county 01001 must not become 1001).
rows = pd.read_csv(f"{api}/v1/bulk/agreements.csv", dtype=str, keep_default_na=False)
agreements = rows.drop_duplicates("id")
active = agreements[agreements["status"] == "active"]
by_state = active.groupby("state").size().sort_index()

with urllib.request.urlopen(f"{api}/v1/stats") as response:
    stats = json.load(response)

print(f"agreements in the bulk file: {len(agreements)} ({len(rows)} rows with their events)")
print(f"active agreements: {len(active)} (bulk) vs {stats['active_agreements']} (/v1/stats, as of {stats['as_of']})")
for state, count in by_state.items():
    print(f"  {state}: {count} (bulk) vs {stats['by_state'].get(state, 0)} (/v1/stats)")

same = len(active) == stats["active_agreements"] and by_state.to_dict() == stats["by_state"]
print("the bulk file reproduces /v1/stats" if same else "MISMATCH between the bulk file and /v1/stats")
sys.exit(0 if same else 1)
