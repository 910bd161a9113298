CREATE TABLE "meetings" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"agenda_closes_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"status" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"projection_version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"recipient_ids" text[] NOT NULL,
	"recipient_roles" text[] NOT NULL,
	"recipient_organisation" text,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"reference" text,
	"meeting_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "review_assignments" (
	"reference" text NOT NULL,
	"cycle" integer NOT NULL,
	"evaluator_id" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"assigned_by" text NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	CONSTRAINT "review_assignments_reference_cycle_evaluator_id_pk" PRIMARY KEY("reference","cycle","evaluator_id")
);
--> statement-breakpoint
CREATE TABLE "rule_set_activations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rule_set_id" text NOT NULL,
	"version" text NOT NULL,
	"hash" text NOT NULL,
	"activated_by" text NOT NULL,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"event_id" text PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"rule_set_id" text NOT NULL,
	"rule_set_version" text NOT NULL,
	"rule_set_hash" text NOT NULL,
	"facts" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"canonical" text NOT NULL,
	"benefit_score" double precision NOT NULL,
	"band" text NOT NULL,
	"scored_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"organisation" text NOT NULL,
	"roles" text[] NOT NULL,
	"profession" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organisation_organisations_code_fk" FOREIGN KEY ("organisation") REFERENCES "public"."organisations"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_reference_idx" ON "notifications" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "review_assignments_evaluator_idx" ON "review_assignments" USING btree ("evaluator_id","active");--> statement-breakpoint
CREATE INDEX "scores_reference_idx" ON "scores" USING btree ("reference");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree ("email");