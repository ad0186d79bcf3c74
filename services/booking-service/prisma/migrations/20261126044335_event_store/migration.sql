-- CreateTable
CREATE TABLE "stored_events" (
    "global_position" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    "stream_id" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stored_events_pkey" PRIMARY KEY ("global_position")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    "topic" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(6),

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "stored_events_event_id_key" ON "stored_events"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "stored_events_stream_id_stream_version_key" ON "stored_events"("stream_id", "stream_version");

-- CreateIndex
CREATE INDEX "outbox_messages_unpublished_idx" ON "outbox_messages"("id") WHERE (published_at IS NULL);
