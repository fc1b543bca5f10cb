DROP INDEX bindings_by_endpoint;
DROP INDEX bindings_by_model;
DROP TABLE bindings;
DROP TABLE endpoints;
