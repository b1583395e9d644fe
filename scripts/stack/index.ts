// The whole pgaas service on one machine: the control plane's store (PostgreSQL), the portal, a lab
// of namespace hosts and a demo pair with agents, all registered like a cloud pair would be. Used by
// `npm start` / `npm run stop` and by the browser end-to-end test. Every step is idempotent, so a
// second start reuses what runs.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import { callRoute, createToken, getPair, login, registerPair } from "@pgaas/api";
import { NotFoundError, Secret } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import {
  bootstrapPair,
  type ControlPlaneTls,
  ensureControlPlaneTls,
  generatePairSecrets,
  type ProgressEvent,
  pairRegistration,
  pairSecretsFrom,
  revealPairSecrets,
  teardownPair,
  withTlsCa,
} from "@pgaas/engine";
import {
  assertPostgresCanReach,
  createLocalLab,
  destroyLab,
  freePort,
  initLocalPostgres,
  type LocalLab,
  localPostgresUrl,
  startLocalPostgres,
  stopLocalPostgres,
} from "@pgaas/engine/local";
import { LAB_PAIR_HOSTS, labPairHosts, labPairSpec } from "@pgaas/engine/testing";
import { ensurePortal, stopPortal } from "./portal-process.js";
import {
  ensureSecretKey,
  readRecord,
  readSecrets,
  type StackPaths,
  type StackRecord,
  type StackSecrets,
  stackPaths,
  writeRecord,
  writeSecretFile,
  writeSecrets,
} from "./stack-state.js";
import { ensurePortalStoreRole, PORTAL_STORE_ROLE } from "./store-role.js";

/**
 * Outside the checkout, so any clone works (in /tmp, in a 0700 home): the postgres user must reach the
 * store and sshd refuses the lab key below a world-writable directory. A sibling of /var/lib/pgaas,
 * where the pair engine keeps the hosts' data, so nothing it removes there can touch the stack.
 */
export const DEFAULT_STACK_ROOT = "/var/lib/pgaas-stack";
const WEB_DIST = fileURLToPath(new URL("../../portal/web/dist", import.meta.url));
const STORE_DATABASE = "pgaas";

export interface StackOptions {
  /** Folder for all state (default DEFAULT_STACK_ROOT). */
  readonly root?: string;
  /** Namespace/link name prefix for the lab hosts. */
  readonly prefix?: string;
  /** A private /24 for the lab (avoid the machine's own networks). */
  readonly subnet?: string;
  readonly portalPort?: number;
  readonly pairName?: string;
  readonly adminEmail?: string;
  /** One line per step, for people watching. */
  readonly onProgress?: (line: string) => void;
  /** Engine step events (bootstrap), for detailed progress. */
  readonly onEngineProgress?: (event: ProgressEvent) => void;
}

export interface Stack {
  /** https://127.0.0.1:<port>, its certificate issued by the stack's local CA. */
  readonly portalUrl: string;
  /** The local CA (caFile: what a browser or API client must trust) and the portal's certificate. */
  readonly tls: ControlPlaneTls;
  readonly admin: {
    readonly email: string;
    readonly password: string;
    /** 0600 file holding the password, for the person who started the stack. */
    readonly passwordFile: string;
    /** True on the start that created the admin: the only time the password is shown. */
    readonly created: boolean;
  };
  readonly pairId: string;
  readonly lab: LocalLab;
  readonly paths: StackPaths;
  /** Stops and removes everything the stack started (processes, namespaces, pair files, state folder). */
  destroy(): Promise<void>;
}

