-- Runs once, on an empty data directory: the app's own role and database, apart from Temporal's.
CREATE ROLE clinical LOGIN PASSWORD 'clinical';
CREATE DATABASE clinical_prioritisation OWNER clinical;
