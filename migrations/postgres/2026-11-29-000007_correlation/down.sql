DROP TABLE pdq_index;
DROP TABLE indicator_index;
