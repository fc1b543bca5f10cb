-- Children first, so that no drop has to cascade.
DROP TABLE connections;
DROP TABLE components;
DROP TABLE models;
DROP TABLE projects;
