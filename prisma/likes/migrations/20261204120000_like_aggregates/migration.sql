-- Maintained like counts, so likeCount and popularPosts cost the same with ten likes or ten
-- million: one row per post (all-time count) and one per post per UTC hour (counts for
-- popularPosts' `since` window). Triggers keep both in the transaction of every insert and
-- delete of likes (bulk deletes and PostDeleted's removal included), counting only the rows
-- the statement really inserted or deleted: a like that ON CONFLICT DO NOTHING skipped is in
-- no transition table. Concurrent likes of one post queue on its counter row (ON CONFLICT
-- DO UPDATE locks it), so every increment is applied to the committed value: counts stay exact.

-- Taken first so no like is written between the backfill below and the triggers taking over.
LOCK TABLE "likes" IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE "post_like_counts" (
    "post_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "post_like_counts_pkey" PRIMARY KEY ("post_id")
);

-- popularPosts without `since`: the first rows of this index, ties to the newer post.
CREATE INDEX "post_like_counts_count_post_id_idx" ON "post_like_counts"("count" DESC, "post_id" DESC);

CREATE TABLE "post_like_hours" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "post_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "post_like_hours_pkey" PRIMARY KEY ("hour","post_id")
);

-- The hour a like counts in: UTC hours, whatever the session's time zone.
-- A window's hours are a few thousand rows at most: parallel workers cost more to start
-- than they save, and the planner (which cannot estimate how many posts a window holds)
-- would otherwise pick them for popularPosts(since:) on large tables.
ALTER TABLE "post_like_hours" SET (parallel_workers = 0);

CREATE FUNCTION "like_hour"(at TIMESTAMPTZ) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE PARALLEL SAFE
  RETURN date_trunc('hour', at, 'UTC');

-- In post (and hour) order, so two statements touching the same posts lock them in one order.
CREATE FUNCTION "like_aggregates_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO post_like_counts (post_id, count)
    SELECT post_id, count(*) FROM inserted_rows GROUP BY post_id ORDER BY post_id
    ON CONFLICT (post_id) DO UPDATE SET count = post_like_counts.count + EXCLUDED.count;
  INSERT INTO post_like_hours (hour, post_id, count)
    SELECT like_hour(created_at), post_id, count(*) FROM inserted_rows GROUP BY 2, 1 ORDER BY 2, 1
    ON CONFLICT (hour, post_id) DO UPDATE SET count = post_like_hours.count + EXCLUDED.count;
  RETURN NULL;
END $$;

-- Rows at zero stay (a post unliked by everyone keeps a 0): readers skip them, and no
-- delete can race an increment of the same row.
CREATE FUNCTION "like_aggregates_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE post_like_counts AS c SET count = c.count - d.n
    FROM (SELECT post_id, count(*) AS n FROM deleted_rows GROUP BY post_id ORDER BY post_id) AS d
    WHERE c.post_id = d.post_id;
  UPDATE post_like_hours AS h SET count = h.count - d.n
    FROM (SELECT post_id, like_hour(created_at) AS hour, count(*) AS n FROM deleted_rows GROUP BY 1, 2 ORDER BY 1, 2) AS d
    WHERE h.post_id = d.post_id AND h.hour = d.hour;
  RETURN NULL;
END $$;

-- Both counters recounted from the rows: here for the likes already there, and after a bulk
-- load that ran with these triggers disabled (bench/scale.ts).
CREATE FUNCTION "like_aggregates_rebuild"() RETURNS void LANGUAGE sql AS $$
  TRUNCATE post_like_counts, post_like_hours;
  INSERT INTO post_like_counts (post_id, count) SELECT post_id, count(*) FROM likes GROUP BY post_id;
  -- In hour order, as likes arriving over time would write them: a window's hours then sit
  -- on few pages.
  INSERT INTO post_like_hours (hour, post_id, count) SELECT like_hour(created_at), post_id, count(*) FROM likes GROUP BY 1, 2 ORDER BY 1, 2;
$$;
SELECT like_aggregates_rebuild();

CREATE TRIGGER "likes_aggregated_inserts" AFTER INSERT ON "likes" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION like_aggregates_inserted();
CREATE TRIGGER "likes_aggregated_deletes" AFTER DELETE ON "likes" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION like_aggregates_deleted();
