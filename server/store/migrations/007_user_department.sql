-- 007: a staff account may belong to a department (a sở seconding officials,
-- or a department's own staff following its dossiers): its dossier lists
-- show that department's.
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
