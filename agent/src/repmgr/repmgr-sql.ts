// repmgr's own view of this node, read from the repmgr extension in the repmgr database.
// `repmgrd_is_running()` and `repmgrd_is_paused()` read repmgr's shared memory: the same facts
// `repmgr service status` prints, without spawning a process every two seconds.

export const REPMGR_EXTENSION_SQL = `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'repmgr') AS installed`;

/** $1 = this node's id from repmgr.conf. */
export const REPMGR_NODE_SQL = `
SELECT n.active,
       u.node_name AS upstream_node,
       repmgr.repmgrd_is_running() AS repmgrd_running,
       repmgr.repmgrd_is_paused() AS repmgrd_paused
FROM repmgr.nodes n
LEFT JOIN repmgr.nodes u ON u.node_id = n.upstream_node_id
WHERE n.node_id = $1`;

/** The active primary as repmgr has it registered, with its config path on its own host. */
export const REPMGR_PRIMARY_SQL = `
SELECT node_name, config_file FROM repmgr.nodes WHERE type = 'primary' AND active ORDER BY node_id LIMIT 1`;
