-- Maintained posts per author, so User.postsCount costs one key lookup for an author of a
-- million posts: kept by triggers in the transaction of every insert and delete of posts,
-- counting the rows each statement really inserted or deleted. An author's concurrent
-- posts queue on the author's row (ON CONFLICT DO UPDATE locks it): counts stay exact.

-- Taken first so no post is written between the backfill below and the triggers taking over.
LOCK TABLE "posts" IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE "author_post_counts" (
    "author_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "author_post_counts_pkey" PRIMARY KEY ("author_id")
);

-- In author order, so two statements touching the same authors lock them in one order.
CREATE FUNCTION "author_post_counts_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO author_post_counts (author_id, count)
    SELECT author_id, count(*) FROM inserted_rows GROUP BY author_id ORDER BY author_id
    ON CONFLICT (author_id) DO UPDATE SET count = author_post_counts.count + EXCLUDED.count;
  RETURN NULL;
END $$;

CREATE FUNCTION "author_post_counts_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE author_post_counts AS c SET count = c.count - d.n
    FROM (SELECT author_id, count(*) AS n FROM deleted_rows GROUP BY author_id ORDER BY author_id) AS d
    WHERE c.author_id = d.author_id;
  RETURN NULL;
END $$;

-- Recounted from the rows: here for the posts already there, and after a bulk load that ran
-- with these triggers disabled (bench/scale.ts).
CREATE FUNCTION "author_post_counts_rebuild"() RETURNS void LANGUAGE sql AS $$
  TRUNCATE author_post_counts;
  INSERT INTO author_post_counts (author_id, count) SELECT author_id, count(*) FROM posts GROUP BY author_id;
$$;
SELECT author_post_counts_rebuild();

CREATE TRIGGER "posts_counted_per_author_inserts" AFTER INSERT ON "posts" REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION author_post_counts_inserted();
CREATE TRIGGER "posts_counted_per_author_deletes" AFTER DELETE ON "posts" REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION author_post_counts_deleted();
