-- The trainers' loop (issue 13): a trainer answers a merchant's question in the bot; the merchant may write back once.

-- Who answered a question, and when (a trainer's reply); `answered_by` is cleared if that trainer erases their data.
ALTER TABLE questions ADD COLUMN answered_at BIGINT;
ALTER TABLE questions ADD COLUMN answered_by BIGINT;

-- A trainer's reply to a merchant's question, sent through the delivery queue (kind `trainer_reply`, source key =
-- this id). Erased with the question (the merchant erased their data, or the retention purge); a trainer who erases
-- their data leaves the reply anonymous (`trainer_id` and `trainer_name` cleared).
CREATE TABLE trainer_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    trainer_id BIGINT,
    trainer_name TEXT,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    followup_at BIGINT                           -- the merchant wrote back (allowed once)
);
CREATE INDEX trainer_replies_question ON trainer_replies (question_id);

