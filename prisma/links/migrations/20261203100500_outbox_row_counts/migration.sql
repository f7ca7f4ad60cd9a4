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

-- The counters platformStats reads, as in every domain's row_counts (the same table, read by
-- platform/data/row-counts.ts), spread over 16 slots, a random one per statement, so
-- concurrent writers rarely wait on one row; a read sums a counter's slots. Here two:
--   'links'  the links not deleted (expired ones included: they are still listed);
--   'clicks' the sum of links.clicks over those same links.
-- Links are deleted by setting deleted_at (the row stays), and clicks are added by UPDATEs
-- of links.clicks, so statement-level triggers on INSERT, UPDATE and DELETE keep both in the
-- transaction of every write: a click batch's single statement (subgraphs/links/clicks.ts)
-- raises 'clicks' in that statement, and a deletion takes its link's clicks away with it.
CREATE TABLE "row_counts" (
    "table_name" TEXT NOT NULL,
    "slot" SMALLINT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "row_counts_pkey" PRIMARY KEY ("table_name","slot")
);

-- Adds to both counters in one slot drawn once per statement. 'clicks' is always locked
-- before 'links', so two statements never take the two rows in opposite orders.
CREATE FUNCTION "link_counts_add"(links_delta BIGINT, clicks_delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  pick SMALLINT := floor(random() * 16);
BEGIN
  IF clicks_delta <> 0 THEN
    UPDATE row_counts SET count = count + clicks_delta WHERE table_name = 'clicks' AND slot = pick;
  END IF;
  IF links_delta <> 0 THEN
    UPDATE row_counts SET count = count + links_delta WHERE table_name = 'links' AND slot = pick;
  END IF;
END $$;

CREATE FUNCTION "links_counted_inserts"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live BIGINT;
  clicked BIGINT;
BEGIN
  SELECT count(*), coalesce(sum(clicks), 0) INTO live, clicked FROM inserted_rows WHERE deleted_at IS NULL;
  PERFORM link_counts_add(live, clicked);
  RETURN NULL;
END $$;

-- A row's share before the statement comes off, its share after goes on: a deletion
-- (deleted_at set) takes the link and its clicks off, a click batch adds its clicks.
CREATE FUNCTION "links_counted_updates"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live_before BIGINT;
  clicked_before BIGINT;
  live_after BIGINT;
  clicked_after BIGINT;
BEGIN
  SELECT count(*), coalesce(sum(clicks), 0) INTO live_before, clicked_before FROM old_rows WHERE deleted_at IS NULL;
  SELECT count(*), coalesce(sum(clicks), 0) INTO live_after, clicked_after FROM new_rows WHERE deleted_at IS NULL;
  PERFORM link_counts_add(live_after - live_before, clicked_after - clicked_before);
  RETURN NULL;
END $$;

CREATE FUNCTION "links_counted_deletes"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live BIGINT;
  clicked BIGINT;
BEGIN
  SELECT count(*), coalesce(sum(clicks), 0) INTO live, clicked FROM deleted_rows WHERE deleted_at IS NULL;
  PERFORM link_counts_add(-live, -clicked);
  RETURN NULL;
END $$;

-- Every slot of both counters exists, and slot 0 starts at what is already there. The lock
-- (the one CREATE TRIGGER takes anyway) comes first, so a write by a replica still running
-- the previous version waits for the triggers instead of slipping between count and trigger.
LOCK TABLE "links" IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO "row_counts" ("table_name", "slot", "count") SELECT counter, slot, 0 FROM unnest(ARRAY['links', 'clicks']) AS counter, generate_series(0, 15) AS slot;
UPDATE "row_counts" SET "count" = (SELECT count(*) FROM "links" WHERE "deleted_at" IS NULL) WHERE "table_name" = 'links' AND "slot" = 0;
UPDATE "row_counts" SET "count" = (SELECT coalesce(sum("clicks"), 0) FROM "links" WHERE "deleted_at" IS NULL) WHERE "table_name" = 'clicks' AND "slot" = 0;
CREATE TRIGGER "links_counted_inserts" AFTER INSERT ON "links" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION links_counted_inserts();
CREATE TRIGGER "links_counted_updates" AFTER UPDATE ON "links" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION links_counted_updates();
CREATE TRIGGER "links_counted_deletes" AFTER DELETE ON "links" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION links_counted_deletes();
