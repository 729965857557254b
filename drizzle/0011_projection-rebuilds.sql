CREATE TABLE "projection_rebuilds" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "projection_rebuilds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"projector" text NOT NULL,
	"status" text NOT NULL,
	"done" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "projection_rebuilds_active" ON "projection_rebuilds" USING btree ("projector") WHERE status in ('requested', 'running');--> statement-breakpoint
CREATE INDEX "projection_rebuilds_requested_at" ON "projection_rebuilds" USING btree ("requested_at");