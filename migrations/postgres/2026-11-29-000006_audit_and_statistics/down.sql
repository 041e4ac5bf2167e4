DROP TABLE triage_histogram;
DROP TABLE report_counts;
DROP TABLE audit_events;
