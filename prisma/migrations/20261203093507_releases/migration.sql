-- CreateTable
CREATE TABLE "releases" (
    "version" INTEGER NOT NULL,
    "list_date" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "downloaded_at" TIMESTAMPTZ(3),
    "citation" TEXT NOT NULL,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "release_files" (
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "release_files_pkey" PRIMARY KEY ("version","name")
);

-- CreateIndex
CREATE INDEX "releases_list_date_idx" ON "releases"("list_date");

-- AddForeignKey
ALTER TABLE "release_files" ADD CONSTRAINT "release_files_version_fkey" FOREIGN KEY ("version") REFERENCES "releases"("version") ON DELETE CASCADE ON UPDATE CASCADE;
