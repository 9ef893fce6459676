-- Daily webinar reminders: the trainers' changes to the default schedule, one fan-out record per session, the
-- onboarding question asked once.

-- A day whose session differs from the default (weekdays at 10:00 except public holidays): a special session
-- (added on any day, holidays included), a cancelled day, or a new title or link. One session per local day.
CREATE TABLE webinar_sessions (
    local_date TEXT PRIMARY KEY NOT NULL,        -- YYYY-MM-DD in ACCEL_TIMEZONE
    start_time TEXT NOT NULL,                    -- HH:MM local time
    title TEXT,                                  -- NULL: the default title
    url TEXT,                                    -- NULL: ACCEL_WEBINAR_URL
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per session whose reminders were fanned out (or skipped because the bot was down until it ended). It is
-- inserted in the transaction that queues the deliveries; its key makes a second scheduler (a restart, a second
-- process on the same PostgreSQL) queue nothing. Deliveries are unique on (kind, source_key = date, chat_id) too.
CREATE TABLE reminder_runs (
    local_date TEXT PRIMARY KEY NOT NULL,
    payload_id BIGINT REFERENCES outbox_payloads (id) ON DELETE SET NULL,
    due_at BIGINT NOT NULL,                      -- when the reminders were meant to leave
    recipients BIGINT NOT NULL DEFAULT 0,
    skipped BOOLEAN NOT NULL DEFAULT FALSE,      -- the session had ended when the bot came back
    created_at BIGINT NOT NULL
);

ALTER TABLE users ADD COLUMN reminders_asked BOOLEAN NOT NULL DEFAULT FALSE;
