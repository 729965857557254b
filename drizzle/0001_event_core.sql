CREATE TABLE "dead_letters" (
	"projector" text NOT NULL,
	"partition" integer NOT NULL,
	"stream_id" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"organization_id" text,
	"event_id" text,
	"type" text,
	"entry" jsonb NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"parked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dead_letters_projector_partition_stream_id_pk" PRIMARY KEY("projector","partition","stream_id")
);
--> statement-breakpoint
CREATE TABLE "event_log" (
	"event_id" text PRIMARY KEY NOT NULL,
	"partition" integer NOT NULL,
	"stream_id" text NOT NULL,
	"stream_ms" bigint NOT NULL,
	"stream_seq" bigint NOT NULL,
	"type" text NOT NULL,
	"schema_version" integer NOT NULL,
	"aggregate_id" text NOT NULL,
	"aggregate_version" integer NOT NULL,
	"organization_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"correlation_id" text NOT NULL,
	"causation_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projector_checkpoints" (
	"projector" text NOT NULL,
	"partition" integer NOT NULL,
	"last_id" text DEFAULT '0-0' NOT NULL,
	"fence" bigint DEFAULT 0 NOT NULL,
	"events_applied" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projector_checkpoints_projector_partition_pk" PRIMARY KEY("projector","partition")
);
--> statement-breakpoint
CREATE TABLE "projector_failures" (
	"projector" text NOT NULL,
	"partition" integer NOT NULL,
	"stream_id" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projector_failures_projector_partition_stream_id_pk" PRIMARY KEY("projector","partition","stream_id")
);
--> statement-breakpoint
CREATE TABLE "reactor_effects" (
	"reactor" text NOT NULL,
	"event_id" text NOT NULL,
	"performed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reactor_effects_reactor_event_id_pk" PRIMARY KEY("reactor","event_id")
);
--> statement-breakpoint
CREATE INDEX "dead_letters_aggregate" ON "dead_letters" USING btree ("projector","aggregate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "event_log_aggregate_version" ON "event_log" USING btree ("aggregate_id","aggregate_version");--> statement-breakpoint
CREATE INDEX "event_log_org_time" ON "event_log" USING btree ("organization_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "event_log_position" ON "event_log" USING btree ("partition","stream_ms","stream_seq");