DROP INDEX fmus_by_sha256;
DROP INDEX fmus_by_project;
DROP TABLE fmus;
