-- A report's `correlation` timeline event (it shares indicators with earlier reports of other
-- organizations) is told by its `correlation_counts` row, written in the same transaction with
-- the same counts, instead of a row of its own: the review detail shows it at the report's
-- `received_at`. Rows whose counts agree with the report's are deleted; any other stays shown.
DELETE FROM report_events
WHERE kind = 'correlation'
  AND EXISTS (
    SELECT 1 FROM reports r JOIN correlation_counts c ON c.report_seq = r.seq
    WHERE r.id = report_events.report_id
      AND c.other_organizations > 0
      AND report_events.detail = '{"matching_reports":' || c.matching_reports
        || ',"other_organizations":' || c.other_organizations || '}'
  );
