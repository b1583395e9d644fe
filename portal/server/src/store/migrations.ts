// Versioned schema migrations, applied in order at start. Never edit a shipped migration: add one.
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sessions (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz
);
CREATE TABLE pairs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  endpoint_host text NOT NULL,
  endpoint_port integer NOT NULL,
  witness jsonb,
  admin_username text NOT NULL,
  admin_password_sealed bytea NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE nodes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  name text NOT NULL,
  address text NOT NULL,
  port integer NOT NULL,
  agent_port integer NOT NULL,
  agent_token_hash bytea NOT NULL UNIQUE,
  UNIQUE (pair_id, name)
);
CREATE TABLE node_state (
  node_id uuid PRIMARY KEY REFERENCES nodes ON DELETE CASCADE,
  sampled_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  role text NOT NULL,
  writable boolean NOT NULL,
  fenced boolean NOT NULL,
  sync_state text NOT NULL,
  timeline integer,
  lsn text,
  lag_bytes bigint,
  lag_seconds double precision,
  pending_restart boolean NOT NULL
);
CREATE TABLE seen_reports (
  report_id uuid PRIMARY KEY,
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX seen_reports_received_at ON seen_reports (received_at);
CREATE TABLE state_samples (
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  sampled_at timestamptz NOT NULL,
  role text NOT NULL,
  writable boolean NOT NULL,
  fenced boolean NOT NULL,
  sync_state text NOT NULL,
  lag_bytes bigint,
  lag_seconds double precision
);
CREATE INDEX state_samples_node_time ON state_samples (node_id, sampled_at);
CREATE TABLE database_samples (
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  database_name text NOT NULL,
  sampled_at timestamptz NOT NULL,
  size_bytes bigint NOT NULL,
  connections integer NOT NULL,
  xact_commit bigint NOT NULL,
  xact_rollback bigint NOT NULL,
  blks_read bigint NOT NULL,
  blks_hit bigint NOT NULL,
  deadlocks bigint NOT NULL,
  temp_bytes bigint NOT NULL,
  stats_reset_at timestamptz
);
CREATE INDEX database_samples_node_db_time ON database_samples (node_id, database_name, sampled_at);
CREATE TABLE database_latest (
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  database_name text NOT NULL,
  sampled_at timestamptz NOT NULL,
  metrics jsonb NOT NULL,
  PRIMARY KEY (node_id, database_name)
);
-- Hourly roll-ups keep reports cheap once raw samples are pruned.
CREATE TABLE state_rollups (
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  bucket timestamptz NOT NULL,
  samples integer NOT NULL,
  writable_samples integer NOT NULL,
  degraded_samples integer NOT NULL,
  max_lag_bytes bigint,
  max_lag_seconds double precision,
  PRIMARY KEY (node_id, bucket)
);
CREATE TABLE database_rollups (
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  database_name text NOT NULL,
  bucket timestamptz NOT NULL,
  first_sampled_at timestamptz NOT NULL,
  last_sampled_at timestamptz NOT NULL,
  size_bytes bigint NOT NULL,
  max_connections integer NOT NULL,
  commits bigint NOT NULL,
  rollbacks bigint NOT NULL,
  blks_read bigint NOT NULL,
  blks_hit bigint NOT NULL,
  deadlocks bigint NOT NULL,
  temp_bytes bigint NOT NULL,
  PRIMARY KEY (node_id, database_name, bucket)
);
CREATE TABLE pair_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  node_name text,
  type text NOT NULL,
  message text NOT NULL,
  occurred_at timestamptz NOT NULL,
  duration_ms integer,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX pair_events_pair_time ON pair_events (pair_id, occurred_at DESC);
CREATE TABLE agent_commands (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  node_id uuid NOT NULL REFERENCES nodes ON DELETE CASCADE,
  type text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'delivered', 'succeeded', 'failed')),
  requested_at timestamptz NOT NULL DEFAULT now(),
  requested_by uuid REFERENCES users ON DELETE SET NULL,
  delivered_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  message text
);
CREATE INDEX agent_commands_open ON agent_commands (node_id) WHERE state = 'pending';
CREATE TABLE databases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  name text NOT NULL,
  owner text NOT NULL,
  created_by uuid REFERENCES users ON DELETE SET NULL,
  state text NOT NULL CHECK (state IN ('active', 'deleted')),
  settings jsonb NOT NULL DEFAULT '{}',
  connection_limit integer NOT NULL DEFAULT -1,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX databases_active_name ON databases (pair_id, name) WHERE state = 'active';
