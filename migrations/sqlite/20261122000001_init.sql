-- Users, questions asked, feedback and curriculum progress.
-- Timestamps are Unix seconds (UTC) so that the same queries run on SQLite and PostgreSQL.
CREATE TABLE users (
    id BIGINT PRIMARY KEY NOT NULL,              -- Telegram user id (= private chat id)
    first_name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'merchant',       -- merchant | trainer | admin (granted in the bot; ACCEL_ADMINS/ACCEL_TRAINERS also apply)
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    blocked BOOLEAN NOT NULL DEFAULT FALSE,      -- the user blocked the bot: nothing is sent until they write again
    reminders_enabled BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    outcome TEXT NOT NULL,                       -- answer | suggest | fallback | smalltalk
    faq_id TEXT,                                 -- best candidate, even when not answered
    score DOUBLE PRECISION,
    forwarded_at BIGINT,                         -- the merchant asked for a trainer to answer
    created_at BIGINT NOT NULL
);
CREATE INDEX questions_outcome_created ON questions (outcome, created_at);
CREATE INDEX questions_user ON questions (user_id);

CREATE TABLE feedback (
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    faq_id TEXT NOT NULL,
    helpful BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);

CREATE TABLE module_progress (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, module_id)
);
