-- 0008: announce study changes on the study-events channel (libs/contracts STUDY_EVENTS_CHANNEL), from the database
-- itself, so every writer is covered (API ingest, inference worker, maintenance SQL) and nobody has to remember a
-- pg_notify. NOTIFY is delivered when the writing transaction commits and never when it rolls back; each API
-- instance LISTENs on one connection and pushes the event to the GraphQL subscribers of that hospital.
--
-- Fires on: a new study (RECEIVING), and a change of status, priority or AI class (the worklist's order and
-- filters). Ingest's per-instance upsert of a study sets neither column, so the hot path never fires it.
-- The payload is byte-for-byte what an explicit `pg_notify(channel, JSON.stringify({tenantId, studyId, status}))`
-- sends: PostgreSQL folds identical notifications of one transaction into one, so a writer that still notifies
-- explicitly causes no duplicate.

CREATE FUNCTION study_notify_event() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  PERFORM pg_notify('cruciate_study_events', format('{"tenantId":"%s","studyId":"%s","status":"%s"}', NEW.tenant_id, NEW.id, NEW.status));
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION study_notify_event FROM PUBLIC;
GRANT EXECUTE ON FUNCTION study_notify_event TO :"app_role";

CREATE TRIGGER study_event_insert AFTER INSERT ON study
  FOR EACH ROW EXECUTE FUNCTION study_notify_event();

CREATE TRIGGER study_event_update AFTER UPDATE OF status, priority, ai_class ON study
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.ai_class IS DISTINCT FROM NEW.ai_class)
  EXECUTE FUNCTION study_notify_event();
