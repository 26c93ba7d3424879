ALTER TABLE "sync_conflicts" ADD COLUMN "server_workstation_id" uuid;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD COLUMN "local_workstation_name" text;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD COLUMN "server_workstation_name" text;