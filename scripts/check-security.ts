// `npm run check:security`: a bounded hostile-input suite against a freshly started stack of its own
// (its own state folder, subnet, name prefix and port, so a developer's `npm start` stack is never
// touched). Prints one row per probe group, every probe that was not clean, and
// `RESULT probes=… clean=… escalations=… plaintext_accepted=…`; exits 1 on any escalation.
// Needs root (the stack's hosts are network namespaces).
import { join } from "node:path";
import { describeError } from "@pgaas/common";
import { allocateSubnet, freePort } from "@pgaas/testing";
import { agentProbes } from "./security/agent-probes.js";
import { apiProbes } from "./security/api-probes.js";
import { burstProbes, lockoutProbes } from "./security/login-probes.js";
import { type ProbeResult, renderReport, runProbes, summarize } from "./security/probe.js";
import { prepareTarget } from "./security/target.js";
import { tenantProbes } from "./security/tenant-probes.js";
import { startStack, stopStack } from "./stack/index.js";
import { ensureSecretKey, readSecrets, stackPaths } from "./stack/stack-state.js";

/** Subnets and namespace prefix reserved for this check (system tests use other ranges). */
const RANGE = { prefix: "pgx", first: "10.231.80.0/24", count: 5 } as const;
const STATE_ROOT = "/run/pgaas-check-security";

const progress = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const claim = await allocateSubnet(RANGE);
  const root = join(STATE_ROOT, claim.prefix);
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    try {
      await stopStack({ root, purge: true, onProgress: progress });
    } finally {
      await claim.release();
    }
  };
  const onSignal = () => {
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // A run that was killed may have left this slot's stack behind.
    await stopStack({ root, purge: true, onProgress: progress });
    const stack = await startStack({
      root,
      prefix: claim.prefix,
      subnet: claim.subnet,
      portalPort: await freePort(),
      adminEmail: "admin@check-security.local",
      pairName: `sec-${claim.prefix}`,
      onProgress: progress,
    });
    const secrets = await readSecrets(stack.paths, await ensureSecretKey(stackPaths(root)));
    const target = await prepareTarget({
      url: stack.portalUrl,
      ca: stack.tls.caCertificate,
      pairId: stack.pairId,
      adminEmail: stack.admin.email,
      adminPassword: stack.admin.password,
      agentTokens: secrets?.agentTokens ?? {},
    });
    progress("… probes");
    const results: ProbeResult[] = [
      // Tenants first: later probes try (and must fail) to delete their databases.
      ...(await runProbes(tenantProbes(target))),
      ...(await runProbes(agentProbes(target))),
      ...(await burstProbes(target)),
      ...(await runProbes(lockoutProbes(target))),
      ...(await runProbes(apiProbes(target))),
    ];
    process.stdout.write(`\n${renderReport(results)}`);
    return summarize(results).escalations === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

if (process.getuid?.() !== 0) {
  process.stderr.write("check:security starts a stack of network namespaces: run it as root\n");
  process.exit(2);
}
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check:security failed: ${describeError(error)}\n`);
    process.exit(2);
  },
);
