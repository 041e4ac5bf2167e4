-- A report's history is read whole (a few to a few hundred events, sorted by id after) and
-- deleted whole: an index of the report alone serves both, without a copy of each event's id.
DROP INDEX report_events_report;
CREATE INDEX report_events_report ON report_events (report_id);
