CREATE TABLE "account_moves" (
	"account_id" integer PRIMARY KEY NOT NULL,
	"from_host_id" integer NOT NULL,
	"to_host_id" integer NOT NULL,
	"stop_revision" bigint NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_kind_check";--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "account_ceiling" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "draining" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "drain_message" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "service_status" ADD COLUMN "task_limit_hits" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_from_host_id_hosts_id_fk" FOREIGN KEY ("from_host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_to_host_id_hosts_id_fk" FOREIGN KEY ("to_host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_kind_check" CHECK ("events"."kind" in ('started', 'exited', 'restarting', 'backoff', 'disabled', 'enabled', 'health-check-failed', 'stopped', 'start-failed', 'daemonized', 'stopping', 'log-write-failed', 'log-write-recovered', 'task-limit-reached', 'host-down', 'host-up', 'host-down-too-long', 'drain-started', 'account-moved', 'drain-finished'));