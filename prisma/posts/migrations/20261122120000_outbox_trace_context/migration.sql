-- Domain events carry the trace of the write that caused them (W3C traceparent).
ALTER TABLE "outbox_events" ADD COLUMN "traceparent" TEXT;
