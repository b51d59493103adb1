ALTER TABLE "events" DROP CONSTRAINT "events_kind_check";--> statement-breakpoint
ALTER TABLE "service_status" ADD COLUMN "processes_omitted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_status" ADD COLUMN "log_degraded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "service_status" ADD COLUMN "log_lines_dropped" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_kind_check" CHECK ("events"."kind" in ('started', 'exited', 'restarting', 'backoff', 'disabled', 'enabled', 'health-check-failed', 'stopped', 'start-failed', 'daemonized', 'stopping', 'log-write-failed', 'log-write-recovered'));