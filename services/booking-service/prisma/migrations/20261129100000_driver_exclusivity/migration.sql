-- A database that already holds a driver with several active bookings (possible before this
-- migration) cannot get the unique index: stop with the drivers named, rather than pick which
-- booking to keep. Cancel the extra bookings (POST /bookings/:id/cancel), then start again.
DO $$
DECLARE
    offenders TEXT;
BEGIN
    SELECT string_agg(driver_id::text || ' (' || n || ')', ', ') INTO offenders
    FROM (SELECT driver_id, count(*) AS n FROM "bookings"
          WHERE status IN ('accepted', 'on_trip') AND driver_id IS NOT NULL
          GROUP BY driver_id HAVING count(*) > 1) AS busy;
    IF offenders IS NOT NULL THEN
        RAISE EXCEPTION 'drivers holding several accepted or on-trip bookings: %; cancel all but one of each before this migration', offenders;
    END IF;
END $$;

-- CreateIndex
CREATE UNIQUE INDEX "bookings_driver_active_key" ON "bookings"("driver_id") WHERE (status IN ('accepted'::text, 'on_trip'::text));

-- CreateIndex
CREATE INDEX "bookings_rider_active_idx" ON "bookings"("user_id") WHERE (status IN ('pending'::text, 'accepted'::text, 'on_trip'::text));

-- CreateTable
CREATE TABLE "driver_offers" (
    "booking_id" UUID NOT NULL,
    "driver_id" UUID NOT NULL,
    "offered_at" TIMESTAMPTZ(6) NOT NULL,
    "revoked_at" TIMESTAMPTZ(6),
    "revoke_reason" TEXT,

    CONSTRAINT "driver_offers_pkey" PRIMARY KEY ("booking_id","driver_id")
);

-- CreateTable
CREATE TABLE "offer_log_positions" (
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offer_log_positions_pkey" PRIMARY KEY ("topic","partition")
);
