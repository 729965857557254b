CREATE TABLE "personal_data_keys" (
	"subject" text PRIMARY KEY NOT NULL,
	"key" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_revocations" (
	"user_id" text PRIMARY KEY NOT NULL,
	"revoked_before" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "personal" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "display_name" text;