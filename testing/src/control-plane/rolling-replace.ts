// Rolling replacement of a lab pair under the bounded writer, shared by the system test and
// `npm run bench:resize`: each node moves to a fresh lab host (its own namespace, address and host key;
// the data directory starts empty), the standby first, then the primary (one switchover).
//
//   const pair = await deployRollingPair(cp, lab, name, { n1: "n1", n2: "n2" }, ["r1", "r2"], …);
//   const steps = await rollingReplace(pair, { n1: "r1", n2: "r2" }, onProgress);
//
// The lab's hosts share one filesystem: a member's directories are the same path on every host, so the
// previous host is retired (its files removed) before the fresh one is prepared, as replaceMember does.
import { AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import type { Secret } from "@pgaas/common";
import {
  type HostTarget,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type ProgressEvent,
  type ProgressListener,
  parsePairSpec,
  replaceMember,
} from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { adminTarget, serverRole } from "../drill.js";
import type { WriteAttempt } from "../writer.js";

/** Which lab host carries each node. */
export type Placement = Readonly<Record<string, string>>;

export interface RollingPair {
  readonly lab: LocalLab;
  readonly secrets: PairSecrets;
  readonly agentTokens: Readonly<Record<string, Secret>>;
  /** The pair as first deployed; `spec` and `hosts` follow the placement. */
  readonly base: PairSpec;
  placement: Placement;
  spec: PairSpec;
  hosts: PairHosts;
}

export interface ReplaceStep {
  readonly node: string;
  readonly from: string;
  readonly to: string;
  readonly switchedOver: boolean;
  /** The other node, the primary after the step. */
  readonly primary: string;
  readonly startedAt: number;
  /** When the new host was the synchronous standby again (replaceMember returned). */
  readonly protectedAt: number;
  /** replaceMember's progress, each event with the time it arrived. */
  readonly events: readonly TimedEvent[];
}

export interface TimedEvent {
  readonly at: number;
  readonly event: ProgressEvent;
}

/** The pair's spec with each node at the address of the lab host that carries it. */
export function placedSpec(base: PairSpec, lab: LocalLab, placement: Placement): PairSpec {
  return parsePairSpec({
    ...base,
    nodes: base.nodes.map((node) => ({ ...node, address: lab.host(hostOf(placement, node.name)).address })),
  });
}

export function placedHosts(spec: PairSpec, lab: LocalLab, placement: Placement): PairHosts {
  return {
    nodes: [
      labTarget(lab, hostOf(placement, spec.nodes[0].name)),
      labTarget(lab, hostOf(placement, spec.nodes[1].name)),
    ],
    witness: labTarget(lab, spec.witness.name),
  };
}

export function rollingPair(
  lab: LocalLab,
  base: PairSpec,
  secrets: PairSecrets,
  agentTokens: Readonly<Record<string, Secret>>,
  placement: Placement,
): RollingPair {
  const spec = placedSpec(base, lab, placement);
  return { lab, secrets, agentTokens, base, placement, spec, hosts: placedHosts(spec, lab, placement) };
}

/** The node that accepts writes right now, asked directly at each node's address. */
export async function currentPrimary(pair: RollingPair): Promise<string> {
  const roles = await Promise.all(
    pair.spec.nodes.map(async (node) => ({
      name: node.name,
      role: await serverRole({ ...adminTarget(pair.spec, pair.secrets, node.address), database: "postgres" }),
    })),
  );
  const primaries = roles.filter((entry) => entry.role === "primary");
  if (primaries.length !== 1) throw new Error(`expected one primary, saw ${JSON.stringify(roles)}`);
  return (primaries[0] as { name: string }).name;
}

/** Moves `node` to lab host `to` with replaceMember; the pair's placement follows. */
export async function replaceStep(
  pair: RollingPair,
  node: string,
  to: string,
  onProgress?: ProgressListener,
): Promise<ReplaceStep> {
  const from = hostOf(pair.placement, node);
  const placement = { ...pair.placement, [node]: to };
  const spec = placedSpec(pair.base, pair.lab, placement);
  const hosts = placedHosts(spec, pair.lab, placement);
  const startedAt = Date.now();
  const events: TimedEvent[] = [];
  const result = await replaceMember(spec, hosts, {
    node,
    previous: { host: labTarget(pair.lab, from), address: pair.lab.host(from).address },
    secrets: pair.secrets,
    agentTokens: pair.agentTokens,
    agentArtefactPath: AGENT_ARTEFACT_PATH,
    onProgress: (event) => {
      events.push({ at: Date.now(), event });
      onProgress?.(event);
    },
  });
  const protectedAt = Date.now();
  pair.placement = placement;
  pair.spec = spec;
  pair.hosts = hosts;
  return {
    node,
    from,
    to,
    switchedOver: result.switchedOver,
    primary: result.primary,
    startedAt,
    protectedAt,
    events,
  };
}

/**
 * The rolling replacement: the standby's host first, then the primary's (replaceMember switches over
 * before it retires the primary's host). `targets` names the fresh host for each node.
 */
export async function rollingReplace(
  pair: RollingPair,
  targets: Placement,
  onProgress?: ProgressListener,
): Promise<ReplaceStep[]> {
  const primary = await currentPrimary(pair);
  const standby = pair.spec.nodes.find((node) => node.name !== primary)?.name as string;
  const steps: ReplaceStep[] = [];
  for (const node of [standby, primary])
    steps.push(await replaceStep(pair, node, hostOf(targets, node), onProgress));
  return steps;
}

export interface PrimarySample {
  readonly at: number;
  /** The lab hosts whose PostgreSQL accepted connections as a primary in this sample. */
  readonly primaries: readonly string[];
}

/**
 * Samples every lab host in `hosts` at once, every ~300 ms, asking each address directly whether it runs
 * a primary: two in one sample would be two writable primaries. Bounded by time; stop() returns them.
 */
export function watchPrimaries(
  pair: Pick<RollingPair, "lab" | "secrets" | "base">,
  hosts: readonly string[],
  maxDurationMs = 600_000,
): { stop(): Promise<PrimarySample[]> } {
  const samples: PrimarySample[] = [];
  const deadline = Date.now() + maxDurationMs;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && Date.now() < deadline) {
      const at = Date.now();
      const roles = await Promise.all(
        hosts.map((host) =>
          serverRole({
            ...adminTarget(pair.base, pair.secrets, pair.lab.host(host).address),
            database: "postgres",
          }),
        ),
      );
      samples.push({ at, primaries: hosts.filter((_, index) => roles[index] === "primary") });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 300 - (Date.now() - at))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** How often the primary moved from one host to another across the samples (a gap with none is no move). */
export function primaryMoves(samples: readonly PrimarySample[]): number {
  let last: string | undefined;
  let moves = 0;
  for (const sample of samples) {
    const [only] = sample.primaries;
    if (sample.primaries.length !== 1 || only === undefined) continue;
    if (last !== undefined && only !== last) moves += 1;
    last = only;
  }
  return moves;
}

export interface AckGap {
  /** The last acknowledgement before the gap and the first after it. */
  readonly from: number;
  readonly to: number;
  readonly durationMs: number;
}

/**
 * The longest time between two consecutive acknowledged writes around [from, to]: the write outage a
 * client saw during a step (the writer's own cadence, 100 ms, when there was none).
 */
export function largestAckGap(attempts: readonly WriteAttempt[], from: number, to: number): AckGap {
  const acks = attempts.filter((attempt) => attempt.outcome === "acked").map((attempt) => attempt.endedAt);
  let largest: AckGap = { from, to: from, durationMs: 0 };
  for (let index = 1; index < acks.length; index += 1) {
    const [before, after] = [acks[index - 1] as number, acks[index] as number];
    if (after >= from && before <= to && after - before > largest.durationMs)
      largest = { from: before, to: after, durationMs: after - before };
  }
  return largest;
}

/** The engine steps that were running at some point of the gap (`step host`), in start order. */
export function stepsDuring(events: readonly TimedEvent[], gap: AckGap): string[] {
  const running = new Map<string, number>();
  const during: string[] = [];
  for (const { at, event } of events) {
    const key = `${event.step} ${event.host}`;
    if (event.status === "start") running.set(key, at);
    else {
      const started = running.get(key);
      running.delete(key);
      if (started !== undefined && started < gap.to && at > gap.from) during.push(key);
    }
  }
  return during;
}

function hostOf(placement: Placement, node: string): string {
  const host = placement[node];
  if (host === undefined) throw new Error(`no lab host placed for ${node}`);
  return host;
}

function labTarget(lab: LocalLab, name: string): HostTarget {
  return { ssh: lab.host(name).ssh, serviceManager: lab.host(name).serviceManager };
}
