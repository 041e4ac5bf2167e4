-- Retention: legal holds, the supervisor's release of referred and actioned reports, the time of
-- retraction (when the retracted reports' period starts), and the tombstones purged reports leave.
ALTER TABLE reports ADD COLUMN released_at TIMESTAMP;
ALTER TABLE reports ADD COLUMN retracted_at TIMESTAMP;

UPDATE reports SET retracted_at = (
    SELECT MAX(e.at) FROM report_events e
    WHERE e.report_id = reports.id AND e.kind = 'retraction'
) WHERE status = 'retracted';

-- A report with a row here is on legal hold.
CREATE TABLE report_holds (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    reason TEXT NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    placed_by TEXT NOT NULL REFERENCES users (id)
);

CREATE INDEX reports_closed_retention ON reports (status, closed_at);
CREATE INDEX reports_retracted_retention ON reports (status, retracted_at);
CREATE INDEX reports_released_retention ON reports (released_at);
CREATE INDEX reports_mode_received ON reports (mode, received_at);

-- A purge deletes by report: every table referencing a report needs an index on that column,
-- or each deleted report (and its foreign-key check) scans the whole table.
CREATE INDEX report_words_report ON report_words (report_id);
CREATE INDEX report_evidence_report ON report_evidence (report_id);
CREATE INDEX report_prior_reports_prior ON report_prior_reports (prior_report_id);

-- What is left of a purged report: enough to answer 410 Gone and to recognise its external_id.
-- The evidence files are deleted after the rows; evidence_deleted stays false until they are.
CREATE TABLE report_tombstones (
    report_id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    external_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    purged_at TIMESTAMP NOT NULL,
    policy TEXT NOT NULL,
    evidence_deleted BOOLEAN NOT NULL,
    UNIQUE (organization_id, external_id)
);
CREATE INDEX report_tombstones_evidence ON report_tombstones (evidence_deleted);
