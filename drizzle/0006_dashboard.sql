CREATE TABLE "dashboard_activity" (
	"organization_id" text NOT NULL,
	"day" date NOT NULL,
	"actor_id" text NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "dashboard_activity_organization_id_day_actor_id_pk" PRIMARY KEY("organization_id","day","actor_id")
);
--> statement-breakpoint
CREATE TABLE "dashboard_completions" (
	"organization_id" text NOT NULL,
	"day" date NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "dashboard_completions_organization_id_day_pk" PRIMARY KEY("organization_id","day")
);
--> statement-breakpoint
CREATE TABLE "dashboard_status_counts" (
	"organization_id" text NOT NULL,
	"status" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "dashboard_status_counts_organization_id_status_pk" PRIMARY KEY("organization_id","status")
);
--> statement-breakpoint
CREATE TABLE "dashboard_tasks" (
	"task_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"status" text NOT NULL,
	"archived" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dashboard_versions" (
	"organization_id" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "dashboard_versions_organization_id_aggregate_id_pk" PRIMARY KEY("organization_id","aggregate_id")
);
