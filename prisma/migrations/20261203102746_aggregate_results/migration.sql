-- CreateTable
CREATE TABLE "aggregate_results" (
    "version" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "aggregate_results_pkey" PRIMARY KEY ("version","key")
);
