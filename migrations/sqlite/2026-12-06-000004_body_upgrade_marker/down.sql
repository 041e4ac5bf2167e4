DROP TABLE IF EXISTS body_upgrade_marker;
