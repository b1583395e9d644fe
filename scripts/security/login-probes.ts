// Password guessing against the sign-in: a parallel burst from one client, lock-out attempts
// against other clients, a spoofed X-Forwarded-For, and account enumeration by the answer.
import { ACCOUNT_CLIENT_POLICY } from "../../portal/server/src/services/login-throttle.js";
import { errorCode, rawRequest } from "./http.js";
import { clean, escalation, failure, type Probe, type ProbeResult } from "./probe.js";
import { call, type Target } from "./target.js";

const ATTACKER = "127.0.0.7";
const VICTIM = "127.0.0.8";
const BURST = 40;

const login = (
  t: Target,
  from: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) =>
  rawRequest(`${t.url}/v1/auth/login`, {
    method: "POST",
    body: { email, password },
    headers,
    localAddress: from,
    ca: t.ca,
  });

/** 40 parallel wrong passwords: at most the free failures may reach the password check. */
export async function burstProbes(t: Target): Promise<ProbeResult[]> {
  const replies = await Promise.all(
    Array.from({ length: BURST }, (_, i) => login(t, ATTACKER, t.adminEmail, `wrong-password-${i}`)),
  );
  let checked = 0;
  return replies.map((reply, i) => {
    const base = { group: "login: parallel burst", name: `wrong password ${i + 1}/${BURST}` };
    if (reply.status === 429 && reply.headers["retry-after"] !== undefined) return { ...base, ...clean() };
    if (reply.status === 401 && errorCode(reply) === "invalid_credentials") {
      checked += 1;
      return checked <= ACCOUNT_CLIENT_POLICY.freeFailures
        ? { ...base, ...clean() }
        : { ...base, ...escalation(`guess ${checked} reached the password check`) };
    }
    return { ...base, ...failure(`unexpected answer: ${reply.status} ${reply.text.slice(0, 120)}`) };
  });
}

export function lockoutProbes(t: Target): Probe[] {
  const group = "login: lock-out and spoofing";
  return [
    {
      group,
      name: "the admin signs in from another client during the attack",
      run: async () => {
        const reply = await login(t, VICTIM, t.adminEmail, t.adminPassword);
        return reply.status === 200 ? clean() : escalation(`the admin was locked out: ${reply.status}`);
      },
    },
    {
      group,
      name: "the attacker claims another client by X-Forwarded-For",
      run: async () => {
        const reply = await login(t, ATTACKER, t.adminEmail, "wrong-spoofed", { "x-forwarded-for": VICTIM });
        if (reply.status === 429) return clean();
        // Admitted (the attacker's wait may have run out): the audit says whom the server blamed.
        const audit = await call(t, "GET", "/v1/audit?action=login&limit=1", {
          as: { bearer: t.admin.token },
        });
        const client = (audit.json as { entries: { details: { client?: string } }[] }).entries[0]?.details
          .client;
        return client === ATTACKER
          ? clean()
          : escalation(`the spoofed address was believed: client ${client}`);
      },
    },
    {
      group,
      name: "the attacker burns the member's free attempts",
      run: async () => {
        const statuses: number[] = [];
        for (let i = 0; i <= ACCOUNT_CLIENT_POLICY.freeFailures; i += 1) {
          statuses.push((await login(t, ATTACKER, t.member.email, `wrong-${i}`)).status);
        }
        return statuses.at(-1) === 429
          ? clean()
          : failure(`the member's guesses were not slowed: ${statuses.join(",")}`);
      },
    },
    {
      group,
      name: "the member still signs in from their own client",
      run: async () => {
        const reply = await login(t, VICTIM, t.member.email, t.member.password);
        return reply.status === 200 ? clean() : escalation(`the member was locked out: ${reply.status}`);
      },
    },
    ...["nobody", "root", "admin", "postgres", "test"].map((user) => ({
      group: "login: account enumeration",
      name: `unknown account ${user}@…`,
      run: async () => {
        const reply = await login(t, "127.0.0.9", `${user}@check-security.invalid`, "wrong-password");
        return reply.status === 401 && errorCode(reply) === "invalid_credentials"
          ? clean()
          : failure(`an unknown account answers differently: ${reply.status} ${reply.text.slice(0, 120)}`);
      },
    })),
  ];
}
