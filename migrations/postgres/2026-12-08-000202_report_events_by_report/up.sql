-- A report's history is read whole (a few to a few hundred events, sorted by id after) and
-- deleted whole: an index of the report alone serves both, and PostgreSQL keeps each report's
-- entries as one key with a list of row pointers instead of one (report, id) entry per event.
DROP INDEX report_events_report;
CREATE INDEX report_events_report ON report_events (report_id);
