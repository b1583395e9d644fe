// axe-core (the npm package, injected from node_modules: no network) run on a page as it is shown,
// with the WCAG 2 A and AA rules. A page passes with no serious or critical violation; minor and
// moderate ones are printed so they stay visible without failing the run.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

// Evaluated rather than added as a <script>: the portal's CSP (script-src 'self') rightly blocks inline
// scripts, and the test must not loosen it.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const FAILING_IMPACTS = new Set(["serious", "critical"]);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

function describeViolation(violation: AxeViolation): string {
  const nodes = violation.nodes
    .map((node) => `    ${JSON.stringify(node.target)}: ${node.failureSummary?.replaceAll("\n", " ") ?? ""}`)
    .join("\n");
  return `  ${violation.id} (${violation.impact}): ${violation.help}\n${nodes}`;
}

/**
 * Runs axe on the page's current document and throws, naming each rule and its elements, when any
 * violation is serious or critical. `name` says which page it was (the screenshot's name).
 */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const loaded = await page.evaluate("typeof window.axe === 'object'");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const { violations, passes } = (await page.evaluate(
    `window.axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(WCAG_TAGS)} }, resultTypes: ["violations"] })
       .then((r) => ({ violations: r.violations, passes: r.passes.length }))`,
  )) as { violations: AxeViolation[]; passes: number };
  // A page where no rule applied at all was not checked (an empty document, a failed injection).
  if (passes === 0) throw new Error(`axe: no rule applied on ${name}`);
  const failing = violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ""));
  const minor = violations.filter((violation) => !FAILING_IMPACTS.has(violation.impact ?? ""));
  if (minor.length > 0)
    process.stdout.write(`[axe ${name}] minor or moderate:\n${minor.map(describeViolation).join("\n")}\n`);
  if (failing.length > 0)
    throw new Error(
      `axe: ${failing.length} serious or critical violation(s) on ${name}:\n${failing.map(describeViolation).join("\n")}`,
    );
}
