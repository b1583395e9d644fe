// Remote components through the test engine: the program registers tiny:index:Pair with `remote: true`,
// the engine asks the tiny provider to Construct it with the engine's own monitor, and the component and
// its children the provider registers land in the state under the component; preview builds nothing,
// a program resource that depends on the component waits for the whole Construct, destroy deletes the
// children. (pulumi.runtime.setMocks cannot cover this: mocks never reach a provider's Construct.)
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secret } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWireSecret, wireSecret } from "../../../provider/src/plugin/wire-values.js";
import { createPulumiEngine, type OperationResult, type PulumiEngine } from "../index.js";

const PROGRAM = fileURLToPath(new URL("./tiny-remote-program", import.meta.url));
const TOKEN = "remote-s3cr3t";
const urn = (qualifiedType: string, name: string) =>
  `urn:pulumi:dev::tiny-remote-program::${qualifiedType}::${name}`;
const STACK = urn("pulumi:pulumi:Stack", "tiny-remote-program-dev");
const PROVIDER = urn("pulumi:providers:tiny", "default");
const PAIR = urn("tiny:index:Pair", "remote");
const FIRST = urn("tiny:index:Pair$tiny:index:Item", "remote-first");
const SECOND = urn("tiny:index:Pair$tiny:index:Item", "remote-second");
const AFTER = urn("tiny:index:Item", "after");

describe("remote components (Construct) through the test engine", () => {
  let dir: string;
  let engine: PulumiEngine;
  let journalSeen = 0;

  const newJournal = async (): Promise<string[]> => {
    const path = join(dir, "tiny", "journal.log");
    const lines = existsSync(path) ? (await readFile(path, "utf8")).trim().split("\n") : [];
    const fresh = lines.slice(journalSeen);
    journalSeen = lines.length;
    return fresh;
  };
  const ops = (result: OperationResult) => result.steps.map((step) => [step.op, step.urn]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulumi-engine-remote-"));
    engine = createPulumiEngine({
      projectDir: PROGRAM,
      stack: "dev",
      stateFile: join(dir, "state.json"),
      passphrase: new Secret("test passphrase"),
      env: { TINY_DIR: join(dir, "tiny") },
    });
    engine.setConfig("tiny-remote-program:first", "hello");
    engine.setConfig("tiny-remote-program:token", TOKEN, { secret: true });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("preview constructs the component in a dry run: children planned, nothing created", async () => {
    const result = await engine.preview();
    expect(ops(result)).toEqual([
      ["create", STACK],
      ["create", PROVIDER],
      ["create", PAIR],
      ["create", FIRST],
      ["create", SECOND],
      ["create", AFTER],
    ]);
    expect(await newJournal()).toEqual(["construct remote"]);
    expect(existsSync(join(dir, "state.json"))).toBe(false);
  }, 60_000);

  it("up creates the children under the component, then what depends on its outputs; secrets stay secret", async () => {
    const result = await engine.up({ skipPreview: true });
    expect(await newJournal()).toEqual([
      "construct remote",
      "create remote-first item-remote-first",
      "create remote-second item-remote-second",
      "create after item-after",
    ]);
    expect(result.outputs).toEqual({
      firstLength: 5,
      secondValue: "after-5",
      token: wireSecret(TOKEN),
      afterValue: "then-after-5",
    });
    const state = await engine.state();
    expect(state.map((resource) => [resource.urn, resource.parent ?? ""])).toEqual([
      [STACK, ""],
      [PROVIDER, ""],
      [PAIR, STACK],
      [FIRST, PAIR],
      [SECOND, PAIR],
      [AFTER, STACK],
    ]);
    const pair = state.find((resource) => resource.urn === PAIR);
    expect(pair?.custom).toBe(false);
    expect(pair?.outputs).toEqual({ firstLength: 5, secondValue: "after-5", token: wireSecret(TOKEN) });
    expect(isWireSecret(state.find((resource) => resource.urn === FIRST)?.outputs.secret)).toBe(true);
    expect(await readFile(join(dir, "state.json"), "utf8")).not.toContain(TOKEN);
  }, 60_000);

  it("a second up constructs again and changes nothing", async () => {
    const result = await engine.up({ skipPreview: true });
    expect(ops(result).filter(([op]) => op !== "same")).toEqual([]);
    expect(await newJournal()).toEqual(["construct remote"]);
  }, 60_000);

  it("destroy deletes the component's children, dependents first, and empties the state", async () => {
    const result = await engine.destroy();
    expect(ops(result)).toEqual([
      ["delete", AFTER],
      ["delete", SECOND],
      ["delete", FIRST],
      ["delete", PAIR],
      ["delete", PROVIDER],
      ["delete", STACK],
    ]);
    expect(await newJournal()).toEqual([
      "delete after item-after",
      "delete remote-second item-remote-second",
      "delete remote-first item-remote-first",
    ]);
    expect(await engine.state()).toEqual([]);
  }, 60_000);
});
