CREATE TABLE "activity" (
	"event_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"task_id" text,
	"actor_id" text NOT NULL,
	"summary" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_task_titles" (
	"task_id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "activity_org_time" ON "activity" USING btree ("organization_id","occurred_at");--> statement-breakpoint
CREATE INDEX "activity_task_time" ON "activity" USING btree ("task_id","occurred_at");