-- The plaintext columns come back empty: what was sealed stays sealed.
ALTER TABLE reports DROP COLUMN sealed_referral;
ALTER TABLE reports ADD COLUMN preservation_reference TEXT;
ALTER TABLE reports ADD COLUMN category_other TEXT;
ALTER TABLE reports ADD COLUMN referral_reference TEXT;
ALTER TABLE reports ADD COLUMN referral_agency TEXT;
ALTER TABLE report_holds DROP COLUMN sealed_reason;
ALTER TABLE report_holds ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE report_events DROP COLUMN sealed_detail;
ALTER TABLE report_events DROP COLUMN sealed_reason;
ALTER TABLE report_events ADD COLUMN reason TEXT;
ALTER TABLE report_evidence DROP COLUMN sealed_description;
ALTER TABLE report_evidence ADD COLUMN description TEXT;
DROP TABLE free_text_to_seal;
