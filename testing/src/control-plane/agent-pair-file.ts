// The one pair of a system-test file whose agents report to a control-plane stack of the file's own.
// It holds the hooks every such file wrote out: start the stack and clear what a killed earlier run of
// the pair left (beforeAll), tear the pair down and close the stack (afterAll, also after a failure).
import {
  generatePairSecrets,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type PairSpecInput,
  parsePairSpec,
  teardownPair,
} from "@pgaas/engine";
import { afterAll, beforeAll } from "vitest";
import type { LabFixture } from "../lab.js";
import { labPairHosts, labPairSpec, removePairLeftovers } from "../pair-fixture.js";
import { type ControlPlaneStack, startControlPlaneStack } from "./control-plane-stack.js";

export interface AgentPairFileOptions {
  /** The pair name's stem; the lab prefix follows it, so concurrent runs never share a pair's files. */
  readonly name: string;
  /** The agents' settings besides the control plane they report to. */
  readonly agent: Omit<NonNullable<PairSpecInput["agent"]>, "controlPlaneUrl" | "controlPlaneCa">;
  /** A backup repository for the pair, when the file tests backups. */
  readonly backup?: PairSpecInput["backup"];
}

export interface AgentPairFile {
  readonly cp: ControlPlaneStack;
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
  readonly secrets: PairSecrets;
}

/** Registers the file's hooks; the fields are there inside tests and later hooks. */
export function withAgentPair(fixture: LabFixture, options: AgentPairFileOptions): AgentPairFile {
  const secrets = generatePairSecrets(options.name);
  let cp: ControlPlaneStack | undefined;
  let spec: PairSpec | undefined;

  beforeAll(async () => {
    cp = await startControlPlaneStack(fixture.lab.hostAddress);
    spec = parsePairSpec({
      ...labPairSpec(
        fixture.lab,
        `${options.name}-${fixture.lab.prefix}`,
        options.backup ? { backup: options.backup } : {},
      ),
      agent: { ...cp.agentTarget, ...options.agent },
    });
    await removePairLeftovers(spec);
  }, 120_000);

  afterAll(async () => {
    if (spec) {
      await teardownPair(spec, labPairHosts(fixture.lab), {
        postgresSshPublicKey: secrets.postgresSshPublicKey,
      });
    }
    await cp?.close();
  }, 120_000);

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the agent pair exists only inside tests (after its beforeAll)");
    return value;
  };
  return {
    get cp() {
      return started(cp);
    },
    get spec() {
      return started(spec);
    },
    get hosts() {
      return labPairHosts(fixture.lab);
    },
    secrets,
  };
}
