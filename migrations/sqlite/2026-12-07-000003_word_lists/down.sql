CREATE INDEX report_words_report ON report_words (report_seq);
DROP TABLE report_word_lists;
