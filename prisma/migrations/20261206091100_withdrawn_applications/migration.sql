-- An application that left the pending list unsigned was stored as `ended`; it is `withdrawn` now (rules
-- revision 2). A migration of its own: PostgreSQL uses a new enum value only once the transaction that
-- added it has committed.

-- The spans that a withdrawal opened (same agreement, same day as its withdrawn event).
UPDATE "agreement_status_spans" s SET "status" = 'withdrawn'
WHERE s."status" = 'ended'
  AND EXISTS (SELECT 1 FROM "agreement_events" e
              WHERE e."agreement_id" = s."agreement_id" AND e."type" = 'withdrawn' AND e."occurred_on" = s."from_on");

-- An agreement's status is its open span's.
UPDATE "agreements" a SET "status" = 'withdrawn', "updated_at" = now()
WHERE a."status" = 'ended'
  AND EXISTS (SELECT 1 FROM "agreement_status_spans" s
              WHERE s."agreement_id" = a."id" AND s."to_on" IS NULL AND s."status" = 'withdrawn');

-- The stored history now matches rules revision 2; answers computed before are stale.
UPDATE "dataset_version" SET "version" = "version" + 1, "updated_at" = now(),
  "rules_version" = regexp_replace("rules_version", '^r1-', 'r2-')
WHERE "id" = 1;
DELETE FROM "aggregate_results";
