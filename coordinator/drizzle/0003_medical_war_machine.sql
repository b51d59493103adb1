ALTER TABLE "accounts" ADD COLUMN "limits" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "limits_mode" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "limits_detail" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "service_status" ADD COLUMN "last_exit_reason" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "limits" jsonb DEFAULT '{}'::jsonb NOT NULL;