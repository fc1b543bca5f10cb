-- Simulations and their recorded results, so that a run outlives the server process that ran
-- it. `document` is the simulation as the API shows it, without the columns kept apart (id,
-- model_id, created_at). Results are one row per simulation: the recorded times and values as
-- packed little-endian arrays (int64 nanoseconds; float64, row-major), not a row per sample.

CREATE TABLE simulations (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id    INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  state       TEXT NOT NULL
              CHECK (state IN ('created', 'running', 'paused', 'completed', 'stopped', 'failed')),
  document    TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ended_at    TEXT
);
CREATE INDEX simulations_by_model ON simulations (model_id, id);

CREATE TABLE simulation_results (
  simulation_id INTEGER PRIMARY KEY REFERENCES simulations (id) ON DELETE CASCADE,
  encoding      TEXT NOT NULL CHECK (encoding = 'le64'),
  signals       TEXT NOT NULL CHECK (json_valid(signals) AND json_type(signals) = 'array'),
  row_count     INTEGER NOT NULL CHECK (row_count >= 0),
  time_ns       BLOB NOT NULL CHECK (length(time_ns) = 8 * row_count),
  samples       BLOB NOT NULL CHECK (length(samples) = 8 * row_count * json_array_length(signals))
);
