CREATE TABLE "trail_search_bids" (
	"reference" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"financial_years" text[] NOT NULL,
	"ambitions" text[] NOT NULL,
	"places" text[] NOT NULL,
	"organisations" text[] NOT NULL,
	"total_pence" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "trail_search_bids_state_idx" ON "trail_search_bids" USING btree ("state");--> statement-breakpoint
CREATE INDEX "trail_search_bids_total_idx" ON "trail_search_bids" USING btree ("total_pence");--> statement-breakpoint
CREATE INDEX "trail_search_bids_years_gin" ON "trail_search_bids" USING gin ("financial_years") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_bids_ambitions_gin" ON "trail_search_bids" USING gin ("ambitions") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_bids_places_gin" ON "trail_search_bids" USING gin ("places") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_bids_organisations_gin" ON "trail_search_bids" USING gin ("organisations") WITH (fastupdate=false);--> statement-breakpoint
-- A bid's own search row, from the same function as its events' rows (their bid attributes).
CREATE FUNCTION trail_search_bid_row(b bids) RETURNS trail_search_bids
LANGUAGE sql STABLE AS $$
  SELECT b.reference, r.state, r.financial_years, r.ambitions, r.places, r.organisations, r.total_pence
  FROM trail_search_row(0, b.reference, b.submitted_at, '', b) r
$$;
--> statement-breakpoint
-- A bid stored or changed: its own search row and its events' rows follow it together, in the
-- statement that changed it, so a search that finds bids first sees what their events carry.
CREATE OR REPLACE FUNCTION trail_search_on_bid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trail_search_bids SELECT (trail_search_bid_row(NEW)).*
    ON CONFLICT (reference) DO UPDATE SET (state, financial_years, ambitions, places, organisations, total_pence) =
      (EXCLUDED.state, EXCLUDED.financial_years, EXCLUDED.ambitions, EXCLUDED.places, EXCLUDED.organisations, EXCLUDED.total_pence);
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
INSERT INTO trail_search_bids SELECT (trail_search_bid_row(b)).* FROM bids b ON CONFLICT (reference) DO NOTHING;
--> statement-breakpoint
-- Planned from the first search: without statistics PostgreSQL guesses each filter matches few
-- bids and intersects the amount's index over every bid.
ANALYZE trail_search_bids;
