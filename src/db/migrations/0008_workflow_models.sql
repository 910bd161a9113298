ALTER TABLE "bids" ADD COLUMN "model" jsonb;--> statement-breakpoint
ALTER TABLE "bids" ADD COLUMN "waiting_for" text;--> statement-breakpoint
ALTER TABLE "funding_rounds" ADD COLUMN "model" jsonb;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "model" jsonb;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "items" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Applies a workflow commit's changes to the model it left last time (src/model/changes.ts has
-- the same rules): each change sets the value at a path, creating its last key or appending to
-- an array at its length, or removes the key at the path when it carries no value.
CREATE OR REPLACE FUNCTION cp_apply_changes(target jsonb, changes jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  change jsonb;
  path text[];
BEGIN
  FOR change IN SELECT value FROM jsonb_array_elements(changes) LOOP
    path := ARRAY(SELECT jsonb_array_elements_text(change -> 'p'));
    IF change ? 'v' THEN
      target := jsonb_set(target, path, change -> 'v', true);
    ELSE
      target := target #- path;
    END IF;
  END LOOP;
  RETURN target;
END;
$$;
