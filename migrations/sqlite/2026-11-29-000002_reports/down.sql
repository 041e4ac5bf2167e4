DROP TABLE report_prior_reports;
DROP TABLE report_indicators;
DROP TABLE report_groups;
DROP TABLE report_locations;
DROP TABLE report_content;
DROP TABLE report_contact_handles;
DROP TABLE report_accounts;
DROP TABLE reports;
