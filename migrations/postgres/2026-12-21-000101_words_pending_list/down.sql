SELECT gin_clean_pending_list('report_words_keys'::regclass);
ALTER INDEX report_words_keys SET (fastupdate = off);
ALTER INDEX report_words_keys RESET (gin_pending_list_limit);
