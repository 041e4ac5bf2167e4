-- A PDQ hash held by more reports than the threshold is common, as an exact value is: its 32
-- bytes are its key in correlation_common (an exact value's key has 16). The hashes already past
-- the threshold in force are marked so, with their count.
INSERT INTO correlation_common (value_key, shard, count)
SELECT pdq, 16, count(DISTINCT report_seq) FROM correlation_pdq
GROUP BY pdq
HAVING count(DISTINCT report_seq) > (SELECT common_threshold FROM correlation_settings WHERE id = 1);

-- The threshold comes from the settings the server started with, no longer from this table.
DROP TABLE correlation_settings;
