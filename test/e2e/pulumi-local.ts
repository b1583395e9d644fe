// `npm run e2e:pulumi`: examples/local end to end through the test engine, with timings (see
// pulumi-local-scenario.ts). Needs root.
import { resultLine, runPulumiLocalScenario } from "./pulumi-local-scenario.js";

try {
  const result = await runPulumiLocalScenario((line) => process.stdout.write(`… ${line}\n`));
  process.stdout.write(`${resultLine(result)}\n`);
} catch (error) {
  process.stderr.write(`e2e:pulumi failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
