CREATE TABLE `admissions` (
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
	CONSTRAINT "admissions_status_check" CHECK("status" IN ('admitted', 'transferred', 'discharged'))
);
--> statement-breakpoint
CREATE INDEX `admissions_patient_id_idx` ON `admissions` (`patient_id`);--> statement-breakpoint
CREATE INDEX `admissions_ward_id_idx` ON `admissions` (`ward_id`);--> statement-breakpoint
CREATE TABLE `allergies` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`allergen` text NOT NULL,
	`reaction` text,
	`severity` text NOT NULL,
	`noted_on` text,
	CONSTRAINT "allergies_severity_check" CHECK("severity" IN ('mild', 'moderate', 'severe', 'life_threatening'))
);
--> statement-breakpoint
CREATE INDEX `allergies_patient_id_idx` ON `allergies` (`patient_id`);--> statement-breakpoint
CREATE TABLE `appointment_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`appointment_id` text NOT NULL,
	`notification_type` text NOT NULL,
	`channel` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`scheduled_for` text NOT NULL,
	`sent_at` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`error_message` text,
	`provider_message_id` text,
	CONSTRAINT "appointment_notifications_notification_type_check" CHECK("notification_type" IN ('reminder', 'follow_up')),
	CONSTRAINT "appointment_notifications_channel_check" CHECK("channel" IN ('sms', 'email')),
	CONSTRAINT "appointment_notifications_status_check" CHECK("status" IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
	CONSTRAINT "appointment_notifications_attempts_check" CHECK("attempts" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointment_notifications_appointment_id_notification_type_channel_key` ON `appointment_notifications` (`appointment_id`,`notification_type`,`channel`);--> statement-breakpoint
