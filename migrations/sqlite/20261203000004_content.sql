-- The content (FAQ, curriculum, lexicon, calibration) lives in the database from now on: imported from the copy
-- embedded in the binary (or ACCEL_FAQ_DIR) into an empty database, then changed by `faq import` and by admins.

-- Every content file but the entries: curriculum.toml, lexicon.toml, calibration/*, and for each chapter file
-- (boutique.toml...) its preamble, the text before its first [[entry]].
CREATE TABLE content_files (
    path TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);

-- One FAQ entry: its TOML block as written in its chapter file, and its place in that file.
CREATE TABLE faq_entries (
    id TEXT PRIMARY KEY NOT NULL,
    chapter TEXT NOT NULL,
    position BIGINT NOT NULL,
    body TEXT NOT NULL
);

-- Every change: who, when, the text before and after (NULL: absent). kind is 'entry' (item = entry id) or 'file'
-- (item = path).
CREATE TABLE content_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    author TEXT NOT NULL,
    at BIGINT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX content_revisions_by_item ON content_revisions (kind, item, id);

-- Bumped by every change; each process polls it and rebuilds its index when it moves.
CREATE TABLE content_version (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (singleton, version) VALUES (1, 0);
