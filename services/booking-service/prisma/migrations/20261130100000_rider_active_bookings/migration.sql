-- A rider's active bookings (pending before their deadline, accepted, on a trip), counted once
-- the rider's advisory lock is held (class "RIDR", two-key form; held until the transaction
-- ends). A VOLATILE function's query takes a snapshot of its own, after the lock is taken, so
-- it sees every booking a previous holder committed: the append of a new booking can guard
-- itself with this count in ONE statement. Before, a transaction took the lock and counted in
-- statements of their own (BEGIN, lock, count, append, COMMIT: five round trips).
-- The statuses are the contract's active ones, as in bookings_rider_active_idx, which this
-- count uses (test/active-statuses.unit.test.ts checks both against the contract).
CREATE FUNCTION rider_active_bookings(rider TEXT, at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1380533330, hashtext(rider));
    RETURN (SELECT count(*)::int FROM bookings
            WHERE user_id = rider::uuid
              AND status IN ('pending'::text, 'accepted'::text, 'on_trip'::text)
              AND (status <> 'pending' OR expires_at > at));
END $$;
