-- CreateTable
CREATE TABLE "login_throttles" (
    "bucket" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "locked_until" TIMESTAMPTZ(6),
    "last_failure_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("bucket")
);

-- CreateIndex
CREATE INDEX "login_throttles_last_failure_at_idx" ON "login_throttles"("last_failure_at");
