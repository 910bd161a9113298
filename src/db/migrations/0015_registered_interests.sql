CREATE TABLE "meeting_attendance_replies" (
	"meeting_id" text NOT NULL,
	"person_id" text NOT NULL,
	"reply" text NOT NULL,
	"note" text,
	"replied_at" timestamp with time zone NOT NULL,
	CONSTRAINT "meeting_attendance_replies_meeting_id_person_id_pk" PRIMARY KEY("meeting_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "registered_interests" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"organisation" text,
	"body" text NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"from_date" text NOT NULL,
	"to_date" text,
	"declared_at" timestamp with time zone NOT NULL,
	"declared_by" text NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" text,
	"withdrawn_reason" text
);
--> statement-breakpoint
ALTER TABLE "meeting_attendance_replies" ADD CONSTRAINT "meeting_attendance_replies_person_id_users_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registered_interests" ADD CONSTRAINT "registered_interests_person_id_users_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registered_interests" ADD CONSTRAINT "registered_interests_organisation_organisations_code_fk" FOREIGN KEY ("organisation") REFERENCES "public"."organisations"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registered_interests_person_idx" ON "registered_interests" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "registered_interests_organisation_idx" ON "registered_interests" USING btree ("organisation");