-- AlterTable: the W3C trace context (traceparent, tracestate) of the request that wrote the row,
-- sent on as Kafka record headers by the relay; null when tracing is off.
ALTER TABLE "outbox_messages" ADD COLUMN "trace_context" JSONB;