CREATE TABLE access_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  database_id uuid NOT NULL REFERENCES databases ON DELETE CASCADE,
  requester_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  level text NOT NULL CHECK (level IN ('read_only', 'read_write')),
  reason text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'revoked', 'expired')),
  role_name text,
  expires_at timestamptz,
  decided_by uuid REFERENCES users ON DELETE SET NULL,
  decided_at timestamptz,
  decision_note text,
  credentials_sealed bytea,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE audit_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id uuid,
  actor text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
`,
  },
  {
    version: 2,
    name: "automatic rejoin state per node",
    sql: `ALTER TABLE node_state ADD COLUMN heal_state text NOT NULL DEFAULT 'none';`,
  },
  {
    version: 3,
    name: "pair CA certificate",
    sql: "ALTER TABLE pairs ADD COLUMN ca_certificate text",
  },
  {
    version: 4,
    name: "node state since",
    // When a node's role (or writable/fenced) and its sync state last changed, so a degraded pair
    // can say since when. Existing rows start from their current sample.
    sql: `
ALTER TABLE node_state ADD COLUMN role_since timestamptz, ADD COLUMN sync_state_since timestamptz;
UPDATE node_state SET role_since = sampled_at, sync_state_since = sampled_at;
ALTER TABLE node_state ALTER COLUMN role_since SET NOT NULL, ALTER COLUMN sync_state_since SET NOT NULL;
`,
  },
  {
    version: 5,
    name: "backup inventory, command parameters and backup schedule runs",
    sql: `
CREATE TABLE backup_inventory (
  pair_id uuid PRIMARY KEY REFERENCES pairs ON DELETE CASCADE,
  node_name text NOT NULL,
  sampled_at timestamptz NOT NULL,
  inventory jsonb NOT NULL
);
ALTER TABLE agent_commands ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}';
CREATE INDEX agent_commands_pair_type ON agent_commands (pair_id, type, requested_at DESC);
CREATE TABLE backup_schedule_runs (
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('full', 'differential')),
  last_due_at timestamptz NOT NULL,
  PRIMARY KEY (pair_id, kind)
);
`,
  },
  {
    version: 6,
    name: "rotated access grants: the previous role and when its logins end",
    // A rotation hands out a new role and leaves the previous one able to log in until
    // previous_valid_until (its VALID UNTIL), so clients switch without a failed connection.
    sql: "ALTER TABLE access_requests ADD COLUMN previous_role_name text, ADD COLUMN previous_valid_until timestamptz",
  },
  {
    version: 7,
    name: "alert webhooks: endpoints, a delivery outbox filled by a trigger on pair events, disk crossings",
    // The trigger enqueues in the transaction that inserts the event, whatever code path inserts it:
    // an event without its deliveries (or the reverse) cannot be committed. (endpoint, event) is
    // unique, so an event alerts each endpoint exactly once. The payload is a snapshot: a delivery
    // still says what happened when the pair is renamed or deleted meanwhile.
    sql: `
