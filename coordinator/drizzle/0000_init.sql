CREATE SEQUENCE "public"."desired_state_revision" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"cloud" text NOT NULL,
	"unix_user" text NOT NULL,
	"uid" integer NOT NULL,
	"gid" integer NOT NULL,
	"home" text NOT NULL,
	"environment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"language_versions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_name_unique" UNIQUE("name"),
	CONSTRAINT "accounts_cloud_check" CHECK ("accounts"."cloud" in ('public', 'private')),
	CONSTRAINT "accounts_uid_check" CHECK ("accounts"."uid" >= 0 and "accounts"."gid" >= 0),
	CONSTRAINT "accounts_home_check" CHECK ("accounts"."home" like '/%')
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"scope" text NOT NULL,
	"subject" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_hash_unique" UNIQUE("hash"),
	CONSTRAINT "api_tokens_scope_check" CHECK ("api_tokens"."scope" in ('operator', 'account', 'host')),
	CONSTRAINT "api_tokens_subject_check" CHECK (("api_tokens"."scope" = 'operator') = ("api_tokens"."subject" = '')),
	CONSTRAINT "api_tokens_hash_check" CHECK ("api_tokens"."hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"host" text NOT NULL,
	"account" text NOT NULL,
	"service" text NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"sequence" bigint DEFAULT 0 NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "events_kind_check" CHECK ("events"."kind" in ('started', 'exited', 'restarting', 'backoff', 'disabled', 'enabled', 'health-check-failed', 'stopped', 'start-failed', 'daemonized', 'stopping')),
	CONSTRAINT "events_state_check" CHECK ("events"."state" in ('stopped', 'starting', 'running', 'backoff', 'stopping', 'exited', 'disabled', 'unknown'))
);
--> statement-breakpoint
CREATE TABLE "firewall_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" integer NOT NULL,
	"protocol" text NOT NULL,
	"action" text NOT NULL,
	"direction" text NOT NULL,
	"hosts" text[] DEFAULT '{}'::text[] NOT NULL,
	"ports" text[] DEFAULT '{}'::text[] NOT NULL,
	"ip_version" text NOT NULL,
	"annotation" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "firewall_rules_protocol_check" CHECK ("firewall_rules"."protocol" in ('tcp', 'udp')),
	CONSTRAINT "firewall_rules_action_check" CHECK ("firewall_rules"."action" in ('accept', 'drop')),
	CONSTRAINT "firewall_rules_direction_check" CHECK ("firewall_rules"."direction" in ('in', 'out')),
	CONSTRAINT "firewall_rules_ip_version_check" CHECK ("firewall_rules"."ip_version" in ('ipv4', 'ipv6', 'both'))
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hosts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"pool" text NOT NULL,
	"owner_account_id" integer,
	"capacity" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'down' NOT NULL,
	"cordoned" boolean DEFAULT false NOT NULL,
	"last_seen" timestamp with time zone,
	"agent_version" text DEFAULT '' NOT NULL,
	"revision" bigint DEFAULT nextval('desired_state_revision') NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hosts_name_unique" UNIQUE("name"),
	CONSTRAINT "hosts_pool_check" CHECK ("hosts"."pool" in ('public', 'private')),
	CONSTRAINT "hosts_state_check" CHECK ("hosts"."state" in ('up', 'down')),
	CONSTRAINT "hosts_owner_check" CHECK (("hosts"."pool" = 'private') = ("hosts"."owner_account_id" is not null)),
	CONSTRAINT "hosts_capacity_check" CHECK ("hosts"."capacity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "port_allocations" (
	"account_id" integer NOT NULL,
	"port" integer NOT NULL,
	"service_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "port_allocations_pkey" PRIMARY KEY("account_id","port"),
	CONSTRAINT "port_allocations_port_check" CHECK ("port_allocations"."port" between 8300 and 8499)
);
--> statement-breakpoint
CREATE TABLE "service_status" (
	"service_id" integer PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"main_pid" integer,
	"started_at" timestamp with time zone,
	"restarts" integer DEFAULT 0 NOT NULL,
	"last_exit_code" integer,
	"last_exit_signal" text,
	"last_exit_at" timestamp with time zone,
	"disabled_reason" text DEFAULT '' NOT NULL,
	"processes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"source_host" text NOT NULL,
	"last_event_sequence" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "service_status_state_check" CHECK ("service_status"."state" in ('stopped', 'starting', 'running', 'backoff', 'stopping', 'exited', 'disabled', 'unknown'))
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "services_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"name" text NOT NULL,
	"command" text NOT NULL,
	"working_directory" text DEFAULT '' NOT NULL,
	"environment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"check_health_command" text DEFAULT '' NOT NULL,
	"health_check_interval_ms" integer NOT NULL,
	"health_check_timeout_ms" integer NOT NULL,
	"health_check_grace_ms" integer NOT NULL,
	"stop_signal" text NOT NULL,
	"stop_timeout_ms" integer NOT NULL,
	"annotation" text DEFAULT '' NOT NULL,
	"desired_state" text DEFAULT 'running' NOT NULL,
	"is_disabled" boolean DEFAULT false NOT NULL,
	"disabled_reason" text DEFAULT '' NOT NULL,
	"host_id" integer,
	"revision" bigint DEFAULT nextval('desired_state_revision') NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_account_name_unique" UNIQUE("account_id","name"),
	CONSTRAINT "services_name_check" CHECK ("services"."name" ~ '^[a-z][a-z0-9-]{0,62}$'),
	CONSTRAINT "services_desired_state_check" CHECK ("services"."desired_state" in ('running', 'stopped')),
	CONSTRAINT "services_timings_check" CHECK (least("services"."health_check_interval_ms", "services"."health_check_timeout_ms", "services"."health_check_grace_ms", "services"."stop_timeout_ms") >= 0)
);
--> statement-breakpoint
ALTER TABLE "firewall_rules" ADD CONSTRAINT "firewall_rules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_owner_account_id_accounts_id_fk" FOREIGN KEY ("owner_account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_allocations" ADD CONSTRAINT "port_allocations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_allocations" ADD CONSTRAINT "port_allocations_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_status" ADD CONSTRAINT "service_status_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_at_idx" ON "events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "events_account_at_idx" ON "events" USING btree ("account","at");--> statement-breakpoint
CREATE INDEX "events_service_at_idx" ON "events" USING btree ("account","service","at");--> statement-breakpoint
CREATE INDEX "events_host_at_idx" ON "events" USING btree ("host","at");--> statement-breakpoint
CREATE INDEX "firewall_rules_account_idx" ON "firewall_rules" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "port_allocations_service_idx" ON "port_allocations" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "services_host_idx" ON "services" USING btree ("host_id");