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

-- CreateTable
CREATE TABLE "login_known_addresses" (
    "account" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "last_success_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "login_known_addresses_pkey" PRIMARY KEY ("account","address")
);

-- CreateIndex
CREATE INDEX "login_known_addresses_last_success_at_idx" ON "login_known_addresses"("last_success_at");
