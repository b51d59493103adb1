CREATE TABLE "account_addresses" (
	"host_id" integer NOT NULL,
	"account_id" integer NOT NULL,
	"prefix" text NOT NULL,
	"address_index" integer NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_addresses_pkey" PRIMARY KEY("host_id","account_id"),
	CONSTRAINT "account_addresses_host_index_key" UNIQUE("host_id","address_index"),
	CONSTRAINT "account_addresses_index_check" CHECK ("account_addresses"."address_index" between 1 and 4194302)
);
--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "account_address_prefix" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "network_problem" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_addresses" ADD CONSTRAINT "account_addresses_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_addresses" ADD CONSTRAINT "account_addresses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;