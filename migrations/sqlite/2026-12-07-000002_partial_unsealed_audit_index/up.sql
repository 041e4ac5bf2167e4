-- The sealer reads the audit events not yet sealed (`seq IS NULL`), oldest first: an index of
-- those alone, instead of one of every event by `seq` (the unique index on `seq` already serves
-- the reads of the sealed chain by position). Sealed within seconds, so it stays near empty.
DROP INDEX audit_events_unsealed;
CREATE INDEX audit_events_unsealed ON audit_events (id) WHERE seq IS NULL;
