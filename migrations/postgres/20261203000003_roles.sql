-- Roles live in the database (issue 12): `users.role` is the source of truth, seeded at start-up from
-- ACCEL_ADMINS / ACCEL_TRAINERS and changed by admins in the bot (/formateurs).
--
-- The role column takes three values only (SQLite enforces the same rule with triggers).
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('merchant', 'trainer', 'admin'));

-- Staff who never opened the bot (seeded from the configuration, or granted by their numeric id) get a row with
-- last_seen_at = 0 until their first message; nothing is sent to them before that.
CREATE INDEX users_staff ON users (role) WHERE role <> 'merchant';

-- Several kinds of conversations (composing an announcement, adding a trainer) can be in progress in one chat:
-- dialogues are keyed by (kind, chat_id). Rows in progress are kept as announcements.
ALTER TABLE dialogues ADD COLUMN kind TEXT NOT NULL DEFAULT 'announce';
ALTER TABLE dialogues ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE dialogues DROP CONSTRAINT dialogues_pkey;
ALTER TABLE dialogues ADD PRIMARY KEY (kind, chat_id);
