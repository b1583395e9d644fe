// bootstrapPair: converge a pair to its spec over SSH. Idempotent and resumable: every step inspects
// first, so a second run changes nothing and restarts nothing, and a run interrupted anywhere completes
// when run again. Reality is discovered before acting (after a failover nodes[1] may be the primary).
import { InputError, type Secret } from "@pgaas/common";
import { ensureBackupDirectories, ensureStanza, repositorySession } from "../backup/backup-steps.js";
import { writeProbeCommand } from "../commands/pg-commands.js";
import { holdsAddress, IP_BRIEF_ADDR_COMMAND } from "../commands/status-commands.js";
import type { PairHosts } from "../hosts.js";
import type { MemberSession } from "../member-session.js";
import { rejoinNode } from "../operations/rejoin-node.js";
import { ensureSync, waitForStreaming } from "../operations/sync.js";
import { openPairSessions } from "../pair-sessions.js";
import { planNodeFiles, planWitnessFiles, type RenderedFile, usesRepositoryHost } from "../plan-files.js";
import { type ProgressListener, StepRunner, type StepTiming } from "../progress.js";
import type { PairSecrets } from "../secrets.js";
import { agentService, fenceWatcherService, repmgrdService } from "../service-defs.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";
import { installAgentArtefact, loadAgentArtefact } from "./agent-artefact.js";
import { adoptPostgres, installBootUnits } from "./boot-units.js";
import { decideRoles, type NodeObservation } from "./decide-roles.js";
import { ensureKeepalived } from "./keepalived-steps.js";
import { ensurePooler } from "./pooler-steps.js";
import {
  ensurePairRoles,
  ensurePrimary,
  ensureStandby,
  ensureWitness,
  registerPrimary,
  registerStandby,
  registerWitness,
  waitFor,
} from "./postgres-steps.js";
import { ensureDirectories, installFiles, preflight } from "./prepare-steps.js";
import { seedFromSource } from "./seed-from-source.js";
import { ensureTenantBoundary } from "./tenant-boundary.js";

export interface BootstrapOptions {
  readonly secrets: PairSecrets;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
  /** Per node name: the control-plane token for its agent. The agent runs only with spec.agent and a token. */
  readonly agentTokens?: Readonly<Record<string, Secret>>;
  /**
   * The agent artefact (`npm run build:agent`, AGENT_ARTEFACT_PATH of @pgaas/agent/launch), installed
   * on every node that runs an agent; needed when agentTokens are given.
   */
  readonly agentArtefactPath?: string;
  /** Reuse SSH sessions across calls (otherwise opened and closed here). */
  readonly sshPool?: SshPool;
}

export interface BootstrapResult {
  readonly primary: string;
  readonly standby: string;
  /** Files whose bytes, mode or owner changed, per member. */
  readonly changedFiles: readonly { readonly host: string; readonly path: string }[];
  /** True when any step changed something. */
  readonly changed: boolean;
  readonly steps: readonly StepTiming[];
  readonly durationMs: number;
}

function touches(files: readonly RenderedFile[], daemon: RenderedFile["affects"][number]): boolean {
  return files.some((file) => file.affects.includes(daemon));
}

function repmgrConfChanged(files: readonly RenderedFile[], session: MemberSession): boolean {
  return files.some((file) => file.path === session.member.layout.repmgrConf);
}

