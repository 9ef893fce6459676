-- PostgreSQL for several replicas: one role, one database; the bot applies its own migrations at start
-- (`accelerateur migrate` does it alone). Run as the postgres superuser:
--   sudo -u postgres psql -v password="'$(openssl rand -hex 24)'" -f postgres-setup.sql
-- then put the same password in DATABASE_URL (accelerateur.env).
-- Connections: each replica opens at most 16; keep max_connections above 16 x replicas + your own tools.

CREATE ROLE accelerateur LOGIN PASSWORD :password;
CREATE DATABASE accelerateur OWNER accelerateur ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE accelerateur FROM PUBLIC;
\connect accelerateur
-- PostgreSQL 15+ no longer lets every role create in the public schema; the owner needs it.
ALTER SCHEMA public OWNER TO accelerateur;
