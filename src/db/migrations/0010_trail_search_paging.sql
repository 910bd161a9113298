DROP INDEX "trail_search_occurred_idx";--> statement-breakpoint
DROP INDEX "trail_search_years_gin";--> statement-breakpoint
DROP INDEX "trail_search_ambitions_gin";--> statement-breakpoint
DROP INDEX "trail_search_places_gin";--> statement-breakpoint
DROP INDEX "trail_search_organisations_gin";--> statement-breakpoint
CREATE INDEX "trail_search_occurred_idx" ON "trail_search" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "trail_search_years_gin" ON "trail_search" USING gin ("financial_years") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_ambitions_gin" ON "trail_search" USING gin ("ambitions") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_places_gin" ON "trail_search" USING gin ("places") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "trail_search_organisations_gin" ON "trail_search" USING gin ("organisations") WITH (fastupdate=false);