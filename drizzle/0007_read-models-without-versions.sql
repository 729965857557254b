ALTER TABLE "organizations" DROP COLUMN "version";--> statement-breakpoint
ALTER TABLE "projects" DROP COLUMN "version";--> statement-breakpoint
ALTER TABLE "tasks" DROP COLUMN "version";