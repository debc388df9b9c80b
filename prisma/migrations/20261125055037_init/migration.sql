-- CreateEnum
CREATE TYPE "agency_type" AS ENUM ('sheriffs_office', 'police_department', 'state_agency', 'corrections', 'county_government', 'other');

-- CreateEnum
CREATE TYPE "agency_level" AS ENUM ('county', 'municipal', 'state');

-- CreateEnum
CREATE TYPE "agreement_status" AS ENUM ('pending', 'active', 'ended');

-- CreateEnum
CREATE TYPE "agreement_event_type" AS ENUM ('applied', 'signed', 'listed', 'renewed', 'ended', 'reinstated', 'renamed', 'documents_updated', 'withdrawn');

-- CreateEnum
CREATE TYPE "list_kind" AS ENUM ('participating', 'pending');

-- CreateEnum
CREATE TYPE "list_date_source" AS ENUM ('argument', 'file_name', 'last_modified');

-- CreateEnum
CREATE TYPE "source_list_status" AS ENUM ('applied', 'quarantined', 'rejected');

-- CreateTable
CREATE TABLE "states" (
    "code" CHAR(2) NOT NULL,
    "name" TEXT NOT NULL,
    "fips" CHAR(2) NOT NULL,
    "is_territory" BOOLEAN NOT NULL,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,

    CONSTRAINT "states_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "counties" (
    "fips" CHAR(5) NOT NULL,
    "name" TEXT NOT NULL,
    "state_code" CHAR(2) NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "lon" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "counties_pkey" PRIMARY KEY ("fips")
);

