// The statements the probe runs. Each works on a primary and on a hot standby (functions that fail
// during recovery sit in CASE branches PostgreSQL only evaluates on a primary).

/** Role, LSNs, timeline and lag in one round trip. */
export const STATE_SQL = `
WITH wr AS (SELECT received_tli, latest_end_lsn FROM pg_stat_wal_receiver LIMIT 1),
rep AS (
  SELECT max(pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END, replay_lsn))::float8 AS lag_bytes,
         max(extract(epoch FROM replay_lag))::float8 AS lag_seconds,
         coalesce(json_agg(json_build_object('name', application_name, 'state', state, 'syncState', sync_state)
                           ORDER BY application_name), '[]') AS standbys
  FROM pg_stat_replication
),
pos AS (
  SELECT pg_is_in_recovery() AS in_recovery,
         CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS lsn,
         -- A promoted server still remembers what it last received: only a standby has a receive LSN.
         CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() END AS receive_lsn
)
SELECT pos.in_recovery,
       current_setting('default_transaction_read_only') = 'on' AS read_only,
       CASE WHEN pos.in_recovery
            THEN coalesce((SELECT received_tli FROM wr), (SELECT timeline_id FROM pg_control_checkpoint()))
            ELSE ('x' || substr(pg_walfile_name(pos.lsn), 1, 8))::bit(32)::int END AS timeline,
       pos.lsn::text AS lsn,
       pos.receive_lsn::text AS receive_lsn,
       CASE WHEN pos.in_recovery
            THEN greatest(0, pg_wal_lsn_diff(greatest((SELECT latest_end_lsn FROM wr), pos.receive_lsn), pos.lsn))::float8
            ELSE (SELECT lag_bytes FROM rep) END AS lag_bytes,
       CASE WHEN pos.in_recovery
            THEN CASE WHEN pos.lsn >= greatest((SELECT latest_end_lsn FROM wr), pos.receive_lsn) THEN 0
                      ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::float8 END
            ELSE (SELECT lag_seconds FROM rep) END AS lag_seconds,
       current_setting('synchronous_standby_names') AS synchronous_standby_names,
       (SELECT standbys FROM rep) AS standbys,
       pg_postmaster_start_time() AS postmaster_started_at,
       EXISTS (SELECT 1 FROM pg_settings WHERE pending_restart) AS pending_restart
FROM pos`;

/** Usage per connectable database; the agent's own backend is not counted. */
export const DATABASE_METRICS_SQL = `
SELECT d.datname AS name,
       pg_database_size(d.oid)::float8 AS size_bytes,
       coalesce(a.active, 0)::int AS active,
       coalesce(a.idle, 0)::int AS idle,
       coalesce(a.idle_in_transaction, 0)::int AS idle_in_transaction,
       coalesce(a.other, 0)::int AS other,
       s.xact_commit::float8 AS xact_commit,
       s.xact_rollback::float8 AS xact_rollback,
       s.blks_read::float8 AS blks_read,
       s.blks_hit::float8 AS blks_hit,
       s.deadlocks::float8 AS deadlocks,
       s.temp_bytes::float8 AS temp_bytes,
       s.stats_reset
FROM pg_database d
JOIN pg_stat_database s ON s.datid = d.oid
LEFT JOIN (
  SELECT datid,
         count(*) FILTER (WHERE state = 'active') AS active,
         count(*) FILTER (WHERE state = 'idle') AS idle,
         count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_transaction,
         count(*) FILTER (WHERE state IS NULL OR state NOT IN ('active', 'idle', 'idle in transaction',
                                                               'idle in transaction (aborted)')) AS other
  FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
  GROUP BY datid
) a ON a.datid = d.oid
WHERE d.datallowconn AND NOT d.datistemplate
ORDER BY d.datname
LIMIT 1000`;

export const ACCEPTS_WRITES_SQL = `
SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off' AS accepts_writes`;
