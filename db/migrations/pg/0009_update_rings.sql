CREATE TABLE "update_rings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"release" text,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "workstations" ADD COLUMN "update_ring" text DEFAULT 'general' NOT NULL;--> statement-breakpoint
ALTER TABLE "update_rings" ADD CONSTRAINT "update_rings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "update_rings_name_key" ON "update_rings" USING btree ("name");