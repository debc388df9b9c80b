-- AlterTable
ALTER TABLE "dataset_version" ADD COLUMN     "rules_version" TEXT;

-- AlterTable
ALTER TABLE "source_lists" ADD COLUMN     "edition" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "parsed_rows" JSONB,
ADD COLUMN     "published_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "id_redirects" (
    "from_id" TEXT NOT NULL,
    "to_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "id_redirects_pkey" PRIMARY KEY ("from_id")
);

-- CreateIndex
CREATE INDEX "id_redirects_to_id_idx" ON "id_redirects"("to_id");

-- Editions of the lists already ingested: by arrival (their Last-Modified was not kept).
UPDATE "source_lists" s SET "edition" = n."edition"
FROM (SELECT "id", row_number() OVER (PARTITION BY "kind", "list_date", "list_time" ORDER BY "id")::int AS "edition" FROM "source_lists") n
WHERE s."id" = n."id";
