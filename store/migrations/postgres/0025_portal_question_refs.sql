-- A portal question's text and its answer are held on the timeline by
-- reference (personal_values). These are the references, so that erasing
-- a person finds the questions about them and overwrites the table's
-- copies; '' for a question asked before, whose event holds its text.
ALTER TABLE portal_questions ADD COLUMN text_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE portal_questions ADD COLUMN answer_ref TEXT NOT NULL DEFAULT '';
