// The stack under test as the probes see it: its URL and the credentials of each kind of caller,
// made through the API the way a user would (admin and member, cookie and API token, agent tokens
// of the stack's pair and of a second, registered-only pair, a database per tenant).
import { randomBytes } from "node:crypto";
import { type RawReply, rawRequest } from "./http.js";

export type Credential = { readonly cookie: string } | { readonly bearer: string } | undefined;

export interface Tenant {
  readonly databaseId: string;
  readonly name: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly port: number;
  /** The pair CA the control plane handed out with the credentials (verify-full). */
  readonly caCertificate: string;
}

/** Where the API is and the CA its certificate comes from (undefined: plain http:// on loopback). */
export interface Endpoint {
  readonly url: string;
  readonly ca?: string | undefined;
}

export interface Target extends Endpoint {
  readonly url: string;
  readonly pairId: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly admin: { readonly cookie: string; readonly token: string };
  readonly member: {
    readonly email: string;
    readonly password: string;
    readonly cookie: string;
    readonly token: string;
  };
  /** Agent tokens of the stack's pair, by node name. */
  readonly agentTokens: Readonly<Record<string, string>>;
  readonly otherPair: { readonly id: string; readonly agentToken: string };
  /** sec_a (the member's) and sec_b (the admin's). */
  readonly tenants: readonly [Tenant, Tenant];
}

export interface CallOptions {
  readonly as?: Credential;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly from?: string;
}

/** A call as the portal's pages make it: a cookie write names the server's origin and sends JSON. */
export function call(
  { url, ca }: Endpoint,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<RawReply> {
  const headers: Record<string, string> = {};
  const as = options.as;
  if (as !== undefined && "cookie" in as) {
    headers.cookie = as.cookie;
    if (method !== "GET") {
      headers.origin = url;
      headers["content-type"] = "application/json";
    }
  }
  if (as !== undefined && "bearer" in as) headers.authorization = `Bearer ${as.bearer}`;
  return rawRequest(`${url}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.from !== undefined ? { localAddress: options.from } : {}),
    ...(ca !== undefined ? { ca } : {}),
  });
}

async function expectStatus(reply: Promise<RawReply>, status: number, what: string): Promise<RawReply> {
  const answer = await reply;
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text}`);
  return answer;
}

async function signIn(url: Endpoint, email: string, password: string): Promise<string> {
  const reply = await expectStatus(
    call(url, "POST", "/v1/auth/login", { body: { email, password } }),
    200,
    `sign in as ${email}`,
  );
  const setCookie = reply.headers["set-cookie"];
  const first = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? "";
  return first.split(";")[0] ?? "";
}

async function apiToken(url: Endpoint, cookie: string, name: string): Promise<string> {
  const reply = await expectStatus(
    call(url, "POST", "/v1/tokens", { as: { cookie }, body: { name } }),
    201,
    name,
  );
  return (reply.json as { secret: string }).secret;
}

async function createTenant(url: Endpoint, as: Credential, pairId: string, name: string): Promise<Tenant> {
  const reply = await expectStatus(
    call(url, "POST", "/v1/databases", { as, body: { pairId, name } }),
    201,
    `create database ${name}`,
  );
  const body = reply.json as {
    database: { id: string };
    credentials: { username: string; password: string };
    connectionUri: string;
    caCertificate: string | null;
  };
  if (body.caCertificate === null) throw new Error(`database ${name}: the control plane handed out no CA`);
  const uri = new URL(body.connectionUri);
  return {
    databaseId: body.database.id,
    name,
    username: body.credentials.username,
    password: body.credentials.password,
    host: uri.hostname,
    port: Number(uri.port || 5432),
    caCertificate: body.caCertificate,
  };
}

export async function prepareTarget(options: {
  url: string;
  ca: string | undefined;
  pairId: string;
  adminEmail: string;
  adminPassword: string;
  agentTokens: Record<string, string>;
}): Promise<Target> {
  const { pairId } = options;
  const url: Endpoint = { url: options.url, ca: options.ca };
  const adminCookie = await signIn(url, options.adminEmail, options.adminPassword);
  const admin = { cookie: adminCookie, token: await apiToken(url, adminCookie, "check-security-admin") };
  const member = { email: "member@check-security.local", password: randomBytes(12).toString("base64url") };
  await expectStatus(
    call(url, "POST", "/v1/users", { as: { cookie: adminCookie }, body: { ...member, role: "member" } }),
    201,
    "create the member",
  );
  const memberCookie = await signIn(url, member.email, member.password);
  const memberToken = await apiToken(url, memberCookie, "check-security-member");
  const other = await expectStatus(
    call(url, "POST", "/v1/pairs", {
      as: { bearer: admin.token },
      body: {
        name: "sec-other",
        endpoint: { host: "192.0.2.10", port: 5432 },
        nodes: [
          { name: "n1", address: "192.0.2.11", port: 5432, agentPort: 9187 },
          { name: "n2", address: "192.0.2.12", port: 5432, agentPort: 9187 },
        ],
        admin: { username: "pgaas_admin", password: randomBytes(18).toString("base64url") },
      },
    }),
    201,
    "register a second pair",
  );
  const otherBody = other.json as { pair: { id: string }; agentTokens: Record<string, string> };
  const tenants: [Tenant, Tenant] = [
    await createTenant(url, { bearer: memberToken }, pairId, "sec_a"),
    await createTenant(url, { bearer: admin.token }, pairId, "sec_b"),
  ];
  return {
    ...url,
    pairId,
    adminEmail: options.adminEmail,
    adminPassword: options.adminPassword,
    admin,
    member: { ...member, cookie: memberCookie, token: memberToken },
    agentTokens: options.agentTokens,
    otherPair: { id: otherBody.pair.id, agentToken: otherBody.agentTokens.n1 ?? "" },
    tenants,
  };
}
