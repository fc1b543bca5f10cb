-- Hardware in the loop: OPC UA servers (a PLC, say) that a project's simulations connect to as
-- clients, and the bindings of a model's signals to nodes of those servers. A binding keeps its
-- endpoint: an endpoint that bindings use cannot be deleted (the API answers 409). NO ACTION,
-- not RESTRICT: it is checked at the end of the statement, so deleting a project, which
-- cascades to its models' bindings and to its endpoints, works in any order.

CREATE TABLE endpoints (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id       INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name             TEXT NOT NULL CHECK (length(name) > 0),
  url              TEXT NOT NULL,
  security_mode    TEXT NOT NULL CHECK (security_mode IN ('None')),
  security_policy  TEXT NOT NULL CHECK (security_policy IN ('None')),
  username         TEXT,
  password         TEXT,
  connect_timeout  REAL NOT NULL CHECK (connect_timeout > 0),
  request_timeout  REAL NOT NULL CHECK (request_timeout > 0),
  exchange_period  REAL CHECK (exchange_period IS NULL OR exchange_period > 0),
  fault_policy     TEXT NOT NULL CHECK (fault_policy IN ('hold', 'pause', 'fail')),
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (project_id, name)
);

CREATE TABLE bindings (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id     INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  endpoint_id  INTEGER NOT NULL REFERENCES endpoints (id),
  signal       TEXT NOT NULL,
  node_id      TEXT NOT NULL,
  direction    TEXT NOT NULL CHECK (direction IN ('read', 'write')),
  scale        REAL NOT NULL DEFAULT 1,
  "offset"     REAL NOT NULL DEFAULT 0,
  data_type    TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX bindings_by_model ON bindings (model_id, id);
CREATE INDEX bindings_by_endpoint ON bindings (endpoint_id);
