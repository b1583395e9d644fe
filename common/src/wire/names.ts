// Names every part of pgaas must agree on: the engine creates them, the control plane stores and
// checks them, the SDK and the provider validate them before anything is deployed.
import { z } from "zod";

/** Lower-case identifier PostgreSQL takes without quoting: database, role and node names. */
export const PG_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** The role the control plane logs in as on every pair. */
export const ADMIN_ROLE = "pgaas_admin";

/**
 * A pair's name. It becomes part of unit names, paths, repmgr's and keepalived's configuration on the
 * hosts (`pgaas-postgres-<pair>-<node>`), which is why it is shorter than PostgreSQL's 63.
 */
export const PAIR_NAME_MAX_LENGTH = 40;
export const PAIR_NAME_PATTERN = new RegExp(`^[a-z][a-z0-9-]{0,${PAIR_NAME_MAX_LENGTH - 1}}$`);
export const PairName = z.string().regex(PAIR_NAME_PATTERN, `must match ${PAIR_NAME_PATTERN.source}`);
