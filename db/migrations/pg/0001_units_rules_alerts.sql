CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"deleted_at" timestamp(3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"kind" text NOT NULL,
	"subject_key" text NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assigned_to" uuid,
	"task_id" uuid,
	"ward_id" uuid,
	"patient_id" uuid,
	"related_ids" jsonb,
	"resolved_by" uuid,
	"resolved_at" timestamp(3) with time zone,
	CONSTRAINT "alerts_kind_check" CHECK ("kind" IN ('bed_double_occupancy', 'two_open_admissions', 'doctor_double_booked', 'resource_double_booked', 'stock_below_zero', 'bill_overpaid')),
	CONSTRAINT "alerts_status_check" CHECK ("status" IN ('open', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "patient_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"deleted_at" timestamp(3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp(3) with time zone,
	"review_note" text,
	CONSTRAINT "patient_merges_status_check" CHECK ("status" IN ('requested', 'completed', 'rejected', 'cancelled')),
	CONSTRAINT "patient_merges_distinct_records_check" CHECK ("survivor_id" <> "merged_id")
);
--> statement-breakpoint
ALTER TABLE "purchase_orders" DROP CONSTRAINT "purchase_orders_total_amount_check";--> statement-breakpoint
ALTER TABLE "appointments" ALTER COLUMN "queue_number" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "receipt_number" text;--> statement-breakpoint
ALTER TABLE "quarantined_mutations" ADD COLUMN "tx_id" uuid;--> statement-breakpoint
ALTER TABLE "quarantined_mutations" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD COLUMN "resolution_note" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_ward_id_wards_id_fk" FOREIGN KEY ("ward_id") REFERENCES "public"."wards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_merges" ADD CONSTRAINT "patient_merges_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_merges" ADD CONSTRAINT "patient_merges_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_merges" ADD CONSTRAINT "patient_merges_survivor_id_patients_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_merges" ADD CONSTRAINT "patient_merges_merged_id_patients_id_fk" FOREIGN KEY ("merged_id") REFERENCES "public"."patients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_merges" ADD CONSTRAINT "patient_merges_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_kind_subject_key_idx" ON "alerts" USING btree ("kind","subject_key");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "alerts_assigned_to_idx" ON "alerts" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "alerts_ward_id_idx" ON "alerts" USING btree ("ward_id");--> statement-breakpoint
CREATE INDEX "patient_merges_survivor_id_idx" ON "patient_merges" USING btree ("survivor_id");--> statement-breakpoint
CREATE INDEX "patient_merges_merged_id_idx" ON "patient_merges" USING btree ("merged_id");--> statement-breakpoint
CREATE INDEX "admissions_bed_id_idx" ON "admissions" USING btree ("bed_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_receipt_number_key" ON "payments" USING btree ("receipt_number");--> statement-breakpoint
CREATE INDEX "quarantined_mutations_tx_id_idx" ON "quarantined_mutations" USING btree ("tx_id");--> statement-breakpoint
ALTER TABLE "purchase_orders" DROP COLUMN "total_amount";--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_discharge_order_check" CHECK ("discharged_at" IS NULL OR "discharged_at" >= "admitted_at");--> statement-breakpoint
ALTER TABLE "insurance_details" ADD CONSTRAINT "insurance_details_validity_order_check" CHECK ("valid_until" IS NULL OR "valid_from" IS NULL OR "valid_until" >= "valid_from");