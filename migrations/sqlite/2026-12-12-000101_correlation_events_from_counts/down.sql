-- The event rows again, as the code before wrote them (by the reporting client, at receipt; the
-- id sorts after the report's, so the event follows its receipt).
INSERT INTO report_events (id, report_id, at, actor_id, actor_role, kind, detail)
SELECT r.id || ':correlation', r.id, r.received_at, r.client_id, 'reporter', 'correlation',
  '{"matching_reports":' || c.matching_reports
    || ',"other_organizations":' || c.other_organizations || '}'
FROM reports r JOIN correlation_counts c ON c.report_seq = r.seq
WHERE c.other_organizations > 0
  AND NOT EXISTS (
    SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.kind = 'correlation'
  );
