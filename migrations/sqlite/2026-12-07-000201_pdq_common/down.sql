CREATE TABLE correlation_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    common_threshold INTEGER NOT NULL
);
INSERT INTO correlation_settings (id, common_threshold) VALUES (1, 2000);

DELETE FROM correlation_common WHERE length(value_key) = 32;
