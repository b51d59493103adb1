-- Watchers (WatchEvents streams, on any coordinator replica) learn of new events from a notification
-- sent on commit of any statement that inserts events, instead of polling the table.
CREATE OR REPLACE FUNCTION vigil_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('vigil_events', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION vigil_events_notify();
