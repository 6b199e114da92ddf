-- 0004: index many instances in one statement and one commit (STOW-RS batches).
-- p_rows is a JSON array of objects with the parameters of ingest_instance (camelCase keys); the result has one row
-- per element, numbered from 1 in input order. SECURITY INVOKER: row-level security applies (ingest_instance sets the tenant).

CREATE FUNCTION ingest_instances(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (ord int, inserted boolean, instance_id uuid, series_id uuid, study_id uuid, stored_sha256 text)
LANGUAGE plpgsql SECURITY INVOKER
AS $$
DECLARE
  r jsonb;
  n int := 0;
BEGIN
  FOR r IN SELECT value FROM jsonb_array_elements(p_rows) LOOP
    n := n + 1;
    RETURN QUERY
      SELECT n, x.inserted, x.instance_id, x.series_id, x.study_id, x.stored_sha256
        FROM ingest_instance(
          p_tenant,
          r->>'patientKey', r->>'sex', (r->>'birthYear')::int,
          r->>'studyUid', r->>'accession', (r->>'studyDate')::date, r->>'studyTime', r->>'studyDescription',
          r->>'seriesUid', r->>'modality', r->>'seriesDescription', (r->>'seriesNumber')::int, r->>'bodyPart',
          CASE WHEN jsonb_typeof(r->'orientation') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(r->'orientation')::double precision) END,
          r->>'sopInstanceUid', r->>'sopClassUid', (r->>'instanceNumber')::int, (r->>'sliceLocation')::double precision,
          CASE WHEN jsonb_typeof(r->'imagePosition') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(r->'imagePosition')::double precision) END,
          r->>'blobKey', r->>'sha256', (r->>'sizeBytes')::bigint, r->>'transferSyntax', (r->>'rows')::int, (r->>'columns')::int, (r->>'numberOfFrames')::int
        ) AS x;
  END LOOP;
END
$$;

REVOKE ALL ON FUNCTION ingest_instances FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ingest_instances TO :"app_role";
