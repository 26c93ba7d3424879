PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_alerts` (
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
	CONSTRAINT "alerts_kind_check" CHECK("kind" IN ('bed_double_occupancy', 'two_open_admissions', 'doctor_double_booked', 'resource_double_booked', 'stock_below_zero', 'bill_overpaid', 'expired_batch_dispensed', 'critical_lab_result', 'low_stock', 'batch_expiring', 'vaccination_due')),
	CONSTRAINT "alerts_status_check" CHECK("status" IN ('open', 'resolved'))
);
--> statement-breakpoint
INSERT INTO `__new_alerts`("id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "kind", "subject_key", "message", "status", "assigned_to", "task_id", "ward_id", "patient_id", "related_ids", "resolved_by", "resolved_at") SELECT "id", "created_at", "updated_at", "created_by", "updated_by", "deleted_at", "version", "kind", "subject_key", "message", "status", "assigned_to", "task_id", "ward_id", "patient_id", "related_ids", "resolved_by", "resolved_at" FROM `alerts`;--> statement-breakpoint
DROP TABLE `alerts`;--> statement-breakpoint
ALTER TABLE `__new_alerts` RENAME TO `alerts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `alerts_kind_subject_key_idx` ON `alerts` (`kind`,`subject_key`);--> statement-breakpoint
CREATE INDEX `alerts_status_idx` ON `alerts` (`status`);--> statement-breakpoint
CREATE INDEX `alerts_assigned_to_idx` ON `alerts` (`assigned_to`);--> statement-breakpoint
CREATE INDEX `alerts_ward_id_idx` ON `alerts` (`ward_id`);