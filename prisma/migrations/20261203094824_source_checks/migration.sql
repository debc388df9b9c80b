-- CreateEnum
CREATE TYPE "source_check_outcome" AS ENUM ('succeeded', 'failed');

-- CreateTable
CREATE TABLE "source_checks" (
    "id" SERIAL NOT NULL,
    "source_url" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "source_check_outcome" NOT NULL,
    "detail" TEXT NOT NULL,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "every_ms" BIGINT,

    CONSTRAINT "source_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "source_checks_finished_at_idx" ON "source_checks"("finished_at");
