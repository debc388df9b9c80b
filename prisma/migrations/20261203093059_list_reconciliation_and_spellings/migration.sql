-- Similarity search over agency spellings (q): pg_trgm ships with PostgreSQL (contrib) and is a trusted extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "agency_spellings" (
    "id" SERIAL NOT NULL,
    "agency_id" TEXT NOT NULL,
    "spelling" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "search_key" TEXT NOT NULL,
    "first_seen_on" DATE NOT NULL,
    "last_seen_on" DATE NOT NULL,
    "first_source_list_id" INTEGER NOT NULL,
    "last_source_list_id" INTEGER NOT NULL,

    CONSTRAINT "agency_spellings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_list_skipped_rows" (
    "id" SERIAL NOT NULL,
    "source_list_id" INTEGER NOT NULL,
    "row_number" INTEGER NOT NULL,
    "cells" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "agreement_id" TEXT,

    CONSTRAINT "source_list_skipped_rows_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agency_spellings_search_key_idx" ON "agency_spellings"("search_key");

-- CreateIndex
CREATE UNIQUE INDEX "agency_spellings_agency_id_spelling_key" ON "agency_spellings"("agency_id", "spelling");

-- CreateIndex
CREATE UNIQUE INDEX "source_list_skipped_rows_source_list_id_row_number_key" ON "source_list_skipped_rows"("source_list_id", "row_number");

-- AddForeignKey
ALTER TABLE "agency_spellings" ADD CONSTRAINT "agency_spellings_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_spellings" ADD CONSTRAINT "agency_spellings_first_source_list_id_fkey" FOREIGN KEY ("first_source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_spellings" ADD CONSTRAINT "agency_spellings_last_source_list_id_fkey" FOREIGN KEY ("last_source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_list_skipped_rows" ADD CONSTRAINT "source_list_skipped_rows_source_list_id_fkey" FOREIGN KEY ("source_list_id") REFERENCES "source_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE;