async function timed<T>(progress: (line: string) => void, label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  progress(`… ${label}`);
  const result = await fn();
  progress(`✓ ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function apiSession(
  portalUrl: string,
  email: string,
  password: string,
  fetch: typeof globalThis.fetch,
): Promise<string> {
  let cookie: string | null = null;
  // The session arrives as a header, which the typed client does not return: read it on the way.
  const keepCookie: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    cookie = response.headers.get("set-cookie");
    return response;
  };
  await callRoute(portalUrl, login, { body: { email, password } }, { fetch: keepCookie });
  if (!cookie) throw new Error("admin sign-in returned no session cookie");
  return (cookie as string).split(";")[0] ?? "";
}

/**
 * A new API token of the admin `email` (signs in, then POST /v1/tokens); shown once, so keep it.
 * `fetch` trusts the control plane's CA (default: the global fetch, for a publicly trusted one).
 */
export async function createApiToken(
  portalUrl: string,
  email: string,
  password: string,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<string> {
  const cookie = await apiSession(portalUrl, email, password, fetch);
  const body = { name: `npm-start-${new Date().toISOString()}` };
  const { secret } = await callRoute(portalUrl, createToken, { body }, { cookie, fetch });
  return secret;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = options.onProgress ?? (() => undefined);
  if (process.getuid?.() !== 0) {
    throw new Error(
      "pgaas runs its local hosts as Linux network namespaces: run this as root (sudo npm start)",
    );
  }
  const paths = stackPaths(options.root ?? DEFAULT_STACK_ROOT);
  const key = await ensureSecretKey(paths);
  await assertPostgresCanReach(paths.root);
  const previous = await readRecord(paths);
  const record: StackRecord = previous ?? {
    version: 1,
    storePort: await freePort(),
    portalPort: options.portalPort ?? 8080,
    prefix: options.prefix ?? "pgaas",
    subnet: options.subnet ?? "10.230.1.0/24",
    pairName: options.pairName ?? "demo",
    adminEmail: options.adminEmail ?? "admin@pgaas.local",
  };
  const existing = await readSecrets(paths, key);
  const secrets: StackSecrets = existing ?? {
    storePassword: randomBytes(18).toString("base64url"),
    adminPassword: randomBytes(12).toString("base64url"),
  };
  // Stacks created before the store role existed get its password now.
  secrets.portalStorePassword ??= randomBytes(18).toString("base64url");
  const portalStorePassword = new Secret(secrets.portalStorePassword);
  const save = async () => {
    await writeRecord(paths, record);
    await writeSecrets(paths, key, secrets);
  };
  await save();
  if (existing === undefined)
    await writeSecretFile(paths.adminPasswordFile, new Secret(secrets.adminPassword));

  const store = { root: paths.store, port: record.storePort };
  await timed(progress, `control-plane store (PostgreSQL 15, role ${PORTAL_STORE_ROLE})`, async () => {
    await initLocalPostgres(store, secrets.storePassword);
    await startLocalPostgres(store);
    await ensurePortalStoreRole(
      localPostgresUrl(record.storePort, secrets.storePassword),
      STORE_DATABASE,
      portalStorePassword,
    );
    await writeSecretFile(paths.storePasswordFile, portalStorePassword);
  });

  const lab = await timed(progress, `local hosts ${LAB_PAIR_HOSTS.join(", ")} on ${record.subnet}`, () =>
    createLocalLab({
      prefix: record.prefix,
      subnet: record.subnet,
      hosts: LAB_PAIR_HOSTS,
      stateDir: paths.lab,
    }),
  );

  // HTTPS on both addresses: the lab bridge is a network, and agent tokens and sessions cross it.
  const tls = ensureControlPlaneTls(paths.tls, ["127.0.0.1", lab.hostAddress]);
  const fetch = pinnedFetch(tls.caCertificate);
  const portalUrl = `https://127.0.0.1:${record.portalPort}`;
  const labPortalUrl = `https://${lab.hostAddress}:${record.portalPort}`;
  await timed(progress, `portal on ${portalUrl} and ${labPortalUrl}`, () =>
    ensurePortal({
      pidFile: paths.portalPid,
      logFile: paths.portalLog,
      healthUrl: `${portalUrl}/healthz`,
      fetch,
      env: {
        PGAAS_TLS_CERT_FILE: tls.certFile,
        PGAAS_TLS_KEY_FILE: tls.keyFile,
        // The least-privilege role; its password is read from the 0600 file, not the environment.
        DATABASE_URL: `postgres://${PORTAL_STORE_ROLE}@127.0.0.1:${record.storePort}/${STORE_DATABASE}`,
        PGAAS_DATABASE_PASSWORD_FILE: paths.storePasswordFile,
        PGAAS_LISTEN_HOST: `127.0.0.1,${lab.hostAddress}`,
        PGAAS_PORT: String(record.portalPort),
        PGAAS_SECRET_KEY_FILE: paths.secretKey,
        PGAAS_ADMIN_EMAIL: record.adminEmail,
        PGAAS_ADMIN_PASSWORD: secrets.adminPassword,
        ...(existsSync(WEB_DIST) ? { PGAAS_WEB_DIR: WEB_DIST } : {}),
      },
    }),
  );

  if (secrets.apiToken === undefined) {
    secrets.apiToken = await createApiToken(portalUrl, record.adminEmail, secrets.adminPassword, fetch);
    await save();
  }
  const token = new Secret(secrets.apiToken);
  const spec = labPairSpec(lab, record.pairName, {
    controlPlaneUrl: labPortalUrl,
    controlPlaneCa: tls.caCertificate,
  });
  const hosts = labPairHosts(lab);
  if (secrets.pairSecrets === undefined) {
    secrets.pairSecrets = JSON.stringify(revealPairSecrets(generatePairSecrets(spec.name)));
    await save();
  }
  // A stack started before TLS has no pair CA: it gets one (and the next bootstrap its certificates).
  const pairSecrets = withTlsCa(pairSecretsFrom(JSON.parse(secrets.pairSecrets)), spec.name);
  if (!JSON.parse(secrets.pairSecrets).tlsCa) {
    secrets.pairSecrets = JSON.stringify(revealPairSecrets(pairSecrets));
    await save();
  }

  const registered = secrets.pairId
    ? await callRoute(portalUrl, getPair, { params: { id: secrets.pairId } }, { token, fetch })
        .then(() => true)
        .catch((error: unknown) => {
          if (error instanceof NotFoundError) return false;
          throw error;
        })
    : false;
  if (!registered) {
    await timed(progress, `register pair ${spec.name} with the control plane`, async () => {
      const body = pairRegistration(spec, pairSecrets);
      const answer = await callRoute(portalUrl, registerPair, { body }, { token, fetch });
      secrets.pairId = answer.pair.id;
      secrets.agentTokens = answer.agentTokens;
      await save();
    });
  }
  const pairId = secrets.pairId ?? "";
  const agentTokens = Object.fromEntries(
    Object.entries(secrets.agentTokens ?? {}).map(([node, token]) => [node, new Secret(token)]),
  );

  await timed(progress, `pair ${spec.name}: PostgreSQL + repmgr + witness + keepalived + agents`, () =>
    bootstrapPair(spec, hosts, {
      secrets: pairSecrets,
      agentTokens,
      agentArtefactPath: AGENT_ARTEFACT_PATH,
      ...(options.onEngineProgress ? { onProgress: options.onEngineProgress } : {}),
    }),
  );

  await timed(progress, "agents report a healthy pair", async () => {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const { pair } = await callRoute(portalUrl, getPair, { params: { id: pairId } }, { token, fetch });
      if (pair.health === "healthy" && pair.primary) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error("the pair did not report healthy within 60 s: see the agents' logs under /var/log/pgaas");
  });

  return {
    portalUrl,
    tls,
    admin: {
      email: record.adminEmail,
      password: secrets.adminPassword,
      passwordFile: paths.adminPasswordFile,
      created: existing === undefined,
    },
    pairId,
    lab,
    paths,
    destroy: () => stopStack({ root: paths.root, purge: true }),
  };
}

export interface StopOptions {
  readonly root?: string;
  /** Also remove the pair's files on the hosts and the state folder (the store's data with it). */
  readonly purge?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** Stops every process and removes every namespace the stack started; idempotent. */
export async function stopStack(options: StopOptions = {}): Promise<void> {
  const progress = options.onProgress ?? (() => undefined);
  const paths = stackPaths(options.root ?? DEFAULT_STACK_ROOT);
  const record = await readRecord(paths);
  if (record === undefined) {
    progress("nothing to stop: no stack state in this folder");
    return;
  }
  if (options.purge && existsSync(paths.secretKey)) {
    await timed(progress, `remove pair ${record.pairName} from the hosts`, async () => {
      const key = await ensureSecretKey(paths);
      const secrets = await readSecrets(paths, key);
      const lab = await createLocalLab({
        prefix: record.prefix,
        subnet: record.subnet,
        hosts: LAB_PAIR_HOSTS,
        stateDir: paths.lab,
      });
      if (secrets?.pairSecrets) {
        await teardownPair(labPairSpec(lab, record.pairName), labPairHosts(lab));
      }
    });
  }
  await timed(progress, "local hosts (namespaces, links, processes)", () => destroyLab(paths.lab));
  await timed(progress, "portal", () => stopPortal(paths.portalPid));
  await timed(progress, "control-plane store", () =>
    stopLocalPostgres({ root: paths.store, port: record.storePort }),
  );
  if (options.purge) {
    await timed(progress, `state folder ${paths.root}`, () =>
      rm(paths.root, { recursive: true, force: true }),
    );
  }
}
