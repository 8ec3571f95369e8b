-- pg_roles.sql: the two working roles of a shared certkiosk registry on PostgreSQL.
--
-- Run as a superuser (or the database owner), connected to the registry's
-- database, AFTER `certctl registry migrate` made the tables as their owner
-- (and again after every later migrate):
--   psql -d certkiosk -f pg_roles.sql
-- README.md ("Sharing the registry: PostgreSQL") has the whole set-up.
--
--   certkiosk_import  imports kiosk exports and status lists, records bundles
--                     (certctl import, revoke, registry bundles). It adds
--                     certificates but can never change or delete one.
--   certkiosk_read    reads only (certctl report, registry show, verify).
-- Both get their passwords (or peer/cert authentication) in pg_hba.conf as
-- your site does it; nothing here logs in as the owner.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'certkiosk_import') THEN
        CREATE ROLE certkiosk_import LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'certkiosk_read') THEN
        CREATE ROLE certkiosk_read LOGIN;
    END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO certkiosk_import, certkiosk_read;
GRANT SELECT ON certkiosk_registry, kiosks, certs, cert_texts, status, bundles
    TO certkiosk_read, certkiosk_import;
-- Certificates: insert only. Witnessed checkpoints, status lists, bundles:
-- insert and update (the newer one replaces the older; the checks are certctl's).
GRANT INSERT ON certs, cert_texts TO certkiosk_import;
GRANT INSERT, UPDATE ON kiosks, status, bundles TO certkiosk_import;
