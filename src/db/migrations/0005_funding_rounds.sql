CREATE TABLE "funding_rounds" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"financial_year" text NOT NULL,
	"envelope_pence" bigint NOT NULL,
	"sub_envelopes" jsonb NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"status" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"projection_version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "round_allocations" (
	"round_id" text NOT NULL,
	"version" integer NOT NULL,
	"input" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"run_by" text NOT NULL,
	"reason" text NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "round_allocations_round_id_version_pk" PRIMARY KEY("round_id","version")
);
