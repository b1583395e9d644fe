// Forged agent reports: samples dated in the future, another pair's token, a node's token on this
// pair's user routes; afterwards the pair's primary must be the one its agents report.
import { randomUUID } from "node:crypto";
import { errorCode } from "./http.js";
import { clean, escalation, failure, type Probe } from "./probe.js";
import { call, type Target } from "./target.js";

function stateReport(sampledAt: string) {
  return {
    reportId: randomUUID(),
    sampledAt,
    sequence: 0,
    agentStartedAt: new Date().toISOString(),
    kind: "state",
    state: {
      role: "primary",
      fenced: false,
      writable: true,
      timeline: 999,
      lsn: "0/3000148",
      receiveLsn: null,
      lagBytes: null,
      lagSeconds: null,
      syncState: "sync",
      synchronousStandbyNames: "",
      streamingStandbys: [],
      postmasterStartedAt: null,
      repmgr: { nodeId: 1, status: "running", upstreamNode: null },
      pendingRestart: false,
      error: null,
    },
  };
}

export function agentProbes(t: Target): Probe[] {
  const group = "forged agent reports";
  const primary = async () =>
    (
      (await call(t, "GET", `/v1/pairs/${t.pairId}`, { as: { bearer: t.admin.token } })).json as {
        pair: { primary: string | null };
      }
    ).pair.primary;
  let primaryBefore: string | null = null;
  const future = (token: string, sampledAt: string) => async () => {
    const reply = await call(t, "POST", "/v1/agent/report", {
      as: { bearer: token },
      body: { reports: [stateReport(sampledAt)] },
    });
    if (reply.status === 400 && errorCode(reply) === "sampled_at_in_future") return clean();
    if (reply.status === 200) return escalation(`a future sample was stored: ${reply.text}`);
    return failure(`unexpected answer: ${reply.status} ${reply.text.slice(0, 120)}`);
  };
  const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  return [
    {
      group,
      name: "(note the current primary)",
      run: async () => {
        primaryBefore = await primary();
        return primaryBefore === null ? failure("the pair has no primary to protect") : clean();
      },
    },
    {
      group,
      name: "standby's token, sampledAt in year 9999",
      run: future(t.agentTokens.n2 ?? "", "9999-12-31T23:59:59.000Z"),
    },
    {
      group,
      name: "standby's token, sampledAt 60 s ahead",
      run: future(t.agentTokens.n2 ?? "", inSeconds(60)),
    },
    {
      group,
      name: "primary's token, sampledAt 1 h ahead",
      run: future(t.agentTokens.n1 ?? "", inSeconds(3600)),
    },
    {
      group,
      name: "other pair's token, sampledAt in year 9999",
      run: future(t.otherPair.agentToken, "9999-12-31T23:59:59.000Z"),
    },
    {
      group,
      name: "other pair's token reports a writable primary on timeline 999",
      run: async () => {
        await call(t, "POST", "/v1/agent/report", {
          as: { bearer: t.otherPair.agentToken },
          body: { reports: [stateReport(new Date().toISOString())] },
        });
        const now = await primary();
        return now === primaryBefore
          ? clean()
          : escalation(`this pair's primary moved from ${primaryBefore} to ${now}`);
      },
    },
    {
      group,
      name: "other pair's token finishes a command it does not own",
      run: async () => {
        const reply = await call(t, "POST", `/v1/agent/commands/${randomUUID()}/result`, {
          as: { bearer: t.otherPair.agentToken },
          body: {
            outcome: "succeeded",
            startedAt: new Date().toISOString(),
            finishedAt: new Date().toISOString(),
            message: "",
          },
        });
        return [403, 404].includes(reply.status) ? clean() : escalation(`accepted: ${reply.status}`);
      },
    },
    {
      group,
      name: "a node's token reads its pair through a user route",
      run: async () => {
        const reply = await call(t, "GET", `/v1/pairs/${t.pairId}`, {
          as: { bearer: t.agentTokens.n1 ?? "" },
        });
        return reply.status === 403 ? clean() : escalation(`answered ${reply.status}`);
      },
    },
    {
      group,
      name: "the pair's primary is unchanged",
      run: async () => {
        const now = await primary();
        return now === primaryBefore
          ? clean()
          : escalation(`the primary moved from ${primaryBefore} to ${now}`);
      },
    },
  ];
}
