// examples/local end to end in `npm test` (root; about two minutes alone, up to five beside other system tests): the scenario of
// pulumi-local-scenario.ts, which also runs alone as `npm run e2e:pulumi`.
import { expect, it } from "vitest";
import { runPulumiLocalScenario } from "./pulumi-local-scenario.js";

it("examples/local: up, write, update in place, preview a replacement, switchover + refresh, destroy", async () => {
  const result = await runPulumiLocalScenario();
  expect([result.resources, result.unexpectedReplaces]).toEqual([9, 0]);
}, 360_000);