export async function bootstrapPair(
  spec: PairSpec,
  hosts: PairHosts,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const started = performance.now();
  const runner = new StepRunner(options.onProgress, options.signal);
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    const vip = spec.endpoint.kind === "vip";
    // The keys the (pinned) sessions saw are the ones repmgr's node-to-node SSH accepts.
    // With a repository host, pgBackRest's SSH also runs between the nodes and the witness host.
    const nodeHostKeys = (usesRepositoryHost(spec) ? pair.all : pair.nodes).map((node) => ({
      address: node.member.address,
      hostKey: node.ssh.hostKey,
    }));
    const plans = new Map<string, RenderedFile[]>(
      pair.all.map((session) => [
        session.name,
        session.member.kind === "witness"
          ? planWitnessFiles(spec, options.secrets, nodeHostKeys)
          : planNodeFiles(spec, session.name, options.secrets, {
              agentToken: options.agentTokens?.[session.name],
              nodeHostKeys,
            }),
      ]),
    );
    const planOf = (session: MemberSession) => plans.get(session.name) ?? [];
    const changedFiles = new Map<string, RenderedFile[]>();
    const changedOf = (session: MemberSession) => changedFiles.get(session.name) ?? [];

    await Promise.all(
      pair.all.map((s) =>
        runner.run("preflight", s.name, () => {
          const node = s.member.kind === "node";
          return preflight(s, vip && node, spec.pooler.enabled && node);
        }),
      ),
    );
    await Promise.all(
      pair.all.map((s) =>
        runner.run("directories", s.name, async () => {
          // The repository host accepts the pair's key too: the nodes push WAL to it over SSH.
          const acceptsPairKey = s.member.kind === "node" || usesRepositoryHost(spec);
          const base = await ensureDirectories(
            s,
            acceptsPairKey ? options.secrets.postgresSshPublicKey : undefined,
          );
          const backup = await ensureBackupDirectories(spec, s);
          return { changed: base.changed || backup.changed };
        }),
      ),
    );
    await Promise.all(
      pair.all.map((s) =>
        runner.run("files", s.name, async () => {
          const changed = await installFiles(s, planOf(s));
          changedFiles.set(s.name, changed);
          return {
            changed: changed.length > 0,
            detail: `${changed.length} of ${planOf(s).length} files changed`,
          };
        }),
      ),
    );

    const systemd = pair.all.filter((s) => s.host.serviceManager === "systemd");
    await Promise.all(systemd.map((s) => runner.run("boot-units", s.name, () => installBootUnits(s, spec))));

    const observations = (await Promise.all(
      pair.nodes.map(async (s): Promise<NodeObservation> => {
        const inspection = await s.inspect();
        if (!inspection.running) return { name: s.name, inspection };
        const state = await s.state();
        return { name: s.name, inspection, live: { inRecovery: state.inRecovery, timeline: state.timeline } };
      }),
    )) as unknown as [NodeObservation, NodeObservation];
    const roles = decideRoles(observations);
    const primary = pair.node(roles.primary);
    const standby = pair.node(roles.standby);
    const observed = (name: string) => {
      const found = observations.find((o) => o.name === name);
      if (!found) throw new TypeError(`no observation for ${name}`);
      return found.inspection;
    };
    // restoreFrom only seeds: once a node holds data it is the pair's own, and rerunning changes nothing.
    const seed = spec.restoreFrom && roles.actions[primary.name] === "initdb" ? spec.restoreFrom : undefined;
    if (seed) {
      await runner.run("restore-source", primary.name, () =>
        seedFromSource(
          spec,
          seed,
          { primary, witness: pair.witness },
          options.secrets,
          observed(primary.name),
        ),
      );
    }
    const action = (name: string) =>
      seed && name === primary.name ? "keep-primary" : (roles.actions[name] ?? "keep-standby");

    // The witness's own PostgreSQL does not depend on the pair: prepare it while the nodes converge.
    await Promise.all([
      (async () => {
        await runner.run("primary", primary.name, () =>
          ensurePrimary(
            primary,
            action(primary.name),
            observed(primary.name),
            roles.unfence.includes(primary.name),
            touches(changedOf(primary), "postgres"),
          ),
        );
        await runner.run("roles", primary.name, () => ensurePairRoles(primary, options.secrets));
        await runner.run("tenant-boundary", primary.name, () =>
          ensureTenantBoundary((sql, database) => primary.sql(sql, "tenant-boundary", database)),
        );
        await runner.run("register", primary.name, () =>
          registerPrimary(primary, repmgrConfChanged(changedOf(primary), primary)),
        );
        await runner.run("standby", standby.name, () =>
          ensureStandby(
            standby,
            primary,
            action(standby.name),
            observed(standby.name),
            touches(changedOf(standby), "postgres"),
            () => rejoinOnBootstrap(primary, standby, planOf(standby)),
          ),
        );
        await runner.run("register", standby.name, () =>
          registerStandby(standby, primary, repmgrConfChanged(changedOf(standby), standby)),
        );
      })(),
      runner.run("witness", pair.witness.name, () =>
        ensureWitness(pair.witness, options.secrets, touches(changedOf(pair.witness), "postgres")),
      ),
    ]);
    const witnessRegistered = await runner.run("register", pair.witness.name, () =>
      registerWitness(pair.witness, primary, repmgrConfChanged(changedOf(pair.witness), pair.witness)),
    );
    await Promise.all(
      pair.all.map((s) =>
        runner.run("repmgrd", s.name, async () => {
          const def = repmgrdService(s.member, planOf(s));
          const outcome = await s.services.ensureRunning(def);
          // A running witness repmgrd keeps watching the primary it started with (after a switchover
          // through the API, the old one): re-registered, it restarts to watch this one.
          if (s !== pair.witness || !witnessRegistered || outcome.changed) return outcome;
          await s.services.restart(def);
          return { changed: true, detail: `restarted after re-registering against ${primary.name}` };
        }),
      ),
    );
    await runner.run("sync", primary.name, async () => {
      await waitForStreaming(spec, primary);
      return ensureSync(spec, primary);
    });
    // keepalived, then the fence watcher, on each node: the VIP follows the writable, unfenced primary.
    // keepalived reads its new configuration before a new watcher writes the gate, so a keepalived that
    // still tracks the gate alone never sees the held state (which it would take for open).
    // PgBouncer runs on both nodes; only the one the endpoint leads to (the primary) is reached.
    await Promise.all(
      pair.nodes.flatMap((s) => [
        (async () => {
          if (vip) await runner.run("keepalived", s.name, () => ensureKeepalived(s, planOf(s)));
          await runner.run("fence-watcher", s.name, () =>
            s.services.ensureRunning(fenceWatcherService(s.member, planOf(s))),
          );
        })(),
        ...(spec.pooler.enabled ? [runner.run("pooler", s.name, () => ensurePooler(s, planOf(s)))] : []),
      ]),
    );
    if (spec.agent && options.agentTokens) {
      const agentNodes = pair.nodes.filter((s) => options.agentTokens?.[s.name] !== undefined);
      const artefact =
        agentNodes.length > 0
          ? await loadAgentArtefact(requiredArtefactPath(options.agentArtefactPath))
          : undefined;
      await Promise.all(
        agentNodes.map(async (s) => {
          if (!artefact) return;
          await runner.run("agent-artefact", s.name, () => installAgentArtefact(s, artefact));
          await runner.run("agent", s.name, () =>
            s.services.ensureRunning(agentService(s.member, planOf(s), artefact.sha256)),
          );
        }),
      );
    }
    await runner.run("endpoint", "pair", async () => {
      await waitFor("the endpoint to accept a write", () => endpointAcceptsWrite(spec, primary), 60_000, 100);
      return { changed: false };
    });
    if (spec.backup) {
      const repository = repositorySession(spec, pair.witness, primary);
      await runner.run("backup-stanza", repository.name, () => ensureStanza(spec, repository));
    }
    await Promise.all(systemd.map((s) => runner.run("boot-adopt", s.name, () => adoptPostgres(s))));
    const files = pair.all.flatMap((s) => changedOf(s).map((file) => ({ host: s.name, path: file.path })));
    return {
      primary: primary.name,
      standby: standby.name,
      changedFiles: files,
      changed: runner.timings.some((timing) => timing.changed),
      steps: runner.timings,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await pair.close();
  }
}

