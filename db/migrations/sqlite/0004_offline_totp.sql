ALTER TABLE `offline_users` ADD `totp_wrapped` text;--> statement-breakpoint
ALTER TABLE `offline_users` ADD `totp_last_step` integer;