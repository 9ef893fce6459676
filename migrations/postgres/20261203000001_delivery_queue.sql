-- The durable outbox: everything the bot sends that is not a direct reply (announcements, notes to trainers,
-- later the daily reminders) is a delivery row, sent by the delivery worker.

-- What is sent: Telegram HTML (checked by a preview before it is queued) and an optional link button.
CREATE TABLE outbox_payloads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text TEXT NOT NULL,
    button_label TEXT,
    button_url TEXT,
    created_at BIGINT NOT NULL
);

-- A trainer's announcement, from draft to report.
CREATE TABLE announcements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id BIGINT NOT NULL,
    payload_id BIGINT NOT NULL REFERENCES outbox_payloads (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'draft',        -- draft | scheduled | sending | done | stopped | cancelled
    audience TEXT,                               -- all | reminders | chapter:<id>
    send_at BIGINT,                              -- when the deliveries become due
    recipients BIGINT NOT NULL DEFAULT 0,
    progress_message_id BIGINT,                  -- the author's progress message, edited while it goes out
    progress_at BIGINT,                          -- last edit of that message
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT
);
CREATE INDEX announcements_status ON announcements (status, created_at);

-- One message to one chat. (kind, source_key, chat_id) is unique: one delivery per announcement and chat, per
-- forwarded question and trainer, and for reminders per day and chat, whatever restarts or double taps happen.
CREATE TABLE deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,                          -- announcement | trainer_note | reminder
    source_key TEXT NOT NULL,                    -- the announcement id, question id, or reminder date
    chat_id BIGINT NOT NULL,
    payload_id BIGINT NOT NULL REFERENCES outbox_payloads (id) ON DELETE CASCADE,
    announcement_id BIGINT REFERENCES announcements (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending',      -- pending | sent | unreachable | failed | cancelled
    attempts INTEGER NOT NULL DEFAULT 0,         -- sends tried that failed transiently
    next_attempt_at BIGINT NOT NULL,             -- not claimed before this (schedule, retry_after, backoff)
    lease_until BIGINT,                          -- claimed by a worker until then; re-claimable after
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    UNIQUE (kind, source_key, chat_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_announcement ON deliveries (announcement_id, status);

-- Conversations in progress (teloxide dialogues), so that a restart mid-composition loses nothing.
CREATE TABLE dialogues (
    chat_id BIGINT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,                         -- JSON
    updated_at BIGINT NOT NULL
);
