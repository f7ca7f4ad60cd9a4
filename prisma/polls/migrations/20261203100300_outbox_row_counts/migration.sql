-- Events written in the same transaction as the change they report, then relayed to the
-- event bus and deleted (platform/messaging/outbox.ts): here, the audit events of admin actions.
CREATE TABLE "outbox_events" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "traceparent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- Rows per table, for platformStats: kept by triggers in the transaction of every insert
-- and delete (bulk writes and cascades included), so they always equal the rows without
-- counting them. Each table's count is spread over 16 slots, a random one per statement,
-- so concurrent writers rarely wait on one row; a read sums a table's slots.
CREATE TABLE "row_counts" (
    "table_name" TEXT NOT NULL,
    "slot" SMALLINT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "row_counts_pkey" PRIMARY KEY ("table_name","slot")
);

-- The slot is drawn once per statement: random() in the WHERE clause would be drawn per row.
CREATE FUNCTION "row_counts_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta BIGINT;
  pick SMALLINT := floor(random() * 16);
BEGIN
  SELECT count(*) INTO delta FROM inserted_rows;
  IF delta > 0 THEN
    UPDATE row_counts SET count = count + delta WHERE table_name = TG_TABLE_NAME AND slot = pick;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "row_counts_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta BIGINT;
  pick SMALLINT := floor(random() * 16);
BEGIN
  SELECT count(*) INTO delta FROM deleted_rows;
  IF delta > 0 THEN
    UPDATE row_counts SET count = count - delta WHERE table_name = TG_TABLE_NAME AND slot = pick;
  END IF;
  RETURN NULL;
END $$;

-- "polls": every slot exists, and slot 0 starts at the rows already there.
INSERT INTO "row_counts" ("table_name", "slot", "count") SELECT 'polls', slot, 0 FROM generate_series(0, 15) AS slot;
UPDATE "row_counts" SET "count" = (SELECT count(*) FROM "polls") WHERE "table_name" = 'polls' AND "slot" = 0;
CREATE TRIGGER "polls_counted_inserts" AFTER INSERT ON "polls" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_inserted();
CREATE TRIGGER "polls_counted_deletes" AFTER DELETE ON "polls" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_deleted();

-- "votes": every slot exists, and slot 0 starts at the rows already there.
INSERT INTO "row_counts" ("table_name", "slot", "count") SELECT 'votes', slot, 0 FROM generate_series(0, 15) AS slot;
UPDATE "row_counts" SET "count" = (SELECT count(*) FROM "votes") WHERE "table_name" = 'votes' AND "slot" = 0;
CREATE TRIGGER "votes_counted_inserts" AFTER INSERT ON "votes" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_inserted();
CREATE TRIGGER "votes_counted_deletes" AFTER DELETE ON "votes" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_deleted();
