-- Issue 13, item 4: an admin's opt-in to the weekly summary (`/resume_hebdo`), sent on Monday mornings.
ALTER TABLE users ADD COLUMN weekly_summary BOOLEAN NOT NULL DEFAULT FALSE;
