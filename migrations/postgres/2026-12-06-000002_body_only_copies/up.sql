-- No normalized copy of what only the body needs (issue 20). A report's accounts, contact
-- handles, content items, locations and indicators are in its sealed body (and its sealed
-- amendments), which the flows that check them open, one report at a time: an amendment
-- (the accounts it may name), an evidence upload (the content item it shows). Nothing else
-- read these copies.
DROP TABLE report_contact_handles;
DROP TABLE report_accounts;
DROP TABLE report_content;
DROP TABLE report_locations;
DROP TABLE report_indicators;

-- The suspected groups stay in a table of their own, for the review list's filter by group:
-- one b-tree of (group code, report seq) that the filter reads by its first column, instead
-- of the 36-character report id with a second index by code. The unique index on `reports.seq`
-- (`reports_seq_key`, made by compact_correlation) leads from a group's entries to their reports.
CREATE TABLE report_group_seqs (
    code TEXT NOT NULL,
    report_seq BIGINT NOT NULL,
    PRIMARY KEY (code, report_seq)
);
INSERT INTO report_group_seqs (code, report_seq)
SELECT g.code, r.seq FROM report_groups g JOIN reports r ON r.id = g.report_id;
DROP TABLE report_groups;
ALTER TABLE report_group_seqs RENAME TO report_groups;
ALTER INDEX report_group_seqs_pkey RENAME TO report_groups_pkey;

-- The retention indexes held every report, though only a closed, retracted or released one
-- has the time each orders by, and the assignee index every report, though most have none at
-- any moment: partial now (a purge's `closed_at <= ...`, the review list's `assignee_id = ...`
-- imply the column is set, so they still read them).
DROP INDEX reports_assignee_id;
CREATE INDEX reports_assignee_id ON reports (assignee_id, id) WHERE assignee_id IS NOT NULL;
DROP INDEX reports_closed_retention;
CREATE INDEX reports_closed_retention ON reports (status, closed_at) WHERE closed_at IS NOT NULL;
DROP INDEX reports_retracted_retention;
CREATE INDEX reports_retracted_retention ON reports (status, retracted_at)
    WHERE retracted_at IS NOT NULL;
DROP INDEX reports_released_retention;
CREATE INDEX reports_released_retention ON reports (released_at) WHERE released_at IS NOT NULL;