CREATE INDEX `appointment_notifications_status_scheduled_for_idx` ON `appointment_notifications` (`status`,`scheduled_for`);--> statement-breakpoint
CREATE TABLE `appointments` (
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
	`queue_number` integer,
	`checked_in_at` text,
	`completed_at` text,
	CONSTRAINT "appointments_duration_minutes_check" CHECK("duration_minutes" > 0),
	CONSTRAINT "appointments_status_check" CHECK("status" IN ('scheduled', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show'))
);
--> statement-breakpoint
CREATE INDEX `appointments_date_idx` ON `appointments` (`date`);--> statement-breakpoint
CREATE INDEX `appointments_doctor_id_date_idx` ON `appointments` (`doctor_id`,`date`);--> statement-breakpoint
CREATE INDEX `appointments_patient_id_idx` ON `appointments` (`patient_id`);--> statement-breakpoint
CREATE TABLE `beds` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`ward_id` text NOT NULL,
	`bed_number` text NOT NULL,
	`status` text DEFAULT 'available' NOT NULL,
	`patient_id` text,
	`managed_by` text,
	CONSTRAINT "beds_status_check" CHECK("status" IN ('available', 'occupied', 'cleaning', 'maintenance', 'reserved'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `beds_ward_id_bed_number_key` ON `beds` (`ward_id`,`bed_number`);--> statement-breakpoint
CREATE TABLE `bill_items` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`bill_id` text NOT NULL,
	`service_catalog_item_id` text,
	`description` text NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`unit_price` integer NOT NULL,
	CONSTRAINT "bill_items_quantity_check" CHECK("quantity" > 0),
	CONSTRAINT "bill_items_unit_price_check" CHECK("unit_price" >= 0)
);
--> statement-breakpoint
CREATE INDEX `bill_items_bill_id_idx` ON `bill_items` (`bill_id`);--> statement-breakpoint
CREATE TABLE `bills` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`bill_number` text NOT NULL,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`insurance_id` text,
	`issued_at` text NOT NULL,
	`due_date` text,
	`status` text DEFAULT 'issued' NOT NULL,
	`notes` text,
	CONSTRAINT "bills_status_check" CHECK("status" IN ('draft', 'issued', 'partially_paid', 'paid', 'void'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bills_bill_number_key` ON `bills` (`bill_number`);--> statement-breakpoint
CREATE INDEX `bills_patient_id_idx` ON `bills` (`patient_id`);--> statement-breakpoint
CREATE INDEX `bills_issued_at_idx` ON `bills` (`issued_at`);--> statement-breakpoint
CREATE TABLE `clinical_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`author_id` text NOT NULL,
	`note_type` text NOT NULL,
	`body` text NOT NULL,
	`amends_id` text,
	CONSTRAINT "clinical_notes_note_type_check" CHECK("note_type" IN ('progress', 'nursing', 'handover', 'discharge', 'procedure'))
);
--> statement-breakpoint
CREATE INDEX `clinical_notes_patient_id_idx` ON `clinical_notes` (`patient_id`);--> statement-breakpoint
CREATE INDEX `clinical_notes_encounter_id_idx` ON `clinical_notes` (`encounter_id`);--> statement-breakpoint
CREATE TABLE `dispensing_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`prescription_id` text,
	`patient_id` text,
	`medication_item_id` text NOT NULL,
	`stock_batch_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`dispensed_by` text NOT NULL,
	`dispensed_at` text NOT NULL,
	`notes` text,
	CONSTRAINT "dispensing_logs_quantity_check" CHECK("quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `dispensing_logs_prescription_id_idx` ON `dispensing_logs` (`prescription_id`);--> statement-breakpoint
CREATE INDEX `dispensing_logs_stock_batch_id_idx` ON `dispensing_logs` (`stock_batch_id`);--> statement-breakpoint
CREATE TABLE `doctor_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`user_id` text NOT NULL,
	`specialization` text NOT NULL,
	`license_number` text,
	`qualifications` text,
	`availability` text,
	`consultation_fee` integer,
	`bio` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `doctor_profiles_user_id_key` ON `doctor_profiles` (`user_id`);--> statement-breakpoint
CREATE TABLE `encounters` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`appointment_id` text,
	`admission_id` text,
	`doctor_id` text NOT NULL,
	`encounter_type` text DEFAULT 'outpatient' NOT NULL,
	`chief_complaint` text,
	`notes` text NOT NULL,
	`diagnosis` text,
	`icd10_code` text,
	`status` text DEFAULT 'open' NOT NULL,
	CONSTRAINT "encounters_encounter_type_check" CHECK("encounter_type" IN ('outpatient', 'inpatient', 'emergency', 'telemedicine')),
	CONSTRAINT "encounters_status_check" CHECK("status" IN ('open', 'closed'))
);
--> statement-breakpoint
CREATE INDEX `encounters_patient_id_idx` ON `encounters` (`patient_id`);--> statement-breakpoint
CREATE INDEX `encounters_doctor_id_idx` ON `encounters` (`doctor_id`);--> statement-breakpoint
CREATE INDEX `encounters_created_at_idx` ON `encounters` (`created_at`);--> statement-breakpoint
CREATE TABLE `family_histories` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`relation` text NOT NULL,
	`condition` text NOT NULL,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `family_histories_patient_id_idx` ON `family_histories` (`patient_id`);--> statement-breakpoint
CREATE TABLE `goods_received_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`grn_number` text NOT NULL,
	`purchase_order_id` text,
	`supplier_id` text NOT NULL,
	`received_on` text NOT NULL,
	`received_by` text,
	`notes` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `goods_received_notes_grn_number_key` ON `goods_received_notes` (`grn_number`);--> statement-breakpoint
CREATE INDEX `goods_received_notes_purchase_order_id_idx` ON `goods_received_notes` (`purchase_order_id`);--> statement-breakpoint
CREATE TABLE `grn_items` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`goods_received_note_id` text NOT NULL,
	`medication_item_id` text NOT NULL,
	`stock_batch_id` text NOT NULL,
	`quantity_received` integer NOT NULL,
	`unit_cost` integer NOT NULL,
	CONSTRAINT "grn_items_quantity_received_check" CHECK("quantity_received" > 0),
	CONSTRAINT "grn_items_unit_cost_check" CHECK("unit_cost" >= 0)
);
--> statement-breakpoint
CREATE INDEX `grn_items_goods_received_note_id_idx` ON `grn_items` (`goods_received_note_id`);--> statement-breakpoint
CREATE TABLE `insurance_details` (
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
	CONSTRAINT "insurance_details_coverage_max_check" CHECK("coverage_percent" <= 100)
);
--> statement-breakpoint
CREATE INDEX `insurance_details_patient_id_idx` ON `insurance_details` (`patient_id`);--> statement-breakpoint
CREATE TABLE `lab_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`ordered_by` text NOT NULL,
	`test_name` text NOT NULL,
	`test_code` text,
	`priority` text DEFAULT 'routine' NOT NULL,
	`status` text DEFAULT 'ordered' NOT NULL,
	`clinical_notes` text,
	`collected_at` text,
	`reviewed_by` text,
	`reviewed_at` text,
	CONSTRAINT "lab_orders_priority_check" CHECK("priority" IN ('routine', 'urgent', 'stat')),
	CONSTRAINT "lab_orders_status_check" CHECK("status" IN ('ordered', 'collected', 'in_progress', 'resulted', 'reviewed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `lab_orders_patient_id_idx` ON `lab_orders` (`patient_id`);--> statement-breakpoint
CREATE INDEX `lab_orders_status_idx` ON `lab_orders` (`status`);--> statement-breakpoint
CREATE TABLE `lab_results` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`lab_order_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`analyte` text NOT NULL,
	`value` text NOT NULL,
	`unit` text,
	`reference_range` text,
	`flag` text DEFAULT 'normal' NOT NULL,
	`resulted_by` text NOT NULL,
	`resulted_at` text NOT NULL,
	`amends_id` text,
	CONSTRAINT "lab_results_flag_check" CHECK("flag" IN ('normal', 'low', 'high', 'critical_low', 'critical_high', 'abnormal'))
);
--> statement-breakpoint
CREATE INDEX `lab_results_lab_order_id_idx` ON `lab_results` (`lab_order_id`);--> statement-breakpoint
CREATE INDEX `lab_results_patient_id_idx` ON `lab_results` (`patient_id`);--> statement-breakpoint
CREATE TABLE `medical_conditions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`condition` text NOT NULL,
	`icd10_code` text,
	`diagnosed_on` text,
	`status` text DEFAULT 'active' NOT NULL,
	`notes` text,
	CONSTRAINT "medical_conditions_status_check" CHECK("status" IN ('active', 'resolved', 'in_remission'))
);
--> statement-breakpoint
CREATE INDEX `medical_conditions_patient_id_idx` ON `medical_conditions` (`patient_id`);--> statement-breakpoint
CREATE TABLE `medication_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`description` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `medication_categories_name_key` ON `medication_categories` (`name`);--> statement-breakpoint
CREATE TABLE `medication_items` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`generic_name` text,
	`category_id` text NOT NULL,
	`default_supplier_id` text,
	`strength` text NOT NULL,
	`form` text NOT NULL,
	`unit` text DEFAULT 'tablet' NOT NULL,
	`barcode` text,
	`requires_prescription` integer DEFAULT true NOT NULL,
	`reorder_level` integer DEFAULT 10 NOT NULL,
	`unit_price` integer NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	CONSTRAINT "medication_items_form_check" CHECK("form" IN ('tablet', 'capsule', 'syrup', 'suspension', 'injection', 'cream', 'ointment', 'drops', 'inhaler', 'other')),
	CONSTRAINT "medication_items_reorder_level_check" CHECK("reorder_level" >= 0),
	CONSTRAINT "medication_items_unit_price_check" CHECK("unit_price" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `medication_items_name_key` ON `medication_items` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `medication_items_barcode_key` ON `medication_items` (`barcode`);--> statement-breakpoint
CREATE INDEX `medication_items_category_id_idx` ON `medication_items` (`category_id`);--> statement-breakpoint
CREATE INDEX `medication_items_generic_name_idx` ON `medication_items` (`generic_name`);--> statement-breakpoint
CREATE TABLE `note_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`owner_id` text,
	`note_type` text NOT NULL,
	`body` text NOT NULL,
	`is_shared` integer DEFAULT false NOT NULL,
	CONSTRAINT "note_templates_note_type_check" CHECK("note_type" IN ('progress', 'nursing', 'handover', 'discharge', 'procedure', 'encounter'))
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`message` text NOT NULL,
	`notification_type` text NOT NULL,
	`is_read` integer DEFAULT false NOT NULL,
	`related_table` text,
	`related_id` text,
	CONSTRAINT "notifications_notification_type_check" CHECK("notification_type" IN ('info', 'appointment', 'critical_lab', 'low_stock', 'expiry', 'task', 'sync', 'system'))
);
--> statement-breakpoint
CREATE INDEX `notifications_user_id_is_read_idx` ON `notifications` (`user_id`,`is_read`);--> statement-breakpoint
CREATE TABLE `offline_users` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`user_id` text NOT NULL,
	`username` text NOT NULL,
	`verifier` text NOT NULL,
	`role` text NOT NULL,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`grant` text NOT NULL,
	`last_online_login_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offline_users_user_id_key` ON `offline_users` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `offline_users_username_key` ON `offline_users` (`username`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`seq` integer NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`operation` text NOT NULL,
	`payload` text NOT NULL,
	`base_version` integer,
	`author_id` text NOT NULL,
	`hlc` text NOT NULL,
	`device_time` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`outcome` text,
	`reason` text,
	`acked_at` text,
	CONSTRAINT "outbox_operation_check" CHECK("operation" IN ('insert', 'update', 'delete')),
	CONSTRAINT "outbox_status_check" CHECK("status" IN ('pending', 'acked')),
	CONSTRAINT "outbox_outcome_check" CHECK("outcome" IN ('applied', 'merged', 'conflict', 'quarantined'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_seq_key` ON `outbox` (`seq`);--> statement-breakpoint
CREATE INDEX `outbox_status_seq_idx` ON `outbox` (`status`,`seq`);--> statement-breakpoint
CREATE INDEX `outbox_table_name_row_id_idx` ON `outbox` (`table_name`,`row_id`);--> statement-breakpoint
CREATE TABLE `patient_doctor_assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`relationship` text DEFAULT 'primary' NOT NULL,
	`started_on` text NOT NULL,
	`ended_on` text,
	`referral_source` text,
	CONSTRAINT "patient_doctor_assignments_relationship_check" CHECK("relationship" IN ('primary', 'specialist', 'referral', 'temporary'))
);
--> statement-breakpoint
CREATE INDEX `patient_doctor_assignments_patient_id_idx` ON `patient_doctor_assignments` (`patient_id`);--> statement-breakpoint
CREATE INDEX `patient_doctor_assignments_doctor_id_idx` ON `patient_doctor_assignments` (`doctor_id`);--> statement-breakpoint
CREATE TABLE `patient_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`title` text NOT NULL,
	`document_type` text NOT NULL,
	`file_name` text NOT NULL,
	`mime_type` text NOT NULL,
	`size_bytes` integer,
	`sha256` text NOT NULL,
	`uploaded_by` text,
	CONSTRAINT "patient_documents_document_type_check" CHECK("document_type" IN ('lab_report', 'imaging', 'referral_letter', 'consent', 'discharge_summary', 'other')),
	CONSTRAINT "patient_documents_size_bytes_check" CHECK("size_bytes" >= 0)
);
--> statement-breakpoint
CREATE INDEX `patient_documents_patient_id_idx` ON `patient_documents` (`patient_id`);--> statement-breakpoint
CREATE TABLE `patients` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`mrn` text NOT NULL,
	`first_name` text NOT NULL,
	`middle_name` text,
	`last_name` text NOT NULL,
	`date_of_birth` text NOT NULL,
	`gender` text NOT NULL,
	`phone` text,
	`email` text,
	`address` text,
	`national_id` text,
	`blood_group` text,
	`known_allergies` text,
	`next_of_kin_name` text,
	`next_of_kin_phone` text,
	`ward_id` text,
	`merged_into_id` text,
	`consent_sms` integer DEFAULT true NOT NULL,
	`consent_email` integer DEFAULT true NOT NULL,
	CONSTRAINT "patients_gender_check" CHECK("gender" IN ('female', 'male', 'other', 'unknown')),
	CONSTRAINT "patients_blood_group_check" CHECK("blood_group" IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', 'unknown'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patients_mrn_key` ON `patients` (`mrn`);--> statement-breakpoint
CREATE INDEX `patients_last_name_first_name_idx` ON `patients` (`last_name`,`first_name`);--> statement-breakpoint
CREATE INDEX `patients_first_name_idx` ON `patients` (`first_name`);--> statement-breakpoint
CREATE INDEX `patients_phone_idx` ON `patients` (`phone`);--> statement-breakpoint
CREATE INDEX `patients_ward_id_idx` ON `patients` (`ward_id`);--> statement-breakpoint
CREATE INDEX `patients_date_of_birth_idx` ON `patients` (`date_of_birth`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`bill_id` text NOT NULL,
	`amount` integer NOT NULL,
	`method` text NOT NULL,
	`reference` text,
	`received_by` text,
	`paid_at` text NOT NULL,
	`amends_id` text,
	CONSTRAINT "payments_amount_check" CHECK("amount" > 0),
	CONSTRAINT "payments_method_check" CHECK("method" IN ('cash', 'card', 'mobile_money', 'insurance', 'bank_transfer', 'refund'))
);
--> statement-breakpoint
CREATE INDEX `payments_bill_id_idx` ON `payments` (`bill_id`);--> statement-breakpoint
CREATE INDEX `payments_paid_at_idx` ON `payments` (`paid_at`);--> statement-breakpoint
CREATE TABLE `prescriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`prescriber_id` text NOT NULL,
	`medication_item_id` text,
	`medication_name` text NOT NULL,
	`dosage` text NOT NULL,
	`frequency` text NOT NULL,
	`route` text DEFAULT 'oral' NOT NULL,
	`duration_days` integer,
	`quantity` integer,
	`instructions` text,
	`status` text DEFAULT 'active' NOT NULL,
	CONSTRAINT "prescriptions_route_check" CHECK("route" IN ('oral', 'iv', 'im', 'sc', 'topical', 'inhaled', 'rectal', 'other')),
	CONSTRAINT "prescriptions_duration_days_check" CHECK("duration_days" > 0),
	CONSTRAINT "prescriptions_quantity_check" CHECK("quantity" > 0),
	CONSTRAINT "prescriptions_status_check" CHECK("status" IN ('active', 'dispensed', 'partially_dispensed', 'completed', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `prescriptions_patient_id_idx` ON `prescriptions` (`patient_id`);--> statement-breakpoint
CREATE INDEX `prescriptions_encounter_id_idx` ON `prescriptions` (`encounter_id`);--> statement-breakpoint
CREATE INDEX `prescriptions_status_idx` ON `prescriptions` (`status`);--> statement-breakpoint
CREATE TABLE `purchase_order_items` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`purchase_order_id` text NOT NULL,
	`medication_item_id` text NOT NULL,
	`quantity_ordered` integer NOT NULL,
	`unit_cost` integer NOT NULL,
	CONSTRAINT "purchase_order_items_quantity_ordered_check" CHECK("quantity_ordered" > 0),
	CONSTRAINT "purchase_order_items_unit_cost_check" CHECK("unit_cost" >= 0)
);
--> statement-breakpoint
CREATE INDEX `purchase_order_items_purchase_order_id_idx` ON `purchase_order_items` (`purchase_order_id`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
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
	`total_amount` integer DEFAULT 0 NOT NULL,
	`notes` text,
	CONSTRAINT "purchase_orders_status_check" CHECK("status" IN ('draft', 'submitted', 'partially_received', 'received', 'cancelled')),
	CONSTRAINT "purchase_orders_total_amount_check" CHECK("total_amount" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_orders_order_number_key` ON `purchase_orders` (`order_number`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier_id_idx` ON `purchase_orders` (`supplier_id`);--> statement-breakpoint
CREATE TABLE `quarantined_mutations` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`mutation_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`author_id` text,
	`table_name` text NOT NULL,
	`row_id` text,
	`operation` text NOT NULL,
	`payload` text NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`reviewed_by` text,
	`reviewed_at` text,
	CONSTRAINT "quarantined_mutations_status_check" CHECK("status" IN ('open', 'reapplied', 'dismissed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quarantined_mutations_mutation_id_key` ON `quarantined_mutations` (`mutation_id`);--> statement-breakpoint
CREATE INDEX `quarantined_mutations_status_idx` ON `quarantined_mutations` (`status`);--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`referring_doctor_id` text,
	`referring_doctor_details` text,
	`referred_to_doctor_id` text,
	`referred_to_details` text,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`notes` text,
	CONSTRAINT "referrals_status_check" CHECK("status" IN ('pending', 'accepted', 'completed', 'declined', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `referrals_patient_id_idx` ON `referrals` (`patient_id`);--> statement-breakpoint
CREATE TABLE `refetch_marks` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refetch_marks_table_name_row_id_key` ON `refetch_marks` (`table_name`,`row_id`);--> statement-breakpoint
CREATE TABLE `resource_bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`resource_id` text NOT NULL,
	`booked_by` text NOT NULL,
	`patient_id` text,
	`start_time` text NOT NULL,
	`end_time` text NOT NULL,
	`purpose` text,
	`status` text DEFAULT 'booked' NOT NULL,
	CONSTRAINT "resource_bookings_status_check" CHECK("status" IN ('booked', 'cancelled', 'completed')),
	CONSTRAINT "resource_bookings_time_order_check" CHECK("end_time" > "start_time")
);
--> statement-breakpoint
CREATE INDEX `resource_bookings_resource_id_start_time_idx` ON `resource_bookings` (`resource_id`,`start_time`);--> statement-breakpoint
CREATE TABLE `resources` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`resource_type` text NOT NULL,
	`location` text,
	`is_active` integer DEFAULT true NOT NULL,
	CONSTRAINT "resources_resource_type_check" CHECK("resource_type" IN ('operating_room', 'equipment', 'consultation_room', 'imaging', 'other'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resources_name_key` ON `resources` (`name`);--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`description` text,
	CONSTRAINT "roles_name_check" CHECK("name" IN ('admin', 'doctor', 'nurse', 'receptionist', 'pharmacist', 'lab_technician'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_name_key` ON `roles` (`name`);--> statement-breakpoint
CREATE TABLE `secure_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`sender_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`patient_id` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`read_at` text
);
--> statement-breakpoint
CREATE INDEX `secure_messages_recipient_id_idx` ON `secure_messages` (`recipient_id`);--> statement-breakpoint
CREATE INDEX `secure_messages_sender_id_idx` ON `secure_messages` (`sender_id`);--> statement-breakpoint
CREATE TABLE `service_catalog_items` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`unit_price` integer NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	CONSTRAINT "service_catalog_items_category_check" CHECK("category" IN ('consultation', 'laboratory', 'imaging', 'procedure', 'pharmacy', 'bed', 'other')),
	CONSTRAINT "service_catalog_items_unit_price_check" CHECK("unit_price" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_catalog_items_code_key` ON `service_catalog_items` (`code`);--> statement-breakpoint
CREATE TABLE `shape_positions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`table_name` text NOT NULL,
	`handle` text,
	`offset` text,
	`up_to_date_at` text,
	`refetching` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shape_positions_table_name_key` ON `shape_positions` (`table_name`);--> statement-breakpoint
CREATE TABLE `stock_adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`medication_item_id` text NOT NULL,
	`stock_batch_id` text NOT NULL,
	`adjustment_type` text NOT NULL,
	`quantity` integer NOT NULL,
	`reason` text NOT NULL,
	`adjusted_by` text NOT NULL,
	CONSTRAINT "stock_adjustments_adjustment_type_check" CHECK("adjustment_type" IN ('damaged', 'expired', 'count_correction', 'lost', 'returned_to_supplier', 'other')),
	CONSTRAINT "stock_adjustments_quantity_nonzero_check" CHECK("quantity" <> 0)
);
--> statement-breakpoint
CREATE INDEX `stock_adjustments_stock_batch_id_idx` ON `stock_adjustments` (`stock_batch_id`);--> statement-breakpoint
CREATE TABLE `stock_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`medication_item_id` text NOT NULL,
	`batch_number` text NOT NULL,
	`expiry_date` text NOT NULL,
	`supplier_id` text,
	`cost_price` integer,
	`received_on` text,
	`barcode` text,
	CONSTRAINT "stock_batches_cost_price_check" CHECK("cost_price" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stock_batches_medication_item_id_batch_number_key` ON `stock_batches` (`medication_item_id`,`batch_number`);--> statement-breakpoint
CREATE INDEX `stock_batches_expiry_date_idx` ON `stock_batches` (`expiry_date`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`stock_batch_id` text NOT NULL,
	`medication_item_id` text NOT NULL,
	`movement_type` text NOT NULL,
	`quantity` integer NOT NULL,
	`source_table` text,
	`source_id` text,
	`moved_by` text,
	CONSTRAINT "stock_movements_movement_type_check" CHECK("movement_type" IN ('receipt', 'dispense', 'adjustment', 'return', 'transfer')),
	CONSTRAINT "stock_movements_quantity_nonzero_check" CHECK("quantity" <> 0)
);
--> statement-breakpoint
CREATE INDEX `stock_movements_stock_batch_id_idx` ON `stock_movements` (`stock_batch_id`);--> statement-breakpoint
CREATE INDEX `stock_movements_medication_item_id_idx` ON `stock_movements` (`medication_item_id`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`contact_person` text,
	`phone` text,
	`email` text,
	`address` text,
	`is_active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppliers_name_key` ON `suppliers` (`name`);--> statement-breakpoint
CREATE TABLE `surgical_histories` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`procedure` text NOT NULL,
	`performed_on` text,
	`hospital` text,
	`surgeon` text,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `surgical_histories_patient_id_idx` ON `surgical_histories` (`patient_id`);--> statement-breakpoint
CREATE TABLE `sync_conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`field` text,
	`kind` text NOT NULL,
	`local_value` text,
	`server_value` text,
	`provisional_value` text,
	`local_author_id` text,
	`local_workstation_id` text,
	`local_device_time` text,
	`local_hlc` text,
	`server_author_id` text,
	`server_hlc` text,
	`mutation_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolution_value` text,
	`resolved_by` text,
	`resolved_at` text,
	CONSTRAINT "sync_conflicts_kind_check" CHECK("kind" IN ('field', 'delete_update')),
	CONSTRAINT "sync_conflicts_status_check" CHECK("status" IN ('open', 'resolved'))
);
--> statement-breakpoint
CREATE INDEX `sync_conflicts_status_idx` ON `sync_conflicts` (`status`);--> statement-breakpoint
CREATE INDEX `sync_conflicts_table_name_row_id_idx` ON `sync_conflicts` (`table_name`,`row_id`);--> statement-breakpoint
CREATE TABLE `system_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`description` text,
	`category` text DEFAULT 'general' NOT NULL,
	`is_public` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `system_settings_key_key` ON `system_settings` (`key`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`assigned_to` text NOT NULL,
	`patient_id` text,
	`title` text NOT NULL,
	`description` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`due_at` text,
	`completed_at` text,
	CONSTRAINT "tasks_priority_check" CHECK("priority" IN ('low', 'normal', 'high', 'critical')),
	CONSTRAINT "tasks_status_check" CHECK("status" IN ('open', 'in_progress', 'done', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `tasks_assigned_to_status_idx` ON `tasks` (`assigned_to`,`status`);--> statement-breakpoint
CREATE INDEX `tasks_patient_id_idx` ON `tasks` (`patient_id`);--> statement-breakpoint
CREATE TABLE `telemedicine_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`appointment_id` text NOT NULL,
	`scheduled_start` text NOT NULL,
	`video_room_id` text NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`started_at` text,
	`ended_at` text,
	CONSTRAINT "telemedicine_sessions_status_check" CHECK("status" IN ('scheduled', 'in_progress', 'ended', 'cancelled'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemedicine_sessions_video_room_id_key` ON `telemedicine_sessions` (`video_room_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`username` text NOT NULL,
	`email` text,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`role_id` text NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`phone` text,
	`language_preference` text DEFAULT 'en' NOT NULL,
	`preferences` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_key` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_role_id_idx` ON `users` (`role_id`);--> statement-breakpoint
CREATE TABLE `vaccinations` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`vaccine` text NOT NULL,
	`dose_number` integer,
	`administered_on` text NOT NULL,
	`administered_by` text,
	`batch_number` text,
	`next_due_on` text,
	CONSTRAINT "vaccinations_dose_number_check" CHECK("dose_number" > 0)
);
--> statement-breakpoint
CREATE INDEX `vaccinations_patient_id_idx` ON `vaccinations` (`patient_id`);--> statement-breakpoint
CREATE TABLE `vitals` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`recorded_at` text NOT NULL,
	`recorded_by` text NOT NULL,
	`systolic_bp` integer,
	`diastolic_bp` integer,
	`heart_rate` integer,
	`respiratory_rate` integer,
	`temperature_c` real,
	`oxygen_saturation` integer,
	`height_cm` real,
	`weight_kg` real,
	`pain_score` integer,
	`amends_id` text,
	CONSTRAINT "vitals_systolic_bp_check" CHECK("systolic_bp" > 0),
	CONSTRAINT "vitals_diastolic_bp_check" CHECK("diastolic_bp" > 0),
	CONSTRAINT "vitals_heart_rate_check" CHECK("heart_rate" > 0),
	CONSTRAINT "vitals_respiratory_rate_check" CHECK("respiratory_rate" > 0),
	CONSTRAINT "vitals_oxygen_saturation_check" CHECK("oxygen_saturation" >= 0),
	CONSTRAINT "vitals_pain_score_check" CHECK("pain_score" >= 0),
	CONSTRAINT "vitals_spo2_range_check" CHECK("oxygen_saturation" IS NULL OR "oxygen_saturation" <= 100),
	CONSTRAINT "vitals_pain_range_check" CHECK("pain_score" IS NULL OR "pain_score" <= 10),
	CONSTRAINT "vitals_temperature_range_check" CHECK("temperature_c" IS NULL OR ("temperature_c" > 20 AND "temperature_c" < 45))
);
--> statement-breakpoint
CREATE INDEX `vitals_patient_id_recorded_at_idx` ON `vitals` (`patient_id`,`recorded_at`);--> statement-breakpoint
CREATE INDEX `vitals_encounter_id_idx` ON `vitals` (`encounter_id`);--> statement-breakpoint
CREATE TABLE `wards` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`ward_type` text NOT NULL,
	`capacity` integer NOT NULL,
	`floor` text,
	`nurse_in_charge_id` text,
	CONSTRAINT "wards_ward_type_check" CHECK("ward_type" IN ('general', 'maternity', 'paediatric', 'surgical', 'icu', 'emergency', 'isolation')),
	CONSTRAINT "wards_capacity_check" CHECK("capacity" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wards_name_key` ON `wards` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `wards_code_key` ON `wards` (`code`);--> statement-breakpoint
CREATE TABLE `workstation_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workstation_settings_key_key` ON `workstation_settings` (`key`);