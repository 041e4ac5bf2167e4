DROP TABLE report_evidence;
DROP TABLE report_keys;
DROP TABLE report_amendments;
