// Local lab CLI (root on Linux):
//   tsx --conditions=pgaas-source scripts/lab.ts up --prefix pgh9 --subnet 10.231.9.0/24 --hosts n1,n2,w
//   tsx --conditions=pgaas-source scripts/lab.ts status --prefix pgh9
//   tsx --conditions=pgaas-source scripts/lab.ts down --prefix pgh9     (or --state-dir DIR)
// State lives in /run/pgaas-lab/<prefix> unless --state-dir says otherwise. `up` prints each host's
// address and the ssh command line that reaches it.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeError } from "@pgaas/common";
import { createLocalLab, destroyLab, labStatus } from "@pgaas/engine/local";

const USAGE =
  "usage: lab.ts up|down|status [--prefix P] [--subnet 10.231.N.0/24] [--hosts n1,n2,w] [--state-dir DIR]";

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      prefix: { type: "string" },
      subnet: { type: "string" },
      hosts: { type: "string" },
      "state-dir": { type: "string" },
    },
  });
  const command = positionals[0];
  const stateDir = values["state-dir"] ?? (values.prefix ? join("/run/pgaas-lab", values.prefix) : undefined);
  if (!stateDir || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case "up": {
      if (!values.prefix || !values.subnet || !values.hosts) {
        process.stderr.write(`up needs --prefix, --subnet and --hosts\n${USAGE}\n`);
        return 2;
      }
      const lab = await createLocalLab({
        prefix: values.prefix,
        subnet: values.subnet,
        hosts: values.hosts.split(",").filter((host) => host.length > 0),
        stateDir,
      });
      process.stdout.write(`lab ${lab.prefix} on ${lab.subnet}; host side ${lab.hostAddress}\n`);
      for (const host of lab.hosts) {
        process.stdout.write(
          `${host.name}\t${host.address}\tssh -i ${join(stateDir, "id_ed25519")} -o StrictHostKeyChecking=no root@${host.address}\n`,
        );
      }
      return 0;
    }
    case "down":
      await destroyLab(stateDir);
      process.stdout.write(`lab in ${stateDir} destroyed\n`);
      return 0;
    case "status": {
      const status = await labStatus(stateDir);
      process.stdout.write(status ? `${JSON.stringify(status, null, 2)}\n` : `no lab in ${stateDir}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab: ${describeError(error)}\n`);
    process.exit(1);
  },
);
