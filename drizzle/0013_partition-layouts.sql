CREATE TABLE "partition_layouts" (
	"epoch" integer PRIMARY KEY NOT NULL,
	"partitions" integer NOT NULL,
	"cutoffs" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