-- CreateTable
CREATE TABLE "agencies" (
    "id" TEXT NOT NULL,
    "canonical_name" TEXT NOT NULL,
    "match_key" TEXT NOT NULL,
    "type" "agency_type" NOT NULL,
    "level" "agency_level" NOT NULL,
    "state_code" CHAR(2) NOT NULL,
    "county_fips" CHAR(5),
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "location_method" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agency_aliases" (
    "id" SERIAL NOT NULL,
    "agency_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "first_seen_on" DATE NOT NULL,
    "last_seen_on" DATE NOT NULL,
    "first_source_list_id" INTEGER NOT NULL,
    "last_source_list_id" INTEGER NOT NULL,

    CONSTRAINT "agency_aliases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support_models" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "abbreviation" TEXT,
    "description" TEXT NOT NULL,
    "introduced_on" DATE,
    "suspended_on" DATE,
    "reinstated_on" DATE,
    "source_url" TEXT,

    CONSTRAINT "support_models_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "agreements" (
    "id" TEXT NOT NULL,
    "agency_id" TEXT NOT NULL,
    "model_code" TEXT NOT NULL,
    "status" "agreement_status" NOT NULL,
    "signed_on" DATE,
    "first_listed_on" DATE,
    "last_listed_on" DATE,
    "first_source_list_id" INTEGER,
    "last_source_list_id" INTEGER,
    "ended_on" DATE,
    "moa_url" TEXT,
    "addendum_url" TEXT,
    "supersedes_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agreements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agreement_status_spans" (
    "id" SERIAL NOT NULL,
    "agreement_id" TEXT NOT NULL,
    "status" "agreement_status" NOT NULL,
    "from_on" DATE NOT NULL,
    "to_on" DATE,
    "source_list_id" INTEGER NOT NULL,

    CONSTRAINT "agreement_status_spans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agreement_events" (
    "id" SERIAL NOT NULL,
    "agreement_id" TEXT NOT NULL,
    "type" "agreement_event_type" NOT NULL,
    "occurred_on" DATE NOT NULL,
    "source_list_id" INTEGER NOT NULL,
    "source_row" INTEGER,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agreement_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_lists" (
    "id" SERIAL NOT NULL,
    "kind" "list_kind" NOT NULL,
    "list_date" DATE NOT NULL,
    "list_date_source" "list_date_source" NOT NULL,
    "list_time" TEXT,
    "file_name" TEXT,
    "url" TEXT,
    "sha256" CHAR(64) NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "row_count" INTEGER NOT NULL,
    "status" "source_list_status" NOT NULL,
    "status_reason" TEXT,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "summary" JSONB NOT NULL DEFAULT '{}',
    "raw_rows" JSONB NOT NULL,
    "ingested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "source_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oversight_reports" (
    "id" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "published_on" DATE NOT NULL,
    "released_on" DATE,
    "url" TEXT,
    "recommendation_count" INTEGER,
    "summary" TEXT NOT NULL,
    "sources" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "oversight_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recommendations" (
    "id" SERIAL NOT NULL,
    "report_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT,

    CONSTRAINT "recommendations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oversight_report_agencies" (
    "id" SERIAL NOT NULL,
    "report_id" TEXT NOT NULL,
    "agency_name" TEXT NOT NULL,
    "state_code" CHAR(2) NOT NULL,
    "agency_id" TEXT,

    CONSTRAINT "oversight_report_agencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oversight_report_models" (
    "report_id" TEXT NOT NULL,
    "model_code" TEXT NOT NULL,

    CONSTRAINT "oversight_report_models_pkey" PRIMARY KEY ("report_id","model_code")
);

-- CreateTable
CREATE TABLE "dataset_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,
    "latest_list_id" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "states_name_key" ON "states"("name");

-- CreateIndex
CREATE UNIQUE INDEX "states_fips_key" ON "states"("fips");

-- CreateIndex
CREATE INDEX "counties_state_code_idx" ON "counties"("state_code");

-- CreateIndex
CREATE INDEX "agencies_county_fips_idx" ON "agencies"("county_fips");

-- CreateIndex
CREATE INDEX "agencies_type_idx" ON "agencies"("type");

-- CreateIndex
CREATE INDEX "agencies_canonical_name_idx" ON "agencies"("canonical_name");

-- CreateIndex
CREATE UNIQUE INDEX "agencies_state_code_match_key_key" ON "agencies"("state_code", "match_key");

-- CreateIndex
CREATE INDEX "agency_aliases_name_idx" ON "agency_aliases"("name");

-- CreateIndex
CREATE UNIQUE INDEX "agency_aliases_agency_id_name_key" ON "agency_aliases"("agency_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "support_models_name_key" ON "support_models"("name");

-- CreateIndex
CREATE UNIQUE INDEX "agreements_supersedes_id_key" ON "agreements"("supersedes_id");

-- CreateIndex
CREATE INDEX "agreements_agency_id_idx" ON "agreements"("agency_id");

-- CreateIndex
CREATE INDEX "agreements_model_code_status_idx" ON "agreements"("model_code", "status");

-- CreateIndex
CREATE INDEX "agreements_status_idx" ON "agreements"("status");

-- CreateIndex
CREATE INDEX "agreements_signed_on_idx" ON "agreements"("signed_on");

-- CreateIndex
CREATE INDEX "agreements_updated_at_idx" ON "agreements"("updated_at");

-- CreateIndex
CREATE INDEX "agreement_status_spans_agreement_id_idx" ON "agreement_status_spans"("agreement_id");

-- CreateIndex
CREATE INDEX "agreement_status_spans_from_on_to_on_idx" ON "agreement_status_spans"("from_on", "to_on");

-- CreateIndex
CREATE INDEX "agreement_events_agreement_id_occurred_on_idx" ON "agreement_events"("agreement_id", "occurred_on");

-- CreateIndex
CREATE INDEX "agreement_events_occurred_on_id_idx" ON "agreement_events"("occurred_on", "id");

-- CreateIndex
CREATE INDEX "agreement_events_source_list_id_idx" ON "agreement_events"("source_list_id");

-- CreateIndex
CREATE UNIQUE INDEX "source_lists_sha256_key" ON "source_lists"("sha256");

-- CreateIndex
CREATE INDEX "source_lists_status_kind_list_date_idx" ON "source_lists"("status", "kind", "list_date");

-- CreateIndex
CREATE INDEX "oversight_reports_published_on_idx" ON "oversight_reports"("published_on");

-- CreateIndex
CREATE UNIQUE INDEX "recommendations_report_id_number_key" ON "recommendations"("report_id", "number");

-- CreateIndex
CREATE INDEX "oversight_report_agencies_agency_id_idx" ON "oversight_report_agencies"("agency_id");

-- CreateIndex
CREATE UNIQUE INDEX "oversight_report_agencies_report_id_state_code_agency_name_key" ON "oversight_report_agencies"("report_id", "state_code", "agency_name");

-- AddForeignKey
ALTER TABLE "counties" ADD CONSTRAINT "counties_state_code_fkey" FOREIGN KEY ("state_code") REFERENCES "states"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_state_code_fkey" FOREIGN KEY ("state_code") REFERENCES "states"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_county_fips_fkey" FOREIGN KEY ("county_fips") REFERENCES "counties"("fips") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_aliases" ADD CONSTRAINT "agency_aliases_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_aliases" ADD CONSTRAINT "agency_aliases_first_source_list_id_fkey" FOREIGN KEY ("first_source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency_aliases" ADD CONSTRAINT "agency_aliases_last_source_list_id_fkey" FOREIGN KEY ("last_source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_model_code_fkey" FOREIGN KEY ("model_code") REFERENCES "support_models"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_first_source_list_id_fkey" FOREIGN KEY ("first_source_list_id") REFERENCES "source_lists"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_last_source_list_id_fkey" FOREIGN KEY ("last_source_list_id") REFERENCES "source_lists"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_supersedes_id_fkey" FOREIGN KEY ("supersedes_id") REFERENCES "agreements"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_status_spans" ADD CONSTRAINT "agreement_status_spans_agreement_id_fkey" FOREIGN KEY ("agreement_id") REFERENCES "agreements"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_status_spans" ADD CONSTRAINT "agreement_status_spans_source_list_id_fkey" FOREIGN KEY ("source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_events" ADD CONSTRAINT "agreement_events_agreement_id_fkey" FOREIGN KEY ("agreement_id") REFERENCES "agreements"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agreement_events" ADD CONSTRAINT "agreement_events_source_list_id_fkey" FOREIGN KEY ("source_list_id") REFERENCES "source_lists"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "oversight_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oversight_report_agencies" ADD CONSTRAINT "oversight_report_agencies_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "oversight_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oversight_report_agencies" ADD CONSTRAINT "oversight_report_agencies_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oversight_report_models" ADD CONSTRAINT "oversight_report_models_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "oversight_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oversight_report_models" ADD CONSTRAINT "oversight_report_models_model_code_fkey" FOREIGN KEY ("model_code") REFERENCES "support_models"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
