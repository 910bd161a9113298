-- The service's least-privilege role. Migrations run as the database owner (MIGRATION_DATABASE_URL);
-- the service connects as a login role that is a member of cp_service (DATABASE_URL), which may
-- read and append to the decision trail but never change or remove it: no UPDATE, DELETE or
-- TRUNCATE on decision_events, and, not being the owner, no ALTER TABLE or DISABLE TRIGGER.
-- Roles are cluster-wide: several databases (or test clones of one template) may run this at
-- once, so the role is made only if missing and a concurrent maker is not an error. An owner
-- without CREATEROLE skips making it (a superuser makes it beforehand: CREATE ROLE cp_service NOLOGIN).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cp_service') THEN
    BEGIN
      CREATE ROLE cp_service NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'cp_service not created: the migrating role may not create roles';
    END;
  END IF;
END
$$;
--> statement-breakpoint
-- The seals' rows may be written (a head moves on, the checkpoint with it) but never removed.
CREATE FUNCTION trail_seals_refuse_removal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is sealed: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER trail_heads_no_delete BEFORE DELETE ON trail_heads
  FOR EACH ROW EXECUTE FUNCTION trail_seals_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER trail_heads_no_truncate BEFORE TRUNCATE ON trail_heads
  FOR EACH STATEMENT EXECUTE FUNCTION trail_seals_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER trail_checkpoint_no_delete BEFORE DELETE ON trail_checkpoint
  FOR EACH ROW EXECUTE FUNCTION trail_seals_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER trail_checkpoint_no_truncate BEFORE TRUNCATE ON trail_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION trail_seals_refuse_removal();
--> statement-breakpoint
-- What the service may do, in this database: everything it needs on its read models, and only
-- SELECT and INSERT on the trail (UPDATE too on the heads and checkpoint, which move on with it).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cp_service') THEN
    RETURN;
  END IF;
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO cp_service', current_database());
  GRANT USAGE ON SCHEMA public TO cp_service;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cp_service;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cp_service;
  REVOKE ALL ON decision_events, trail_heads, trail_checkpoint FROM cp_service;
  GRANT SELECT, INSERT ON decision_events TO cp_service;
  GRANT SELECT, INSERT, UPDATE ON trail_heads, trail_checkpoint TO cp_service;
  -- Tables later migrations make are the service's to use too (a later trail table revokes as above).
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cp_service;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO cp_service;
  -- The readiness probe compares applied migrations with the code's.
  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'drizzle') THEN
    GRANT USAGE ON SCHEMA drizzle TO cp_service;
    GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO cp_service;
  END IF;
END
$$;
