-- AlterTable
ALTER TABLE "agencies" ADD COLUMN     "fbi_data_year" INTEGER,
ADD COLUMN     "fbi_officers" INTEGER,
ADD COLUMN     "fbi_population" INTEGER,
ADD COLUMN     "ori" CHAR(9),
ADD COLUMN     "ori_match" TEXT,
ADD COLUMN     "ori_match_note" TEXT;

-- CreateTable
CREATE TABLE "fbi_rosters" (
    "sha256" CHAR(64) NOT NULL,
    "file_name" TEXT NOT NULL,
    "row_count" INTEGER NOT NULL,
    "latest_data_year" INTEGER NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fbi_rosters_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "fbi_agencies" (
    "ori" CHAR(9) NOT NULL,
    "data_year" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "state_code" CHAR(2) NOT NULL,
    "county_names" TEXT NOT NULL,
    "county_fips" TEXT[],
    "agency_type" TEXT NOT NULL,
    "population" INTEGER,
    "officers" INTEGER,
    "civilians" INTEGER,

    CONSTRAINT "fbi_agencies_pkey" PRIMARY KEY ("ori")
);

-- CreateIndex
CREATE INDEX "fbi_agencies_state_code_idx" ON "fbi_agencies"("state_code");

-- CreateIndex
CREATE INDEX "agencies_ori_idx" ON "agencies"("ori");

-- CreateTable
CREATE TABLE "agency_historical_names" (
    "id" SERIAL NOT NULL,
    "agency_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "search_key" TEXT NOT NULL,
    "historical_source_id" TEXT NOT NULL,

    CONSTRAINT "agency_historical_names_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agency_historical_names_search_key_idx" ON "agency_historical_names"("search_key");

-- CreateIndex
CREATE UNIQUE INDEX "agency_historical_names_agency_id_name_historical_source_id_key" ON "agency_historical_names"("agency_id", "name", "historical_source_id");

-- AddForeignKey
ALTER TABLE "agency_historical_names" ADD CONSTRAINT "agency_historical_names_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_historical_names" ADD CONSTRAINT "agency_historical_names_historical_source_id_fkey" FOREIGN KEY ("historical_source_id") REFERENCES "historical_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
