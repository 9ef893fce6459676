-- Roles live in the database (issue 12): `users.role` is the source of truth, seeded at start-up from
-- ACCEL_ADMINS / ACCEL_TRAINERS and changed by admins in the bot (/formateurs).
--
-- The role column takes three values only. SQLite cannot add a CHECK constraint to an existing table without
-- rebuilding it, and rebuilding `users` would cascade-delete every row that references it (foreign keys are on);
-- two triggers enforce the same rule on every insert and update instead.
CREATE TRIGGER users_role_check_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('merchant', 'trainer', 'admin')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: users.role must be merchant, trainer or admin');
END;

CREATE TRIGGER users_role_check_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('merchant', 'trainer', 'admin')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: users.role must be merchant, trainer or admin');
END;

-- Staff who never opened the bot (seeded from the configuration, or granted by their numeric id) get a row with
-- last_seen_at = 0 until their first message; nothing is sent to them before that.
CREATE INDEX users_staff ON users (role) WHERE role <> 'merchant';

-- Several kinds of conversations (composing an announcement, adding a trainer) can be in progress in one chat:
-- dialogues are keyed by (kind, chat_id). Rows in progress are kept as announcements.
CREATE TABLE dialogues_by_kind (
    kind TEXT NOT NULL,
    chat_id BIGINT NOT NULL,
    state TEXT NOT NULL,                         -- JSON
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, chat_id)
);
INSERT INTO dialogues_by_kind (kind, chat_id, state, updated_at) SELECT 'announce', chat_id, state, updated_at FROM dialogues;
DROP TABLE dialogues;
ALTER TABLE dialogues_by_kind RENAME TO dialogues;
