// `npm start`: the whole service on this machine (see scripts/stack). Prints progress for every step,
// then the portal URL (HTTPS), the local CA that issued its certificate and how to sign in: the admin password itself only on the start that created
// it, afterwards the 0600 file that keeps it. Environment: PGAAS_SUBNET (default 10.230.1.0/24),
// PGAAS_PREFIX (namespace prefix, "pgaas"), PGAAS_PAIR (pair name, "demo"), PGAAS_PORT (8080),
// PGAAS_STATE_DIR (/var/lib/pgaas-stack).
import { describeError } from "@pgaas/common";
import { DEFAULT_STACK_ROOT, startStack } from "./stack/index.js";

const started = performance.now();
try {
  const stack = await startStack({
    root: process.env.PGAAS_STATE_DIR ?? DEFAULT_STACK_ROOT,
    ...(process.env.PGAAS_SUBNET ? { subnet: process.env.PGAAS_SUBNET } : {}),
    ...(process.env.PGAAS_PREFIX ? { prefix: process.env.PGAAS_PREFIX } : {}),
    ...(process.env.PGAAS_PAIR ? { pairName: process.env.PGAAS_PAIR } : {}),
    ...(process.env.PGAAS_PORT ? { portalPort: Number(process.env.PGAAS_PORT) } : {}),
    onProgress: (line) => process.stdout.write(`${line}\n`),
    onEngineProgress: (event) => {
      if (event.status === "start") return;
      const what = event.changed ? "changed" : event.status === "skipped" ? "skipped" : "ok";
      process.stdout.write(
        `    ${event.step.padEnd(16)} ${event.host.padEnd(5)} ${what.padEnd(8)} ${event.durationMs} ms\n`,
      );
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      "",
      `pgaas is running (${seconds} s).`,
      `  portal:    ${stack.portalUrl}`,
      `  API docs:  ${stack.portalUrl}/docs`,
      `  local CA:  ${stack.tls.caFile}`,
      "             (the portal's certificate comes from it: trust it in your browser, or",
      "             curl --cacert / NODE_EXTRA_CA_CERTS / PGAAS_CONTROL_PLANE_CA_FILE for API clients)",
      ...(stack.admin.created
        ? [
            `  sign in:   ${stack.admin.email} / ${stack.admin.password}`,
            `             (shown this once; kept in ${stack.admin.passwordFile}, mode 0600)`,
          ]
        : [`  sign in:   ${stack.admin.email} (password in ${stack.admin.passwordFile})`]),
      "  stop:      npm run stop        (add -- --purge to delete all data)",
      "",
    ].join("\n"),
  );
  process.exit(0);
} catch (error) {
  process.stderr.write(`npm start failed: ${describeError(error)}\n`);
  process.exit(1);
}
