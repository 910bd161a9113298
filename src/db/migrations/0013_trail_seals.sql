CREATE TABLE "trail_checkpoint" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"streams" integer NOT NULL,
	"events" bigint NOT NULL,
	"digest" text NOT NULL,
	"seal" text NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trail_heads" (
	"stream_id" text PRIMARY KEY NOT NULL,
	"stream_type" text NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"seal" text NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
