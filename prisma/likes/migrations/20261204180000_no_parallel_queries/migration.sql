-- No parallel plans in this database. Every query likes runs is a short lookup or a window
-- of a few thousand rows, where starting workers costs more than it saves: on the
-- full-size data set (bench/scale.ts) popularPosts(since:) took 15-18 ms with two workers
-- and 4 ms without, the planner choosing them for the likes half of the window's UNION
-- (post_like_hours alone already had parallel_workers = 0). Set for the database, so every
-- new session has it. A role that may not alter the database keeps the default, and says so.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET max_parallel_workers_per_gather = 0', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'likes: max_parallel_workers_per_gather left as it is (no privilege to alter the database)';
END $$;
