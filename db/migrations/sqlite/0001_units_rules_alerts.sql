CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`kind` text NOT NULL,
	`subject_key` text NOT NULL,
	`message` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assigned_to` text,
	`task_id` text,
	`ward_id` text,
	`patient_id` text,
	`related_ids` text,
	`resolved_by` text,
	`resolved_at` text,
	CONSTRAINT "alerts_kind_check" CHECK("kind" IN ('bed_double_occupancy', 'two_open_admissions', 'doctor_double_booked', 'resource_double_booked', 'stock_below_zero', 'bill_overpaid')),
	CONSTRAINT "alerts_status_check" CHECK("status" IN ('open', 'resolved'))
);
--> statement-breakpoint
CREATE INDEX `alerts_kind_subject_key_idx` ON `alerts` (`kind`,`subject_key`);--> statement-breakpoint
CREATE INDEX `alerts_status_idx` ON `alerts` (`status`);--> statement-breakpoint
CREATE INDEX `alerts_assigned_to_idx` ON `alerts` (`assigned_to`);--> statement-breakpoint
CREATE INDEX `alerts_ward_id_idx` ON `alerts` (`ward_id`);--> statement-breakpoint
CREATE TABLE `number_sequences` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`name` text NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `number_sequences_name_key` ON `number_sequences` (`name`);--> statement-breakpoint
CREATE TABLE `patient_merges` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`survivor_id` text NOT NULL,
	`merged_id` text NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'requested' NOT NULL,
	`reviewed_by` text,
	`reviewed_at` text,
	`review_note` text,
	CONSTRAINT "patient_merges_status_check" CHECK("status" IN ('requested', 'completed', 'rejected', 'cancelled')),
	CONSTRAINT "patient_merges_distinct_records_check" CHECK("survivor_id" <> "merged_id")
);
--> statement-breakpoint
CREATE INDEX `patient_merges_survivor_id_idx` ON `patient_merges` (`survivor_id`);--> statement-breakpoint
CREATE INDEX `patient_merges_merged_id_idx` ON `patient_merges` (`merged_id`);--> statement-breakpoint
CREATE TABLE `server_rows` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `server_rows_table_name_row_id_key` ON `server_rows` (`table_name`,`row_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`order_number` text NOT NULL,
	`supplier_id` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`ordered_on` text,
	`expected_on` text,
	`notes` text,
	CONSTRAINT "purchase_orders_status_check" CHECK("status" IN ('draft', 'submitted', 'partially_received', 'received', 'cancelled'))
);
--> statement-breakpoint
INSERT INTO `__new_purchase_orders`("id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "order_number", "supplier_id", "status", "ordered_on", "expected_on", "notes") SELECT "id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "order_number", "supplier_id", "status", "ordered_on", "expected_on", "notes" FROM `purchase_orders`;--> statement-breakpoint
DROP TABLE `purchase_orders`;--> statement-breakpoint
ALTER TABLE `__new_purchase_orders` RENAME TO `purchase_orders`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_orders_order_number_key` ON `purchase_orders` (`order_number`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier_id_idx` ON `purchase_orders` (`supplier_id`);--> statement-breakpoint
CREATE TABLE `__new_appointments` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`date` text NOT NULL,
	`time` text NOT NULL,
	`duration_minutes` integer DEFAULT 15 NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`reason` text,
	`notes` text,
	`queue_number` text,
	`checked_in_at` text,
	`completed_at` text,
	CONSTRAINT "appointments_duration_minutes_check" CHECK("duration_minutes" > 0),
	CONSTRAINT "appointments_status_check" CHECK("status" IN ('scheduled', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show'))
);
--> statement-breakpoint
INSERT INTO `__new_appointments`("id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "doctor_id", "date", "time", "duration_minutes", "status", "reason", "notes", "queue_number", "checked_in_at", "completed_at") SELECT "id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "doctor_id", "date", "time", "duration_minutes", "status", "reason", "notes", "queue_number", "checked_in_at", "completed_at" FROM `appointments`;--> statement-breakpoint
DROP TABLE `appointments`;--> statement-breakpoint
ALTER TABLE `__new_appointments` RENAME TO `appointments`;--> statement-breakpoint
CREATE INDEX `appointments_date_idx` ON `appointments` (`date`);--> statement-breakpoint
CREATE INDEX `appointments_doctor_id_date_idx` ON `appointments` (`doctor_id`,`date`);--> statement-breakpoint
CREATE INDEX `appointments_patient_id_idx` ON `appointments` (`patient_id`);--> statement-breakpoint
-- SQLite adds a NOT NULL column only with a default: entries written before units of work existed
-- were each a unit of their own, so their transaction id is their own id.
ALTER TABLE `outbox` ADD `tx_id` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `outbox` SET `tx_id` = `id` WHERE `tx_id` = '';--> statement-breakpoint
CREATE INDEX `outbox_tx_id_idx` ON `outbox` (`tx_id`);--> statement-breakpoint
ALTER TABLE `payments` ADD `receipt_number` text;--> statement-breakpoint
CREATE UNIQUE INDEX `payments_receipt_number_key` ON `payments` (`receipt_number`);--> statement-breakpoint
ALTER TABLE `quarantined_mutations` ADD `tx_id` text;--> statement-breakpoint
ALTER TABLE `quarantined_mutations` ADD `review_note` text;--> statement-breakpoint
CREATE INDEX `quarantined_mutations_tx_id_idx` ON `quarantined_mutations` (`tx_id`);--> statement-breakpoint
ALTER TABLE `sync_conflicts` ADD `resolution_note` text;--> statement-breakpoint
CREATE TABLE `__new_admissions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`ward_id` text NOT NULL,
	`bed_id` text,
	`admitted_at` text NOT NULL,
	`discharged_at` text,
	`reason` text,
	`attending_doctor_id` text,
	`status` text DEFAULT 'admitted' NOT NULL,
	CONSTRAINT "admissions_status_check" CHECK("status" IN ('admitted', 'transferred', 'discharged')),
	CONSTRAINT "admissions_discharge_order_check" CHECK("discharged_at" IS NULL OR "discharged_at" >= "admitted_at")
);
--> statement-breakpoint
INSERT INTO `__new_admissions`("id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "ward_id", "bed_id", "admitted_at", "discharged_at", "reason", "attending_doctor_id", "status") SELECT "id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "ward_id", "bed_id", "admitted_at", "discharged_at", "reason", "attending_doctor_id", "status" FROM `admissions`;--> statement-breakpoint
DROP TABLE `admissions`;--> statement-breakpoint
ALTER TABLE `__new_admissions` RENAME TO `admissions`;--> statement-breakpoint
CREATE INDEX `admissions_patient_id_idx` ON `admissions` (`patient_id`);--> statement-breakpoint
CREATE INDEX `admissions_ward_id_idx` ON `admissions` (`ward_id`);--> statement-breakpoint
CREATE INDEX `admissions_bed_id_idx` ON `admissions` (`bed_id`);--> statement-breakpoint
CREATE TABLE `__new_insurance_details` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`provider` text NOT NULL,
	`policy_number` text NOT NULL,
	`coverage_percent` integer DEFAULT 0 NOT NULL,
	`valid_from` text,
	`valid_until` text,
	`is_active` integer DEFAULT true NOT NULL,
	CONSTRAINT "insurance_details_coverage_percent_check" CHECK("coverage_percent" >= 0),
	CONSTRAINT "insurance_details_coverage_max_check" CHECK("coverage_percent" <= 100),
	CONSTRAINT "insurance_details_validity_order_check" CHECK("valid_until" IS NULL OR "valid_from" IS NULL OR "valid_until" >= "valid_from")
);
--> statement-breakpoint
INSERT INTO `__new_insurance_details`("id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "provider", "policy_number", "coverage_percent", "valid_from", "valid_until", "is_active") SELECT "id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "patient_id", "provider", "policy_number", "coverage_percent", "valid_from", "valid_until", "is_active" FROM `insurance_details`;--> statement-breakpoint
DROP TABLE `insurance_details`;--> statement-breakpoint
ALTER TABLE `__new_insurance_details` RENAME TO `insurance_details`;--> statement-breakpoint
CREATE INDEX `insurance_details_patient_id_idx` ON `insurance_details` (`patient_id`);--> statement-breakpoint
-- The server rows kept for rows with writes in flight move out of workstation_settings
-- (keys `server_row:<table>:<id>`) into their own table.
INSERT INTO `server_rows` (`id`, `created_at`, `table_name`, `row_id`, `row`)
  SELECT `id`, `created_at`,
    substr(substr(`key`, 12), 1, instr(substr(`key`, 12), ':') - 1),
    substr(substr(`key`, 12), instr(substr(`key`, 12), ':') + 1),
    `value`
  FROM `workstation_settings` WHERE `key` LIKE 'server\_row:%:%' ESCAPE '\';--> statement-breakpoint
DELETE FROM `workstation_settings` WHERE `key` LIKE 'server\_row:%:%' ESCAPE '\';
