DROP INDEX audit_events_unsealed;
CREATE INDEX audit_events_unsealed ON audit_events (seq, id);
