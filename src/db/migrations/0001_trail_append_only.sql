-- The decision trail is append-only: the database itself refuses to change or remove an event,
-- whoever asks. Tampering that bypasses this (a superuser disabling the trigger) still breaks
-- the hash chain, which verification reports.
CREATE FUNCTION decision_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'decision_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER decision_events_no_update_delete
  BEFORE UPDATE OR DELETE ON decision_events
  FOR EACH ROW EXECUTE FUNCTION decision_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER decision_events_no_truncate
  BEFORE TRUNCATE ON decision_events
  FOR EACH STATEMENT EXECUTE FUNCTION decision_events_refuse_change();
