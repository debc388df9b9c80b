-- AlterTable
ALTER TABLE "oversight_reports" ALTER COLUMN "published_on" DROP NOT NULL;

-- CreateTable
CREATE TABLE "source_fetches" (
    "url" TEXT NOT NULL,
    "etag" TEXT,
    "last_modified" TEXT,
    "sha256" CHAR(64),
    "file_name" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_fetches_pkey" PRIMARY KEY ("url")
);
