// pgaas:index:Registration — the pair registered with the control plane (which issues one agent
// token per node), and, when `agents` is given, the agents installed and started on the nodes through
// the pair engine. Delete stops the agents and deregisters. The admin password and the agent tokens
// are secrets in and out.

import {
  deletePair,
  getPair,
  type PairResponse,
  RegisterPairRequest,
  registerPair,
  updatePair,
} from "@pgaas/api";
import { UnavailableError } from "@pgaas/common";
import { ADMIN_ROLE } from "@pgaas/common/wire";
import { parsePairSpec } from "@pgaas/engine";
import { z } from "zod";
import { sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { type AgentInstall, startAgents, stopAgents } from "./agents.js";
import { type ControlPlane, controlPlaneFromConfig, unlessGone } from "./control-plane.js";
import { HostConnections, pairHostsFor } from "./host-connections.js";
import {
  changedKeys,
  parseInputs,
  type ResourceContext,
  type ResourceHandler,
  schemaFailures,
  type WireProps,
} from "./resource-handler.js";

export const REGISTRATION_TOKEN = "pgaas:index:Registration";

const AgentsInput = z.object({
  spec: z.record(z.string(), z.unknown()),
  hosts: HostConnections,
  pairSecrets: z.string().min(1),
});

export const RegistrationInputs = z.object({
  name: RegisterPairRequest.shape.name,
  endpointHost: RegisterPairRequest.shape.endpoint.shape.host,
  endpointPort: RegisterPairRequest.shape.endpoint.shape.port,
  nodes: RegisterPairRequest.shape.nodes,
  witness: RegisterPairRequest.shape.witness,
  adminUsername: z.string().min(1).max(63).default(ADMIN_ROLE),
  adminPassword: z.string().min(1),
  caCertificate: RegisterPairRequest.shape.admin.shape.caCertificate,
  agents: AgentsInput.optional(),
});
export type RegistrationInputs = z.infer<typeof RegistrationInputs>;

/** Every input but the name updates in place (PUT /v1/pairs/:id and/or the agents). */
const UPDATE_KEYS = [
  "endpointHost",
  "endpointPort",
  "nodes",
  "witness",
  "adminUsername",
  "adminPassword",
  "caCertificate",
  "agents",
];

/** The inputs with Check's defaults filled in, so Diff compares like with like. */
function withDefaults(news: WireProps): WireProps {
  return { ...news, adminUsername: news.adminUsername ?? ADMIN_ROLE };
}

/** How long Create waits for the agents' first reports (they report every few seconds). */
const FIRST_REPORT_TIMEOUT_MS = 90_000;
const FIRST_REPORT_POLL_MS = 1_000;

type Pair = PairResponse["pair"];

/**
 * Waits until the control plane knows the pair's primary from the agents' reports, so resources that
 * depend on the registration (a Database) find a writable primary; bounded, with the likely cause named.
 */
async function firstReports(api: ControlPlane, id: string, agents: AgentInstall): Promise<Pair> {
  const deadline = Date.now() + FIRST_REPORT_TIMEOUT_MS;
  for (;;) {
    const { pair } = await api(getPair, { params: { id } });
    if (pair.primary) return pair;
    if (Date.now() > deadline) {
      throw new UnavailableError(
        `the agents of pair ${pair.name} did not report a primary within ${FIRST_REPORT_TIMEOUT_MS / 1000} s: check that the nodes reach ${agents.spec.agent?.controlPlaneUrl ?? "the control plane"} (agentControlPlaneUrl) and the agents' logs under /var/log/pgaas`,
        { code: "agents_not_reporting" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, FIRST_REPORT_POLL_MS));
  }
}

function agentInstall(agents: z.infer<typeof AgentsInput>): AgentInstall {
  const spec = parsePairSpec(agents.spec);
  return { spec, hosts: pairHostsFor(spec, agents.hosts), pairSecrets: agents.pairSecrets };
}

function pairBody(inputs: RegistrationInputs) {
  // The pooler's port comes from the spec the agents are installed with; without it, none is known.
  const pooler = inputs.agents ? parsePairSpec(inputs.agents.spec).pooler : undefined;
  return {
    endpoint: {
      host: inputs.endpointHost,
      port: inputs.endpointPort,
      ...(pooler?.enabled ? { poolerPort: pooler.port } : {}),
    },
    nodes: inputs.nodes,
    witness: inputs.witness,
    admin: {
      username: inputs.adminUsername,
      password: inputs.adminPassword,
      caCertificate: inputs.caCertificate,
    },
  };
}

/** The wire state: the checked inputs (secrets kept wrapped) plus what the control plane says. */
function stateOf(
  wireInputs: WireProps,
  pair: z.infer<typeof PairResponse>["pair"],
  agentTokens: unknown,
): WireProps {
  return {
    ...wireInputs,
    adminPassword: wireSecret(unwrapSecrets(wireInputs.adminPassword)),
    ...(wireInputs.agents === undefined ? {} : { agents: wireSecret(unwrapSecrets(wireInputs.agents)) }),
    pairId: pair.id,
    primary: pair.primary ?? "",
    health: pair.health,
    agentTokens,
  };
}

async function deregister(api: ControlPlane, id: string): Promise<void> {
  await unlessGone(api(deletePair, { params: { id } }));
}

function progressLogger(ctx: ResourceContext) {
  return (event: { step: string; host: string; status: string; changed?: boolean }) =>
    ctx.log.debug("agent install", {
      step: event.step,
      host: event.host,
      status: event.status,
      changed: event.changed,
    });
}

export const registrationHandler: ResourceHandler = {
  token: REGISTRATION_TOKEN,
  usesControlPlane: true,

  async check(_olds, news) {
    return { inputs: withDefaults(news), failures: schemaFailures(RegistrationInputs, news) };
  },

  async diff(_id, olds, news) {
    const next = withDefaults(news);
    const replaces = changedKeys(["name"], olds, next);
    const updates = changedKeys(UPDATE_KEYS, olds, next);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(props, ctx) {
    const inputs = parseInputs(RegistrationInputs, props);
    const api = controlPlaneFromConfig(ctx.config, `Registration ${inputs.name}`);
    const registered = await api(registerPair, { body: { name: inputs.name, ...pairBody(inputs) } });
    ctx.log.info("pair registered", { pair: inputs.name, id: registered.pair.id });
    let pair = registered.pair;
    if (inputs.agents !== undefined) {
      const install = agentInstall(inputs.agents);
      try {
        await startAgents(install, registered.agentTokens, progressLogger(ctx));
        pair = await firstReports(api, registered.pair.id, install);
      } catch (error) {
        // Create is transactional: a registration whose agents could not start or report is rolled
        // back, the agents stopped first.
        await stopAgents(install).catch((stopError: unknown) =>
          ctx.log.warn("stopping the agents failed", { pair: inputs.name, error: stopError }),
        );
        await deregister(api, registered.pair.id).catch((rollbackError: unknown) =>
          ctx.log.warn("registration rollback failed", { pair: inputs.name, error: rollbackError }),
        );
        throw error;
      }
    }
    return {
      id: registered.pair.id,
      outs: stateOf(props, pair, wireSecret(registered.agentTokens)),
    };
  },

  async read(id, props, ctx) {
    const api = controlPlaneFromConfig(ctx.config, `Registration ${String(props.name ?? id)}`);
    const found = await unlessGone(api(getPair, { params: { id } }));
    if (found === undefined) return {};
    const { pair } = found;
    const observed: WireProps = {
      ...props,
      name: pair.name,
      endpointHost: pair.endpoint.host,
      endpointPort: pair.endpoint.port,
      nodes: pair.nodes.map((node) => ({
        name: node.name,
        address: node.address,
        port: node.port,
        agentPort: node.agentPort,
      })),
      witness: pair.witness ?? undefined,
    };
    const { pairId: _pairId, primary: _primary, health: _health, agentTokens: _tokens, ...inputs } = observed;
    return { id, props: stateOf(observed, pair, props.agentTokens), inputs };
  },

  async update(id, olds, news, ctx) {
    const inputs = parseInputs(RegistrationInputs, news);
    const api = controlPlaneFromConfig(ctx.config, `Registration ${inputs.name}`);
    const { pair } = await api(updatePair, { params: { id }, body: pairBody(inputs) });
    const tokens = unwrapSecrets(olds.agentTokens) as Record<string, string>;
    const oldAgents = AgentsInput.optional().parse(unwrapSecrets(olds.agents));
    if (inputs.agents !== undefined && !sameValue(olds.agents, news.agents)) {
      await startAgents(agentInstall(inputs.agents), tokens, progressLogger(ctx));
    } else if (inputs.agents === undefined && oldAgents !== undefined) {
      await stopAgents(agentInstall(oldAgents));
    }
    ctx.log.info("pair registration updated", { pair: inputs.name, id });
    return { outs: stateOf(news, pair, olds.agentTokens) };
  },

  async delete(id, props, ctx) {
    const name = String(props.name ?? id);
    const agents = AgentsInput.optional().parse(unwrapSecrets(props.agents));
    if (agents !== undefined) await stopAgents(agentInstall(agents));
    await deregister(controlPlaneFromConfig(ctx.config, `Registration ${name}`), id);
    ctx.log.info("pair deregistered", { pair: name, id });
  },
};
