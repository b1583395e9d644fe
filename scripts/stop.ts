// `npm run stop`: stops every process and removes every namespace `npm start` started.
// `npm run stop -- --purge` also deletes the pair's files and the state folder.
import { describeError } from "@pgaas/common";
import { DEFAULT_STACK_ROOT, stopStack } from "./stack/index.js";

try {
  await stopStack({
    root: process.env.PGAAS_STATE_DIR ?? DEFAULT_STACK_ROOT,
    purge: process.argv.includes("--purge"),
    onProgress: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write("pgaas stopped.\n");
} catch (error) {
  process.stderr.write(`npm run stop failed: ${describeError(error)}\n`);
  process.exit(1);
}
