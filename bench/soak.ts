// Chaos soak (issue #10): a real pair with agents and the control plane, a bounded writer through the
// VIP, and faults one at a time with seeded random gaps (kill -9 of the primary or the standby, the
// primary host vanishing and returning, an n1↔n2 partition, the witness down, the control plane down,
// an agent killed). After each fault the pair must be healthy again with a synchronous standby on its
// own within 120 s. Prints a table per fault kind and a RESULT line; progress goes to stderr.
// Run: npm run soak [-- --minutes N] [--seed S] [--faults kind,kind,…  (a fixed order instead)]   (as root)
import { parseArgs } from "node:util";
import { FAULT_KINDS, type FaultKind, runSoak, soakResultLine, soakTable } from "@pgaas/testing/soak";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    seed: { type: "string" },
    faults: { type: "string" },
  },
});
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
  throw new RangeError("--minutes must be a number of minutes in (0, 1440]");
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(seed)) throw new RangeError("--seed must be an integer");

// SIGINT/SIGTERM: no new fault starts; the soak's cleanup (finally) restores links and tears down.
const abort = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`${signal}: stopping after the current fault and cleaning up (again to exit now)\n`);
    abort.abort();
  });
}

const isFaultKind = (kind: string): kind is FaultKind => (FAULT_KINDS as readonly string[]).includes(kind);
const sequence = values.faults?.split(",").map((kind) => {
  if (!isFaultKind(kind)) throw new RangeError(`--faults: ${kind} is not one of ${FAULT_KINDS.join(", ")}`);
  return kind;
});

process.stderr.write(`soak: ${minutes} min, seed ${seed}\n`);
const result = await runSoak({
  range: { prefix: "psk", first: "10.231.200.0/24", count: 4 },
  seed,
  durationMs: minutes * 60_000,
  // At least ~45 s per fault (gap + hold + heal): a bound, never reached in practice.
  maxFaults: sequence?.length ?? Math.ceil((minutes * 60) / 20),
  ...(sequence ? { sequence } : {}),
  gapMs: { min: 5_000, max: 20_000 },
  holdMs: 15_000,
  healTimeoutMs: 120_000,
  signal: abort.signal,
  log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
});
console.log(`\nChaos soak, ${minutes} min, seed ${seed}: ${result.ackedRows} acknowledged writes\n`);
console.log(soakTable(result));
for (const fault of result.faults) if (fault.healS === null) console.log(`\nunhealed: ${fault.what}`);
for (const sighting of result.dual)
  console.log(`two writable primaries (${sighting.where}): ${sighting.seen}`);
if (result.evidence.length > 0) console.log(`\nevidence: ${result.evidence.join(", ")}`);
console.log(`\n${soakResultLine(result)}`);
process.exitCode = result.lost.length + result.dual.length + result.unhealed === 0 ? 0 : 1;
