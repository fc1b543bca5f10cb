-- FMUs uploaded to a project. The archive itself lives in the data directory under its SHA-256
-- (fmus/<sha256>/, unpacked), so the same FMU uploaded to several projects is stored once while
-- each project has its own row. `summary` is the model description as GET /fmus/{id} shows it.

CREATE TABLE fmus (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  file_name   TEXT NOT NULL,
  size        INTEGER NOT NULL CHECK (size >= 0),
  summary     TEXT NOT NULL CHECK (json_valid(summary) AND json_type(summary) = 'object'),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (project_id, sha256)
);
CREATE INDEX fmus_by_project ON fmus (project_id, id);
CREATE INDEX fmus_by_sha256 ON fmus (sha256);
