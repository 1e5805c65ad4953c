-- aigen database schema. Applied at start-up; PRAGMA user_version holds the
-- number of the last step applied. Append new steps at the end as
-- "-- step N: why", never edit a step that has shipped.

-- step 1: generations and the images they produced
CREATE TABLE generations (
  id              TEXT PRIMARY KEY,
  backend         TEXT NOT NULL,
  prompt          TEXT NOT NULL,
  negative_prompt TEXT NOT NULL DEFAULT '',
  width           INTEGER NOT NULL CHECK (width > 0),
  height          INTEGER NOT NULL CHECK (height > 0),
  n               INTEGER NOT NULL CHECK (n BETWEEN 1 AND 10),
  seed            INTEGER,                      -- as requested; NULL: backend's choice
  status          TEXT NOT NULL
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  error_code      TEXT,
  error_message   TEXT,
  client_ip       TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,             -- unix seconds
  started_at      INTEGER,
  finished_at     INTEGER,
  expires_at      INTEGER                       -- NULL: kept until deleted
) STRICT;

CREATE INDEX generations_expires ON generations (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX generations_status ON generations (status);

CREATE TABLE images (
  id             TEXT PRIMARY KEY,
  generation_id  TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  file           TEXT NOT NULL,                 -- relative to <data>/images
  thumb          TEXT NOT NULL,                 -- relative to <data>/thumbs
  format         TEXT NOT NULL CHECK (format IN ('png', 'jpeg')),
  width          INTEGER NOT NULL,
  height         INTEGER NOT NULL,
  bytes          INTEGER NOT NULL,
  seed           INTEGER,
  revised_prompt TEXT NOT NULL DEFAULT '',
  missing        INTEGER NOT NULL DEFAULT 0,    -- 1: the start-up sweep found no file
  created_at     INTEGER NOT NULL,
  UNIQUE (generation_id, position)
) STRICT;

CREATE INDEX images_generation ON images (generation_id);
CREATE INDEX images_file ON images (file);
CREATE INDEX images_thumb ON images (thumb);
