-- DropIndex
DROP INDEX "outbox_messages_unpublished_idx";

-- AlterTable
ALTER TABLE "outbox_messages" DROP COLUMN "published_at",
ADD COLUMN     "sealed_payload" TEXT,
ALTER COLUMN "payload" DROP NOT NULL;

-- CreateTable
CREATE TABLE "bookings" (
    "booking_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "driver_id" UUID,
    "status" TEXT NOT NULL,
    "pickup" JSONB NOT NULL,
    "dropoff" JSONB NOT NULL,
    "estimated_cost" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "bookings_pkey" PRIMARY KEY ("booking_id")
);

-- CreateTable
CREATE TABLE "service_secrets" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_secrets_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "bookings_user_id_created_at_idx" ON "bookings"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "bookings_driver_id_created_at_idx" ON "bookings"("driver_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "bookings_pending_expiry_idx" ON "bookings"("expires_at") WHERE (status = 'pending'::text);

-- Not expressible in the Prisma schema: an outbox row holds exactly one of the two payloads.
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_one_payload"
    CHECK (("payload" IS NULL) <> ("sealed_payload" IS NULL));
