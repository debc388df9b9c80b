-- CreateEnum
CREATE TYPE "agreement_origin" AS ENUM ('ice_lists', 'historical');

-- AlterTable
ALTER TABLE "agreement_events" ADD COLUMN     "historical_source_id" TEXT,
ALTER COLUMN "source_list_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "agreement_status_spans" ADD COLUMN     "historical_source_id" TEXT,
ALTER COLUMN "source_list_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "agreements" ADD COLUMN     "ended_after" DATE,
ADD COLUMN     "ended_before" DATE,
ADD COLUMN     "origin" "agreement_origin" NOT NULL DEFAULT 'ice_lists';

-- AlterTable
ALTER TABLE "oversight_report_agencies" ADD COLUMN     "historical_source_id" TEXT;

-- CreateTable
CREATE TABLE "historical_sources" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "row_count" INTEGER NOT NULL,
    "first_on" DATE,
    "last_on" DATE,
    "report_id" TEXT,
    "raw_rows" JSONB NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "historical_sources_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "agreement_status_spans" ADD CONSTRAINT "agreement_status_spans_historical_source_id_fkey" FOREIGN KEY ("historical_source_id") REFERENCES "historical_sources"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_events" ADD CONSTRAINT "agreement_events_historical_source_id_fkey" FOREIGN KEY ("historical_source_id") REFERENCES "historical_sources"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oversight_report_agencies" ADD CONSTRAINT "oversight_report_agencies_historical_source_id_fkey" FOREIGN KEY ("historical_source_id") REFERENCES "historical_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
