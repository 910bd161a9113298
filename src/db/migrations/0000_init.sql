CREATE TABLE "bid_costs" (
	"reference" text NOT NULL,
	"financial_year" text NOT NULL,
	"recurrent_pence" bigint NOT NULL,
	"non_recurrent_pence" bigint NOT NULL,
	CONSTRAINT "bid_costs_reference_financial_year_pk" PRIMARY KEY("reference","financial_year")
);
--> statement-breakpoint
CREATE TABLE "bids" (
	"reference" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"title" text NOT NULL,
	"lead_organisation" text NOT NULL,
	"partner_organisations" text[] DEFAULT '{}'::text[] NOT NULL,
	"primary_ambition" text NOT NULL,
	"secondary_ambitions" text[] DEFAULT '{}'::text[] NOT NULL,
	"level" text NOT NULL,
	"places" text[] DEFAULT '{}'::text[] NOT NULL,
	"kind" text NOT NULL,
	"total_pence" bigint NOT NULL,
	"recurrent_pence" bigint NOT NULL,
	"non_recurrent_pence" bigint NOT NULL,
	"submission" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"state" text NOT NULL,
	"band" text,
	"benefit_score" double precision,
	"must_fund" boolean DEFAULT false NOT NULL,
	"safety_escalation" boolean DEFAULT false NOT NULL,
	"status" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"projection_version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decision_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"stream_type" text NOT NULL,
	"stream_id" text NOT NULL,
	"seq" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"actor_role" text NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"payload" jsonb NOT NULL,
	"rule_set_version" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bid_costs" ADD CONSTRAINT "bid_costs_reference_bids_reference_fk" FOREIGN KEY ("reference") REFERENCES "public"."bids"("reference") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bid_costs_year_idx" ON "bid_costs" USING btree ("financial_year");--> statement-breakpoint
CREATE INDEX "bids_state_idx" ON "bids" USING btree ("state");--> statement-breakpoint
CREATE INDEX "bids_lead_org_idx" ON "bids" USING btree ("lead_organisation");--> statement-breakpoint
CREATE INDEX "bids_ambition_idx" ON "bids" USING btree ("primary_ambition");--> statement-breakpoint
CREATE UNIQUE INDEX "decision_events_event_id_uq" ON "decision_events" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decision_events_stream_seq_uq" ON "decision_events" USING btree ("stream_id","seq");--> statement-breakpoint
CREATE INDEX "decision_events_occurred_idx" ON "decision_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "decision_events_action_idx" ON "decision_events" USING btree ("action");