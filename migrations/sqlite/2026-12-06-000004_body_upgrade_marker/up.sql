-- A marker that the bodies may still need `store::reports::upgrade_bodies` (bodies stored as
-- base64 text before `compact_storage`): it looks for them once, at the first start after this
-- migration, and drops the marker, so that later starts look only for the marker, not through
-- every report.
CREATE TABLE body_upgrade_marker (id INTEGER PRIMARY KEY);
