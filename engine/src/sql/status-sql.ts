// One query that returns a member's replication state as a single JSON object (parsed with zod). The
// timeline comes from the current WAL file on a primary and from the WAL receiver on a standby: the
// checkpoint's timeline lags behind both after a promotion.
import { z } from "zod";
import { REPMGR_DATABASE } from "../render/pg-hba.js";

export const MEMBER_STATE_SQL = `SELECT json_build_object(
  'inRecovery', pg_is_in_recovery(),
  'timeline', CASE WHEN pg_is_in_recovery()
    THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
  'currentLsn', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
  'receiveLsn', pg_last_wal_receive_lsn()::text,
  'replayLsn', pg_last_wal_replay_lsn()::text,
  'replayLagSeconds', CASE WHEN pg_is_in_recovery() THEN COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) ELSE NULL END,
  'synchronousStandbyNames', current_setting('synchronous_standby_names'),
  'pendingRestart', (SELECT count(*) FROM pg_settings WHERE pending_restart),
  'postmasterStartTime', pg_postmaster_start_time()::text,
  'replicas', COALESCE((SELECT json_agg(json_build_object(
      'name', application_name, 'state', state, 'syncState', sync_state,
      'lagBytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) ORDER BY application_name)
    FROM pg_stat_replication WHERE NOT pg_is_in_recovery()), '[]'::json)
)`;

export const MemberState = z.object({
  inRecovery: z.boolean(),
  timeline: z.number().int(),
  currentLsn: z.string().nullable(),
  receiveLsn: z.string().nullable(),
  replayLsn: z.string().nullable(),
  replayLagSeconds: z.number().nullable(),
  synchronousStandbyNames: z.string(),
  pendingRestart: z.number().int(),
  postmasterStartTime: z.string(),
  replicas: z.array(
    z.object({ name: z.string(), state: z.string(), syncState: z.string(), lagBytes: z.number().nullable() }),
  ),
});
export type MemberState = z.infer<typeof MemberState>;

/** 't' when a config file was modified after the server last loaded its configuration (whole-second mtimes). */
export const CONFIG_FILES_NEWER_SQL = `SELECT EXISTS (
    SELECT FROM unnest(ARRAY[current_setting('config_file'), current_setting('hba_file'), current_setting('ident_file')]) AS f
    WHERE (pg_stat_file(f)).modification > date_trunc('second', pg_conf_load_time())
  )`;

/** 't' when written configuration is not in effect yet: files newer than the last load, or a setting waiting for a restart. */
export const CONFIG_NOT_APPLIED_SQL = `${CONFIG_FILES_NEWER_SQL} OR EXISTS (SELECT FROM pg_settings WHERE pending_restart)`;

/**
 * "<upstream node id>:<seconds since repmgrd last saw it>" from repmgr's shared state on a standby or the
 * witness, run in the repmgr database; -1 seconds until repmgrd has seen it since PostgreSQL started.
 */
export const REPMGRD_UPSTREAM_SQL =
  "SELECT coalesce(repmgr.get_upstream_node_id(), -1) || ':' || repmgr.get_upstream_last_seen()";

/**
 * The node id the member's repmgrd watches, read with REPMGRD_UPSTREAM_SQL (as superuser, in the repmgr
 * database), when repmgrd saw it within `withinSecs`; null otherwise or when it cannot be asked.
 */
export async function repmgrdWatchedNode(
  member: { sql(sql: string, step: string, database?: string): Promise<string> },
  withinSecs: number,
  step: string,
): Promise<number | null> {
  const answer = await member.sql(REPMGRD_UPSTREAM_SQL, step, REPMGR_DATABASE).catch(() => "");
  const [nodeId, seconds] = answer.split(":").map(Number);
  const seen = seconds !== undefined && seconds >= 0 && seconds <= withinSecs;
  return seen && nodeId !== undefined && Number.isInteger(nodeId) && nodeId > 0 ? nodeId : null;
}
