-- 0011: the C-STORE listener answers "is this SOP Instance UID stored already?" from a per-hospital membership filter
-- in memory (apps/api/src/modules/ingest/stored-uid-filter.ts) instead of one index look-up per instance. The filter
-- is loaded from the index (stored_instance_uids, by keyset pages) and kept current by this channel: every commit that
-- adds instances, whoever writes them (any API process, a maintenance script), announces their UIDs. NOTIFY is
-- delivered when the writing transaction commits and never when it rolls back.
--
-- Payload: '<tenant uuid> <uid> <uid> ...' (UIDs hold no spaces), at most about 7000 bytes per notification (the limit
-- is 8000), so a large batch sends several. One statement-level trigger per INSERT statement: a batch of 128 rows is
-- one trigger call, not 128.

CREATE FUNCTION instance_notify_stored() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
AS $$
DECLARE
  r record;
  payload text := NULL;
  payload_tenant uuid := NULL;
BEGIN
  FOR r IN SELECT tenant_id, sop_instance_uid FROM new_instances ORDER BY tenant_id LOOP
    IF payload IS NOT NULL AND (payload_tenant <> r.tenant_id OR length(payload) > 7000) THEN
      PERFORM pg_notify('cruciate_instance_stored', payload);
      payload := NULL;
    END IF;
    IF payload IS NULL THEN
      payload := r.tenant_id::text;
      payload_tenant := r.tenant_id;
    END IF;
    payload := payload || ' ' || r.sop_instance_uid;
  END LOOP;
  IF payload IS NOT NULL THEN
    PERFORM pg_notify('cruciate_instance_stored', payload);
  END IF;
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION instance_notify_stored FROM PUBLIC;
GRANT EXECUTE ON FUNCTION instance_notify_stored TO :"app_role";

CREATE TRIGGER instance_stored_notify AFTER INSERT ON instance
  REFERENCING NEW TABLE AS new_instances
  FOR EACH STATEMENT EXECUTE FUNCTION instance_notify_stored();

-- One page of a hospital's stored SOP Instance UIDs in UID order, after p_after (keyset paging over instance_uid_key).
-- Sets the tenant of its own transaction first, as stored_instance (0010) does; SECURITY INVOKER, so row-level
-- security applies.
CREATE FUNCTION stored_instance_uids(p_tenant uuid, p_after text, p_limit int)
RETURNS TABLE (sop_instance_uid text)
LANGUAGE plpgsql SECURITY INVOKER
AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
    SELECT i.sop_instance_uid
      FROM instance i
     WHERE i.tenant_id = p_tenant AND i.sop_instance_uid > p_after
     ORDER BY i.sop_instance_uid
     LIMIT p_limit;
END
$$;

REVOKE ALL ON FUNCTION stored_instance_uids FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stored_instance_uids TO :"app_role";
