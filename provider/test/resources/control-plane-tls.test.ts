// The provider against a control plane serving HTTPS with its own CA: PGAAS_CONTROL_PLANE_CA_FILE is
// read into the config, pinned for every call; without it the certificate is refused.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { me } from "@pgaas/api";
import { Secret, UnavailableError } from "@pgaas/common";
import { ADMIN, type Harness, loginCookie, startHarness } from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProviderConfig } from "../../src/plugin/provider-config.js";
import { controlPlaneFromConfig } from "../../src/resources/control-plane.js";

let harness: Harness;
let dir: string;
let apiToken: string;
beforeAll(async () => {
  harness = await startHarness({ tls: true });
  dir = await mkdtemp(join(tmpdir(), "pgaas-provider-tls-"));
  const cookie = await loginCookie(harness, ADMIN.email, ADMIN.password);
  const token = await harness.call("POST", "/v1/tokens", { auth: { cookie }, body: { name: "pulumi" } });
  apiToken = (token.body as { secret: string }).secret;
}, 120_000);
afterAll(async () => {
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the provider and an HTTPS control plane", () => {
  it("pins the CA from PGAAS_CONTROL_PLANE_CA_FILE for its calls", async () => {
    const caFile = join(dir, "ca.pem");
    await writeFile(caFile, harness.caCertificate ?? "");
    const config = parseProviderConfig({ controlPlaneUrl: harness.server.url, apiToken }, new Map(), {
      PGAAS_CONTROL_PLANE_CA_FILE: caFile,
    });
    expect(config.controlPlaneCa).toBe(harness.caCertificate);
    const { user } = await controlPlaneFromConfig(config, "Registration")(me, {});
    expect(user.email).toBe(ADMIN.email);
  });

  it("refuses the certificate without the CA, and names a CA file that is not one", async () => {
    const unpinned = controlPlaneFromConfig(
      { controlPlaneUrl: harness.server.url, apiToken: new Secret(apiToken) },
      "Registration",
    );
    const error = await unpinned(me, {}).catch((caught: unknown) => caught);
    expect([error instanceof UnavailableError, (error as UnavailableError).code]).toEqual([
      true,
      "control_plane_unreachable",
    ]);
    const notPem = join(dir, "not-a-ca.pem");
    await writeFile(notPem, "hello\n");
    expect(() => parseProviderConfig({}, new Map(), { PGAAS_CONTROL_PLANE_CA_FILE: notPem })).toThrow(
      `invalid provider configuration: PGAAS_CONTROL_PLANE_CA_FILE: ${notPem} is not a PEM certificate`,
    );
  });
});
