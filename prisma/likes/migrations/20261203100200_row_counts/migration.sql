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

-- "likes": every slot exists, and slot 0 starts at the rows already there.
INSERT INTO "row_counts" ("table_name", "slot", "count") SELECT 'likes', slot, 0 FROM generate_series(0, 15) AS slot;
UPDATE "row_counts" SET "count" = (SELECT count(*) FROM "likes") WHERE "table_name" = 'likes' AND "slot" = 0;
CREATE TRIGGER "likes_counted_inserts" AFTER INSERT ON "likes" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_inserted();
CREATE TRIGGER "likes_counted_deletes" AFTER DELETE ON "likes" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_deleted();
