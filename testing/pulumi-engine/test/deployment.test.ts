// The test engine against its own tiny program and provider: the program runs under cmd/run, the
// provider under cmd/run-plugin, and every operation is checked against the provider's journal (what
// it was asked to do, in order) and the state file.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secret } from "@pgaas/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWireSecret, wireSecret } from "../../../provider/src/plugin/wire-values.js";
import { createPulumiEngine, DeploymentError, type OperationResult, type PulumiEngine } from "../index.js";

const PROGRAM = fileURLToPath(new URL("./tiny-program", import.meta.url));
const TOKEN = "s3cr3t-token-value";
const STACK_URN = "urn:pulumi:dev::tiny-program::pulumi:pulumi:Stack::tiny-program-dev";
const urn = (qualifiedType: string, name: string) =>
  `urn:pulumi:dev::tiny-program::${qualifiedType}::${name}`;
const FIRST = urn("tiny:components:Group$tiny:index:Item", "group-first");
const SECOND = urn("tiny:components:Group$tiny:index:Item", "group-second");
const GROUP = urn("tiny:components:Group", "group");
const EXTRA = urn("tiny:index:Item", "extra");
const SEEN = urn("tiny:index:Item", "seen");
const PROVIDER = urn("pulumi:providers:tiny", "default");