CREATE TABLE alert_endpoints (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  kinds text[] NOT NULL,
  pair_id uuid REFERENCES pairs ON DELETE CASCADE,
  secret_sealed bytea NOT NULL,
  created_by uuid REFERENCES users ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE alert_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  endpoint_id uuid NOT NULL REFERENCES alert_endpoints ON DELETE CASCADE,
  event_id uuid NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  next_attempt_at timestamptz DEFAULT now(),
  claimed_until timestamptz,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX alert_deliveries_created ON alert_deliveries (created_at DESC);
CREATE TABLE node_disk_alerts (
  node_id uuid PRIMARY KEY REFERENCES nodes ON DELETE CASCADE,
  high boolean NOT NULL,
  sampled_at timestamptz NOT NULL
);
CREATE FUNCTION pgaas_alert_kind(event_type text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE event_type
    WHEN 'failover' THEN 'failover'
    WHEN 'sync_degraded' THEN 'degraded'
    WHEN 'fenced' THEN 'fenced'
    WHEN 'superseded_fenced' THEN 'fenced'
    WHEN 'awaiting_decision' THEN 'fenced'
    WHEN 'backup_failed' THEN 'backup_failed'
    WHEN 'disk_usage_high' THEN 'disk_usage'
  END
$$;
CREATE FUNCTION pgaas_enqueue_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  alert_kind text := pgaas_alert_kind(NEW.type);
BEGIN
  IF alert_kind IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO alert_deliveries (endpoint_id, event_id, kind, payload)
  SELECT e.id, NEW.id, alert_kind, jsonb_build_object(
      'kind', alert_kind,
      'pair', jsonb_build_object('id', p.id, 'name', p.name),
      'event', jsonb_build_object(
        'id', NEW.id, 'type', NEW.type, 'nodeName', NEW.node_name, 'message', NEW.message,
        'occurredAt', to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'details', NEW.details))
    FROM alert_endpoints e JOIN pairs p ON p.id = NEW.pair_id
   WHERE alert_kind = ANY (e.kinds) AND (e.pair_id IS NULL OR e.pair_id = NEW.pair_id)
  ON CONFLICT (endpoint_id, event_id) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER pair_events_enqueue_alerts AFTER INSERT ON pair_events
  FOR EACH ROW EXECUTE FUNCTION pgaas_enqueue_alerts();
`,
  },
  {
    version: 8,
    name: "restores of one database: restoring/restore_failed records, their source and target, the deletion point",
    // A restore's record exists from the request on (state restoring) and holds its name against a
    // second create; a failed one keeps why. deleted_lsn is the WAL position at the deletion, kept
    // with deleted_at so the deleted database's last state stays findable while retention allows.
    sql: `
ALTER TABLE databases DROP CONSTRAINT databases_state_check;
ALTER TABLE databases ADD CONSTRAINT databases_state_check
  CHECK (state IN ('active', 'deleted', 'restoring', 'restore_failed'));
DROP INDEX databases_active_name;
CREATE UNIQUE INDEX databases_live_name ON databases (pair_id, name) WHERE state IN ('active', 'restoring');
ALTER TABLE databases
  ADD COLUMN deleted_lsn pg_lsn,
  ADD COLUMN restored_from uuid REFERENCES databases ON DELETE SET NULL,
  ADD COLUMN restore_target timestamptz,
  ADD COLUMN restore_command_id uuid REFERENCES agent_commands ON DELETE SET NULL,
  ADD COLUMN error text;
`,
  },
  {
    version: 9,
    name: "audit log: failure reasons, a stable page order and filter indexes",
    // A failed action keeps the error code and message its caller got. Pages run newest first by
    // (at, id): equal instants still have one order, so a cursor neither skips nor repeats entries.
    sql: `
ALTER TABLE audit_log ADD COLUMN failure_code text, ADD COLUMN failure_message text;
DROP INDEX audit_log_at;
CREATE INDEX audit_log_at_id ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC);
`,
  },
  {
    version: 10,
    name: "state roll-ups: seconds with a writable primary",
    // Uptime beyond the raw window needs the seconds a writable, unfenced primary vouched for in each
    // hour (report-uptime.ts). Older roll-ups kept only sample counts: they get the estimate of one
    // report interval (2 s) per writable sample, at most the hour.
    sql: `
ALTER TABLE state_rollups ADD COLUMN up_seconds double precision NOT NULL DEFAULT 0;
UPDATE state_rollups SET up_seconds = least(3600, writable_samples * 2);
`,
  },
  {
    version: 11,
    name: "restore checks: their daily schedule's clock, alert kind restore_check_failed",
    // The alert mapping of migration 7 plus the new kind; the trigger calls the function, so it follows.
    sql: `
ALTER TABLE backup_schedule_runs DROP CONSTRAINT backup_schedule_runs_kind_check;
ALTER TABLE backup_schedule_runs ADD CONSTRAINT backup_schedule_runs_kind_check
  CHECK (kind IN ('full', 'differential', 'restore_check'));
CREATE OR REPLACE FUNCTION pgaas_alert_kind(event_type text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE event_type
    WHEN 'failover' THEN 'failover'
    WHEN 'sync_degraded' THEN 'degraded'
    WHEN 'fenced' THEN 'fenced'
    WHEN 'superseded_fenced' THEN 'fenced'
    WHEN 'awaiting_decision' THEN 'fenced'
    WHEN 'backup_failed' THEN 'backup_failed'
    WHEN 'restore_check_failed' THEN 'restore_check_failed'
    WHEN 'disk_usage_high' THEN 'disk_usage'
  END
$$;
`,
  },
  {
    version: 12,
    name: "alert endpoints: the previous signing secret during a rotation's overlap",
    // Receivers switch to a new secret on their own schedule: until previous_secret_until, every
    // delivery also carries a signature with the previous secret (sealed like the current one).
    sql: `
ALTER TABLE alert_endpoints
  ADD COLUMN previous_secret_sealed bytea,
  ADD COLUMN previous_secret_until timestamptz;
`,
  },
  {
    version: 13,
    name: "client certificates: a client CA per pair, its CRL, the certificates issued for grants and owners",
    // The CA key is sealed like other secrets; a client certificate's private key is never stored.
    // crl_version is the CRL number: agents report the one their node uses and get a newer one.
    sql: `
CREATE TABLE pair_client_cas (
  pair_id uuid PRIMARY KEY REFERENCES pairs ON DELETE CASCADE,
  certificate text NOT NULL,
  private_key_sealed bytea NOT NULL,
  crl_version integer NOT NULL CHECK (crl_version > 0),
  crl text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE client_certificates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pair_id uuid NOT NULL REFERENCES pairs ON DELETE CASCADE,
  database_id uuid NOT NULL REFERENCES databases ON DELETE CASCADE,
  -- NULL: a certificate for the database's owner role
  access_request_id uuid REFERENCES access_requests ON DELETE CASCADE,
  role_name text NOT NULL,
  method text NOT NULL CHECK (method IN ('certificate', 'certificate+password')),
  serial text NOT NULL UNIQUE,
  fingerprint text NOT NULL,
  not_after timestamptz NOT NULL,
  issued_by uuid REFERENCES users ON DELETE SET NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users ON DELETE SET NULL
);
CREATE INDEX client_certificates_grant ON client_certificates (access_request_id, issued_at DESC);
CREATE INDEX client_certificates_database ON client_certificates (database_id, issued_at DESC);
CREATE INDEX client_certificates_revoked ON client_certificates (pair_id) WHERE revoked_at IS NOT NULL;
`,
  },
  {
    version: 14,
    name: "connection pooling: per-database switch, the pair's pooler port",
    // pooler_port null: the pair was registered without a pooler (or before it existed), so no
    // database of it can be pooled.
    sql: `
ALTER TABLE databases ADD COLUMN pooling boolean NOT NULL DEFAULT false;
ALTER TABLE pairs ADD COLUMN pooler_port integer CHECK (pooler_port BETWEEN 1 AND 65535);
`,
  },
  {
    version: 15,
    name: "owner logins during a password rotation's overlap; slow statements from the servers' logs",
    // owner_logins — no row: the owner logs in as the owner role itself. A rotation moves login_name to
    // the other slot and keeps the previous login usable until previous_valid_until (its VALID UNTIL on
    // the server). slow_queries — what the agents read from their node's jsonlog, per tenant database;
    // never a statement's text (pg_stat_statements gives the normalised one by query_id).
    sql: `
CREATE TABLE owner_logins (
  database_id uuid PRIMARY KEY REFERENCES databases ON DELETE CASCADE,
  login_name text NOT NULL,
  previous_login_name text,
  previous_valid_until timestamptz
);
CREATE TABLE slow_queries (
  database_id uuid NOT NULL REFERENCES databases ON DELETE CASCADE,
  node_name text NOT NULL,
  at timestamptz NOT NULL,
  user_name text NOT NULL,
  query_id bigint NOT NULL,
  duration_ms double precision NOT NULL
);
CREATE INDEX slow_queries_database_at ON slow_queries (database_id, at);
CREATE INDEX slow_queries_at ON slow_queries (at);
`,
  },
];
