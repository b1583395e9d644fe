import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AccessPage } from "../src/features/access/AccessPage.js";
import { freezeClock } from "./support/clock.js";
import { created, fakeApi, ok } from "./support/fake-api.js";
import { accessRequest, database, IDS, user } from "./support/fixtures.js";

freezeClock();

const CERTIFICATE_ID = "83e1b294-a5a6-41c2-b3d4-9cadbecfd0e8";
const LIST_PATH = `/v1/access-requests/${IDS.request}/certificates`;
const member = user({ id: IDS.member, email: "max@example.com", role: "member" });
const grant = accessRequest({ state: "approved", roleName: "orders_ro_max" });
const certificate = {
  id: CERTIFICATE_ID,
  databaseId: IDS.database,
  accessRequestId: IDS.request,
  roleName: "orders_ro_max",
  method: "certificate" as const,
  serial: "40aa",
  fingerprint: "ab".repeat(32),
  notAfter: "2027-11-29T20:00:00.000Z",
  issuedAt: "2026-11-29T20:00:00.000Z",
  revokedAt: null,
  state: "active" as const,
};

async function openCertificates(viewer = member) {
  const api = fakeApi()
    .on("GET", "/v1/databases", ok({ databases: [database()] }))
    .on("GET", "/v1/access-requests", ok({ accessRequests: [grant] }));
  render(<AccessPage user={viewer} />);
  await screen.findByRole("table", { name: "Access requests" });
  return { api, events: userEvent.setup() };
}

describe("a grant's client certificates", () => {
  it("lets the requester issue one, shows it with its key once, and revoke it", async () => {
    const { api, events } = await openCertificates();
    api.on(
      "GET",
      LIST_PATH,
      ok({ clientCertificates: [] }),
      ok({ clientCertificates: [certificate] }),
      ok({
        clientCertificates: [{ ...certificate, state: "revoked", revokedAt: "2026-11-29T21:00:00.000Z" }],
      }),
    );
    await events.click(screen.getByRole("button", { name: "Certificates" }));
    const section = within(
      await screen.findByRole("region", { name: "Client certificates for orders_ro_max" }),
    );
    expect(await section.findByText("No certificates issued.")).toBeVisible();

    api.on(
      "POST",
      LIST_PATH,
      created({
        clientCertificate: certificate,
        certificate: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
        privateKey: "-----BEGIN PRIVATE KEY-----\nBB==\n-----END PRIVATE KEY-----\n",
        caCertificate: null,
        psql: "psql 'host=db port=5432 dbname=orders user=orders_ro_max sslmode=require sslcert=client.crt sslkey=client.key'",
      }),
    );
    await events.selectOptions(section.getByLabelText("Log in with"), "certificate+password");
    await events.click(section.getByRole("button", { name: "Issue certificate" }));
    expect(await screen.findByText(/BEGIN PRIVATE KEY/)).toBeVisible();
    expect(document.querySelector('[data-secret="psql"]')?.textContent).toContain("sslcert=client.crt");
    const row = await section.findByRole("row", { name: /^40aa certificate / });

    api.on(
      "POST",
      `/v1/client-certificates/${CERTIFICATE_ID}/revoke`,
      ok({ clientCertificate: certificate }),
    );
    await events.click(within(row).getByRole("button", { name: "Revoke" }));
    expect(await section.findByText("revoked")).toBeVisible();
    expect(api.writes).toEqual([
      { method: "POST", path: LIST_PATH, body: { method: "certificate+password", validDays: 365 } },
      { method: "POST", path: `/v1/client-certificates/${CERTIFICATE_ID}/revoke` },
    ]);
  });

  it("shows the owner the list to revoke from, with no way to issue", async () => {
    const { api, events } = await openCertificates(user());
    api.on("GET", LIST_PATH, ok({ clientCertificates: [certificate] }));
    await events.click(screen.getByRole("button", { name: "Certificates" }));
    const section = within(
      await screen.findByRole("region", { name: "Client certificates for orders_ro_max" }),
    );
    expect(await section.findByRole("button", { name: "Revoke" })).toBeVisible();
    expect(section.queryByRole("button", { name: "Issue certificate" })).toBeNull();
  });
});
