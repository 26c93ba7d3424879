ALTER TABLE `sync_conflicts` ADD `server_workstation_id` text;--> statement-breakpoint
ALTER TABLE `sync_conflicts` ADD `local_workstation_name` text;--> statement-breakpoint
ALTER TABLE `sync_conflicts` ADD `server_workstation_name` text;