-- Maintained follow counts, so followersCount and followingCount cost one key lookup for a
-- user followed by millions: one row per user, kept by triggers in the transaction of
-- every insert and delete of follows (cascades from a deleted account included), counting
-- only the rows a statement really inserted or deleted (a follow that ON CONFLICT DO NOTHING
-- skipped is in no transition table). Concurrent follows of one user queue on its row
-- (ON CONFLICT DO UPDATE locks it), so the counts stay exact.

-- Taken first so no follow is written between the backfill below and the triggers taking over.
LOCK TABLE "follows" IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE "user_follow_counts" (
    "user_id" UUID NOT NULL,
    "followers" INTEGER NOT NULL DEFAULT 0,
    "following" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_follow_counts_pkey" PRIMARY KEY ("user_id")
);

-- Each statement's changes per user, both sides of every follow, in user order: two
-- statements touching the same users (A follows B while B follows A) lock them in one order.
CREATE FUNCTION "follow_counts_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO user_follow_counts (user_id, followers, following)
    SELECT user_id, sum(followers), sum(following) FROM (
      SELECT followee_id AS user_id, 1 AS followers, 0 AS following FROM inserted_rows
      UNION ALL
      SELECT follower_id, 0, 1 FROM inserted_rows
    ) AS changes GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET followers = user_follow_counts.followers + EXCLUDED.followers, following = user_follow_counts.following + EXCLUDED.following;
  RETURN NULL;
END $$;

CREATE FUNCTION "follow_counts_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_follow_counts AS c SET followers = c.followers - d.followers, following = c.following - d.following
    FROM (
      SELECT user_id, sum(followers) AS followers, sum(following) AS following FROM (
        SELECT followee_id AS user_id, 1 AS followers, 0 AS following FROM deleted_rows
        UNION ALL
        SELECT follower_id, 0, 1 FROM deleted_rows
      ) AS changes GROUP BY user_id ORDER BY user_id
    ) AS d
    WHERE c.user_id = d.user_id;
  RETURN NULL;
END $$;

-- The counts recounted from the rows: here for the follows already there, and after a bulk
-- load that ran with these triggers disabled (bench/scale.ts).
CREATE FUNCTION "follow_counts_rebuild"() RETURNS void LANGUAGE sql AS $$
  TRUNCATE user_follow_counts;
  INSERT INTO user_follow_counts (user_id, followers, following)
    SELECT user_id, sum(followers), sum(following) FROM (
      SELECT followee_id AS user_id, 1 AS followers, 0 AS following FROM follows
      UNION ALL
      SELECT follower_id, 0, 1 FROM follows
    ) AS counted GROUP BY user_id;
$$;
SELECT follow_counts_rebuild();

CREATE TRIGGER "follows_counted_per_user_inserts" AFTER INSERT ON "follows" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_counts_inserted();
CREATE TRIGGER "follows_counted_per_user_deletes" AFTER DELETE ON "follows" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION follow_counts_deleted();
