DROP INDEX report_counts_unfolded;
DROP TABLE report_counts_monthly;
