CREATE TABLE "snapshot_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"handle" text NOT NULL,
	"boundaries" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "snapshot_plans_handle_key" ON "snapshot_plans" USING btree ("handle");