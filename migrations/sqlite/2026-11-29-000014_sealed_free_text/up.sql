-- Free text about a report outside its body is sealed under the report's data key, as the body
-- is: evidence descriptions, the reasons on the timeline (transition, retraction, hold, release),
-- a transition's detail (it names the referral), the legal hold's reason and the referral's
-- agency and reference. SQL cannot seal, so each existing text is set aside in
-- `free_text_to_seal`, its plaintext column dropped, and the server seals the texts set aside
-- into the new `sealed_*` columns as soon as the migrations have run, before it serves
-- (`store::sealed::seal_set_aside`), removing each from `free_text_to_seal` as it does.
-- `category_other` and `preservation_reference` are only dropped: every read takes them from
-- the sealed body, which holds them.
CREATE TABLE free_text_to_seal (
    field TEXT NOT NULL,
    row_id TEXT NOT NULL,
    report_id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (field, row_id)
);

INSERT INTO free_text_to_seal (field, row_id, report_id, text)
SELECT 'evidence_description', id, report_id, description FROM report_evidence
WHERE description IS NOT NULL;
INSERT INTO free_text_to_seal (field, row_id, report_id, text)
SELECT 'event_reason', id, report_id, reason FROM report_events WHERE reason IS NOT NULL;
INSERT INTO free_text_to_seal (field, row_id, report_id, text)
SELECT 'event_detail', id, report_id, detail FROM report_events
WHERE kind = 'transition' AND detail IS NOT NULL;
INSERT INTO free_text_to_seal (field, row_id, report_id, text)
SELECT 'hold_reason', report_id, report_id, reason FROM report_holds;
INSERT INTO free_text_to_seal (field, row_id, report_id, text)
SELECT 'referral', id, id, json_object('agency', referral_agency, 'reference', referral_reference)
FROM reports WHERE referral_agency IS NOT NULL AND referral_reference IS NOT NULL;

UPDATE report_events SET detail = NULL WHERE kind = 'transition';
ALTER TABLE report_evidence DROP COLUMN description;
ALTER TABLE report_evidence ADD COLUMN sealed_description TEXT;
ALTER TABLE report_events DROP COLUMN reason;
ALTER TABLE report_events ADD COLUMN sealed_reason TEXT;
ALTER TABLE report_events ADD COLUMN sealed_detail TEXT;
ALTER TABLE report_holds DROP COLUMN reason;
ALTER TABLE report_holds ADD COLUMN sealed_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE reports DROP COLUMN referral_agency;
ALTER TABLE reports DROP COLUMN referral_reference;
ALTER TABLE reports DROP COLUMN category_other;
ALTER TABLE reports DROP COLUMN preservation_reference;
ALTER TABLE reports ADD COLUMN sealed_referral TEXT;