/** Asks the primary's host to write through the endpoint (the VIP; the primary itself for a load balancer). */
export async function endpointAcceptsWrite(spec: PairSpec, primary: MemberSession): Promise<boolean> {
  const vip = spec.endpoint.kind === "vip";
  // Until keepalived has put the VIP on the primary, a connection to it would only sit out libpq's
  // 2 s connect timeout: look first, then probe.
  if (vip && !holdsAddress(await primary.sh(IP_BRIEF_ADDR_COMMAND, "ip-addr"), spec.endpoint.address))
    return false;
  const host = vip ? spec.endpoint.address : primary.member.address;
  const result = await primary.ssh.run(writeProbeCommand(primary.member.layout, host, spec.endpoint.port), {
    step: `${primary.name}.endpoint`,
    timeoutMs: 10_000,
  });
  return result.code === 0 && /^\d+$/.test(result.stdout.trim());
}

/** A former primary rejoined during bootstrap gets a fresh repmgrd, so it monitors as a standby. */
async function rejoinOnBootstrap(
  primary: MemberSession,
  standby: MemberSession,
  files: readonly RenderedFile[],
) {
  const outcome = await rejoinNode(primary, standby);
  await standby.services.restart(repmgrdService(standby.member, files));
  return outcome;
}

/** Hosts run the installed artefact: the engine has no agent of its own to fall back on. */
function requiredArtefactPath(path: string | undefined): string {
  if (path === undefined) {
    throw new InputError("agents need the agent artefact: pass agentArtefactPath", {
      code: "agent_artefact_required",
    });
  }
  return path;
}
