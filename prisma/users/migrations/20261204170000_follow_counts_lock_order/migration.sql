-- An UPDATE ... FROM locks rows in whatever order its join runs, so two unfollows touching the
-- same two users (A unfollows B while B unfollows A) could lock them in opposite orders and
-- deadlock. The rows are now locked first, in user order (a SELECT ... ORDER BY ... FOR
-- UPDATE locks in its output order), as the insert trigger's ordered INSERT already does.
CREATE OR REPLACE FUNCTION "follow_counts_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM user_follow_counts
    WHERE user_id IN (SELECT followee_id FROM deleted_rows UNION SELECT follower_id FROM deleted_rows)
    ORDER BY user_id FOR UPDATE;
  UPDATE user_follow_counts AS c SET followers = c.followers - d.followers, following = c.following - d.following
    FROM (
      SELECT user_id, sum(followers) AS followers, sum(following) AS following FROM (
        SELECT followee_id AS user_id, 1 AS followers, 0 AS following FROM deleted_rows
        UNION ALL
        SELECT follower_id, 0, 1 FROM deleted_rows
      ) AS changes GROUP BY user_id
    ) AS d
    WHERE c.user_id = d.user_id;
  RETURN NULL;
END $$;
