CREATE TABLE "trail_search" (
	"id" bigint PRIMARY KEY NOT NULL,
	"stream_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"state" text NOT NULL,
	"financial_years" text[] NOT NULL,
	"ambitions" text[] NOT NULL,
	"places" text[] NOT NULL,
	"organisations" text[] NOT NULL,
	"total_pence" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "trail_search_stream_idx" ON "trail_search" USING btree ("stream_id","id");--> statement-breakpoint
CREATE INDEX "trail_search_state_idx" ON "trail_search" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "trail_search_action_idx" ON "trail_search" USING btree ("action" text_pattern_ops,"id");--> statement-breakpoint
CREATE INDEX "trail_search_total_idx" ON "trail_search" USING btree ("total_pence");--> statement-breakpoint
CREATE INDEX "trail_search_occurred_idx" ON "trail_search" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "trail_search_years_gin" ON "trail_search" USING gin ("financial_years");--> statement-breakpoint
CREATE INDEX "trail_search_ambitions_gin" ON "trail_search" USING gin ("ambitions");--> statement-breakpoint
CREATE INDEX "trail_search_places_gin" ON "trail_search" USING gin ("places");--> statement-breakpoint
CREATE INDEX "trail_search_organisations_gin" ON "trail_search" USING gin ("organisations");--> statement-breakpoint
-- The attributes finance filters a bid's events on, from the bid's row: its cost years, its
-- primary and secondary ambitions, places, lead and partner organisations, amount and state.
CREATE FUNCTION trail_search_row(event_id bigint, stream text, at timestamptz, what text, b bids) RETURNS trail_search
LANGUAGE sql STABLE AS $$
  SELECT event_id, stream, at, what, b.state,
    coalesce(ARRAY(SELECT DISTINCT c ->> 'financialYear' FROM jsonb_array_elements(b.submission -> 'costs') c), '{}'),
    array_prepend(b.primary_ambition, b.secondary_ambitions),
    b.places,
    array_prepend(b.lead_organisation, b.partner_organisations),
    b.total_pence
$$;
--> statement-breakpoint
-- Each bid event, as it is stored, gets its search row (when its bid is known by then).
CREATE FUNCTION trail_search_on_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trail_search
    SELECT (trail_search_row(NEW.id, NEW.stream_id, NEW.occurred_at, NEW.action, b)).* FROM bids b WHERE b.reference = NEW.stream_id
    ON CONFLICT (id) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER trail_search_on_event AFTER INSERT ON decision_events
  FOR EACH ROW WHEN (NEW.stream_type = 'bid') EXECUTE FUNCTION trail_search_on_event();
--> statement-breakpoint
-- A bid stored or changed: its events' search rows follow it, and any stored before it was get theirs.
CREATE FUNCTION trail_search_on_bid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    UPDATE trail_search t SET (state, financial_years, ambitions, places, organisations, total_pence) =
      (SELECT r.state, r.financial_years, r.ambitions, r.places, r.organisations, r.total_pence FROM trail_search_row(t.id, t.stream_id, t.occurred_at, t.action, NEW) r)
      WHERE t.stream_id = NEW.reference;
  END IF;
  INSERT INTO trail_search
    SELECT (trail_search_row(e.id, e.stream_id, e.occurred_at, e.action, NEW)).* FROM decision_events e
    WHERE e.stream_id = NEW.reference AND e.stream_type = 'bid'
    ON CONFLICT (id) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER trail_search_on_bid_insert AFTER INSERT ON bids FOR EACH ROW EXECUTE FUNCTION trail_search_on_bid();
--> statement-breakpoint
CREATE TRIGGER trail_search_on_bid_update AFTER UPDATE ON bids FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.submission IS DISTINCT FROM NEW.submission)
  EXECUTE FUNCTION trail_search_on_bid();
--> statement-breakpoint
INSERT INTO trail_search
  SELECT (trail_search_row(e.id, e.stream_id, e.occurred_at, e.action, b)).* FROM decision_events e JOIN bids b ON b.reference = e.stream_id
  WHERE e.stream_type = 'bid'
  ON CONFLICT (id) DO NOTHING;