describe("the test engine with a tiny program and provider", () => {
  let dir: string;
  let engine: PulumiEngine;
  let journalSeen = 0;

  /** Journal lines written since the last call. */
  const newJournal = async (): Promise<string[]> => {
    const path = join(dir, "tiny", "journal.log");
    const lines = existsSync(path) ? (await readFile(path, "utf8")).trim().split("\n") : [];
    const fresh = lines.slice(journalSeen);
    journalSeen = lines.length;
    return fresh;
  };
  const ops = (result: OperationResult) => result.steps.map((step) => [step.op, step.urn, ...step.keys]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulumi-engine-"));
    engine = createPulumiEngine({
      projectDir: PROGRAM,
      stack: "dev",
      stateFile: join(dir, "state.json"),
      passphrase: new Secret("test passphrase"),
      env: { TINY_DIR: join(dir, "tiny") },
    });
    engine.setConfig("tiny-program:first", "hello");
    engine.setConfig("tiny-program:token", TOKEN, { secret: true });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("preview plans every create and changes nothing", async () => {
    const result = await engine.preview();
    expect(ops(result)).toEqual([
      ["create", STACK_URN],
      ["create", GROUP],
      ["create", PROVIDER],
      ["create", FIRST],
      ["create", SECOND],
    ]);
    expect(await newJournal()).toEqual([]);
    expect(existsSync(join(dir, "state.json"))).toBe(false);
  }, 60_000);

  it("up creates in dependency order, keeps the secret sealed and records component outputs", async () => {
    const result = await engine.up();
    expect(await newJournal()).toEqual([
      "create group-first k1-group-first",
      "create group-second item-group-second",
    ]);
    expect(result.outputs).toEqual({
      firstLength: 5,
      secondValue: "after-5",
      token: wireSecret(TOKEN),
      echoed: "hi",
    });
    const stateText = await readFile(join(dir, "state.json"), "utf8");
    expect(stateText).not.toContain(TOKEN);
    const state = await engine.state();
    expect(state.map((resource) => resource.urn)).toEqual([STACK_URN, GROUP, PROVIDER, FIRST, SECOND]);
    const group = state.find((resource) => resource.urn === GROUP);
    expect(group?.outputs).toEqual({ firstLength: 5, token: wireSecret(TOKEN) });
    const first = state.find((resource) => resource.urn === FIRST);
    expect(first?.id).toBe("k1-group-first");
    expect(first?.provider).toBe(`${PROVIDER}::${state.find((resource) => resource.urn === PROVIDER)?.id}`);
    expect(isWireSecret(first?.inputs.secret)).toBe(true);
    expect(state.find((resource) => resource.urn === SECOND)?.dependencies).toEqual([FIRST]);
  }, 60_000);

  it("an unchanged program is all same and touches nothing", async () => {
    const result = await engine.up();
    expect(new Set(result.steps.map((step) => step.op))).toEqual(new Set(["same"]));
    expect(await newJournal()).toEqual([]);
  }, 60_000);

  it("a changed value updates in place, and its dependent after it", async () => {
    engine.setConfig("tiny-program:first", "hello!");
    expect(ops(await engine.preview()).filter(([op]) => op !== "same")).toEqual([["update", FIRST, "value"]]);
    expect(await newJournal()).toEqual([]);
    const result = await engine.up();
    expect(ops(result).filter(([op]) => op !== "same")).toEqual([
      ["update", FIRST, "value"],
      ["update", SECOND, "value"],
    ]);
    expect(await newJournal()).toEqual([
      "update group-first k1-group-first",
      "update group-second item-group-second",
    ]);
    expect(result.outputs.secondValue).toBe("after-6");
  }, 60_000);

  it("a changed key replaces: preview shows it, up creates the new item before deleting the old", async () => {
    engine.setConfig("tiny-program:key", "k2");
    // The new item's length is unknown until it exists, so its dependent shows as an update too.
    expect(ops(await engine.preview()).filter(([op]) => op !== "same")).toEqual([
      ["replace", FIRST, "key"],
      ["update", SECOND, "value"],
    ]);
    await engine.up();
    expect(await newJournal()).toEqual([
      "create group-first k2-group-first",
      "delete group-first k1-group-first",
    ]);
    expect((await engine.state()).find((resource) => resource.urn === FIRST)?.id).toBe("k2-group-first");
  }, 60_000);

  it("refresh reads what the provider reports and keeps secrets secret", async () => {
    const file = join(dir, "tiny", "objects", "item-group-second.json");
    await writeFile(file, JSON.stringify({ value: "changed-outside", length: 15 }));
    const result = await engine.refresh();
    expect(ops(result)).toEqual([
      ["same", FIRST],
      ["refresh", SECOND, "length", "value"],
    ]);
    expect(await newJournal()).toEqual([
      "read group-first k2-group-first",
      "read group-second item-group-second",
    ]);
    const state = await engine.state();
    expect(state.find((resource) => resource.urn === SECOND)?.outputs).toMatchObject({
      value: "changed-outside",
    });
    expect(isWireSecret(state.find((resource) => resource.urn === FIRST)?.outputs.secret)).toBe(true);
  }, 60_000);

  it("get reads an existing item through the provider, records it external, and never deletes it", async () => {
    engine.setConfig("tiny-program:readId", "k2-group-first");
    const result = await engine.up({ skipPreview: true });
    expect(ops(result).filter(([, urn]) => urn === SEEN)).toEqual([["read", SEEN]]);
    expect(result.outputs.seenValue).toBe("hello!");
    // The up also puts back what the refresh above found changed outside (in any order with the read).
    expect((await newJournal()).sort()).toEqual([
      "read seen k2-group-first",
      "update group-second item-group-second",
    ]);
    const seen = (await engine.state()).find((resource) => resource.urn === SEEN);
    expect([seen?.id, seen?.external, seen?.outputs.value]).toEqual(["k2-group-first", true, "hello!"]);
    const missing = "k9-nothing";
    engine.setConfig("tiny-program:readId", missing);
    const failure = await engine.up({ skipPreview: true }).catch((error: unknown) => error);
    expect((failure as Error).message).toContain(`tiny:index:Item ${missing} (read as seen) does not exist`);
    expect(await newJournal()).toEqual([`read seen ${missing}`]);
    engine.removeConfig("tiny-program:readId");
    const dropped = await engine.up({ skipPreview: true });
    expect(ops(dropped).filter(([, urn]) => urn === SEEN)).toEqual([["discard", SEEN]]);
    expect(await newJournal()).toEqual([]);
    expect((await engine.state()).some((resource) => resource.urn === SEEN)).toBe(false);
  }, 60_000);

  it("a failing Check stops up before any create or update and names the property", async () => {
    engine.setConfig("tiny-program:first", "");
    const failure = await engine.up().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeploymentError);
    expect((failure as Error).message).toContain(
      "tiny:index:Item resource 'group-first' has a problem: value: must be a non-empty string",
    );
    expect(await newJournal()).toEqual([]);
    engine.setConfig("tiny-program:first", "hello!");
  }, 60_000);

  it("destroy deletes dependents first and leaves an empty state", async () => {
    engine.setConfig("tiny-program:extra", "true");
    await engine.up();
    expect(await newJournal()).toEqual(["create extra item-extra"]);
    const result = await engine.destroy();
    expect(result.steps.map((step) => step.urn)).toEqual([EXTRA, SECOND, FIRST, PROVIDER, GROUP, STACK_URN]);
    expect(await newJournal()).toEqual([
      "delete extra item-extra",
      "delete group-second item-group-second",
      "delete group-first k2-group-first",
    ]);
    expect(await engine.state()).toEqual([]);
    expect(await readdir(join(dir, "tiny", "objects"))).toEqual([]);
  }, 60_000);
});
