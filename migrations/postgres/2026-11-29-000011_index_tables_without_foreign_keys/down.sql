ALTER TABLE report_words ADD FOREIGN KEY (report_id) REFERENCES reports (id);
ALTER TABLE indicator_index ADD FOREIGN KEY (report_id) REFERENCES reports (id);
ALTER TABLE pdq_index ADD FOREIGN KEY (report_id) REFERENCES reports (id);
