-- The model entities: projects, their models, and the models' components and connections.
-- Ids use AUTOINCREMENT so that an id is never handed out twice: a URL kept by a client
-- after a delete must not start pointing at a different entity.
-- Timestamps are ISO 8601 UTC with milliseconds, e.g. 2026-11-25T10:46:44.123Z.

CREATE TABLE projects (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE models (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  step_size   REAL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (project_id, name)
);
CREATE INDEX models_by_project ON models (project_id, id);

CREATE TABLE components (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id    INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL,
  parameters  TEXT NOT NULL DEFAULT '{}',
  position_x  REAL,
  position_y  REAL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (model_id, name),
  CHECK ((position_x IS NULL) = (position_y IS NULL)),
  -- Lists copy this text into responses unparsed, so only a JSON object may be stored.
  CHECK (json_valid(parameters) AND json_type(parameters) = 'object')
);
CREATE INDEX components_by_model ON components (model_id, id);

-- An input has at most one driver, hence the uniqueness of the target port.
CREATE TABLE connections (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id            INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  source_component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
  source_port         TEXT NOT NULL,
  target_component_id INTEGER NOT NULL REFERENCES components (id) ON DELETE CASCADE,
  target_port         TEXT NOT NULL,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (target_component_id, target_port)
);
CREATE INDEX connections_by_model ON connections (model_id, id);
CREATE INDEX connections_by_source ON connections (source_component_id);

-- Both ends of a connection are components of the connection's own model.
CREATE TRIGGER connections_within_model
BEFORE INSERT ON connections
WHEN EXISTS (SELECT 1 FROM components
             WHERE id IN (NEW.source_component_id, NEW.target_component_id)
               AND model_id <> NEW.model_id)
BEGIN
  SELECT RAISE(ABORT, 'connection endpoints must be components of its model');
END;
