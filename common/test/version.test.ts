// One version: every package of the repository, the pins between them and the provider's schema carry
// PGAAS_VERSION, so the plugin, the SDK that asks for it and the agent artefact never disagree.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PGAAS_VERSION } from "../src/wire/version.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => JSON.parse(readFileSync(`${REPO}${path}`, "utf8"));

describe("the one pgaas version", () => {
  const root = read("package.json") as { version: string; workspaces: string[] };
  const manifests = root.workspaces.map((workspace) => ({
    workspace,
    manifest: read(`${workspace}/package.json`) as {
      version: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    },
  }));

  it("is every package's version", () => {
    expect(root.version).toBe(PGAAS_VERSION);
    expect(manifests.length).toBeGreaterThan(5);
    for (const { workspace, manifest } of manifests)
      expect([workspace, manifest.version]).toEqual([workspace, PGAAS_VERSION]);
  });

  it("is what the packages pin of each other", () => {
    const pins = manifests.flatMap(({ workspace, manifest }) =>
      Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
        .filter(([name]) => name.startsWith("@pgaas/"))
        .map(([name, version]) => [workspace, name, version]),
    );
    expect(pins.length).toBeGreaterThan(5);
    for (const [workspace, name, version] of pins)
      expect([workspace, name, version]).toEqual([workspace, name, PGAAS_VERSION]);
  });

  it("is the version in the provider's schema and the plugin the SDK asks the engine for", () => {
    expect(read("provider/schema.json").version).toBe(PGAAS_VERSION);
    expect(read("provider/schema.json").language.nodejs.dependencies["@pulumi/pulumi"]).toBe(
      read("sdk/package.json").dependencies["@pulumi/pulumi"],
    );
    expect(read("sdk/package.json").pulumi).toEqual({
      resource: true,
      name: "pgaas",
      version: PGAAS_VERSION,
    });
  });
});
