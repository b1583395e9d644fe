// The agent's configuration file: rendered by the pair engine (provider/), parsed by the agent.
// Both sides import this schema, so a field the engine writes is a field the agent understands.

import { z } from "zod";
import { BackupRetention, BackupSchedule } from "./backup-inventory.js";
import { ControlPlaneUrl } from "./control-plane-url.js";
import { AGENT_PORT } from "./platform.js";

/** A pair member as repmgr numbers it; its file layout follows from the pair and member names. */
export const HealMember = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/),
  id: z.number().int().min(1).max(3),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});
export type HealMember = z.infer<typeof HealMember>;

const Argv = z.array(z.string().min(1)).min(1);

export const AgentConfig = z.object({
  pairName: z.string().min(1).max(63),
  nodeName: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/),
  controlPlane: z.object({
    /** Base URL of the control plane, e.g. https://10.231.0.1:8080 (http:// only on loopback). */
    url: ControlPlaneUrl,
    /** PEM file of the control plane's CA: the only root an https:// control plane is verified against. */
    caFile: z.string().startsWith("/").optional(),
    /** File holding this node's agent token (mode 0600, owned by the agent's user). */
    tokenFile: z.string().startsWith("/"),
    /** Request timeout; a slower answer counts as "control plane down" and the report is spooled. */
    timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  }),
  postgres: z.object({
    /** Unix socket directory of the node's PostgreSQL (peer authentication, no password). */
    socketDir: z.string().startsWith("/"),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1).default("postgres"),
    database: z.string().min(1).default("postgres"),
    dataDir: z.string().startsWith("/"),
    /** Where the agent writes the client CA, CRL and the settings file postgresql.conf includes
     * (see client-auth.ts); absent: certificate authentication is not set up on this node. */
    clientAuthDir: z.string().startsWith("/").optional(),
    /** Where PostgreSQL writes its jsonlog files (slow statements); absent: no slow-query reports. */
    logDirectory: z.string().startsWith("/").optional(),
  }),
  repmgr: z.object({
    binary: z.string().startsWith("/").default("/usr/bin/repmgr"),
    configFile: z.string().startsWith("/"),
  }),
  /** File whose presence means this node fenced itself (see the engine's fence watcher). */
  fenceMarkerFile: z.string().startsWith("/"),
  listen: z.object({
    host: z.string().min(1).default("0.0.0.0"),
    port: z.number().int().min(1).max(65535).default(AGENT_PORT),
  }),
  intervals: z.object({
    stateSeconds: z.number().min(0.2).max(300).default(2),
    metricsSeconds: z.number().min(1).max(3600).default(15),
  }),
  /**
   * Automatic rejoin (agent/src/heal): what the agent must know of its pair to run the engine's rejoin
   * steps on its own host. Absent: the agent never rejoins by itself (configs from before the feature).
   */
  heal: z
    .object({
      autoRejoin: z.boolean().default(true),
      /** repmgr node ids (spec order: 1 and 2) and addresses of this node and its peer. */
      node: HealMember,
      peer: HealMember,
      witness: HealMember,
      synchronous: z.boolean(),
      /** Durable record of the last sync state this node saw while it was primary. */
      stateFile: z.string().startsWith("/"),
      /** Consecutive failed attempts after which the node waits for a person. */
      maxAttempts: z.number().int().min(1).max(100).default(5),
    })
    .optional(),
  /**
   * pgBackRest command lines rendered by the engine (absent: the pair has no backups). The agent runs
   * them as they are: it never builds a pgBackRest command itself.
   */
  backup: z
    .object({
      stanza: z.string().min(1),
      /** `pgbackrest info --output=json` with this node's config (it reaches the repository itself). */
      infoArgv: Argv,
      /** A backup of each type, run where the repository is (a local repository: over the pair's pinned SSH). */
      backupArgv: z.object({ full: Argv, diff: Argv, incr: Argv }),
      /** The spec's schedule, reported with the inventory so the control plane can run it. */
      schedule: BackupSchedule,
      /** The spec's retention, reported with the inventory (absent in configs rendered before it). */
      retention: BackupRetention.optional(),
    })
    .optional(),
  /** PgBouncer on this node (absent: the pair runs no pooler). The agent rewrites its [databases] include. */
  pooler: z
    .object({
      databasesFile: z.string().startsWith("/"),
      /** PgBouncer's own PID file: the agent reloads it with SIGHUP. */
      pidFile: z.string().startsWith("/"),
    })
    .optional(),
  spool: z.object({
    dir: z.string().startsWith("/"),
    maxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(64 * 1024 * 1024),
  }),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;
