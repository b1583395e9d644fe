// End-to-end: the portal in real headless Chromium against a running control plane, a real pair
// and real agents. The scenario in order, one step per test (each builds on the last):
// admin signs in, creates a database, writes to it with the shown URI, sees its metrics, its query
// insights and a slow statement from the server's log (not shown to a member without a grant), changes a
// setting that PostgreSQL then applies, rotates the owner's password (old and new both work through
// the overlap); a member asks for read-only access, the admin approves, the
// member's credentials read but cannot write (and stop working once revoked); the admin deletes the
// database by typing its name. Reports (CSV, printable page), API tokens, the admin pages and the
// phone layout are checked on the way.
// Every page is saved as a screenshot under test-artifacts/e2e/ and checked with axe-core (WCAG 2 A/AA:
// no serious or critical violation).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { POOLER_PORT } from "@pgaas/common/wire";
import { pairUriConfig } from "@pgaas/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertAccessible } from "./accessibility.js";
import { ARTIFACTS_DIR, type Browser, launchBrowser } from "./browser.js";
import {
  chartSamples,
  openSection,
  shownOnce,
  signIn,
  signOut,
  waitForChartSamples,
} from "./portal-pages.js";
import { type PortalStack, startPortalStack } from "./portal-stack.js";

const DATABASE = "e2e_shop";
const MEMBER = { email: "member@example.com", password: "member-password-42" };

/** The pair CA as the portal shows it beside the owner's URI; every connection verifies with it. */
let pairCa = "";

/** Runs `sql` over a fresh connection and closes it; errors carry PostgreSQL's SQLSTATE in `code`. */
async function withClient<T>(uri: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pairUriConfig(uri, pairCa), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function sqlState(action: Promise<unknown>): Promise<string> {
  try {
    await action;
    return "succeeded";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("portal end to end", () => {
  // Steps build on each other: after one fails, the rest stop at once instead of timing out.
  let failedStep: string | undefined;
  const step = (name: string, body: () => Promise<void>, timeoutMs?: number) =>
    it(
      name,
      async () => {
        if (failedStep) throw new Error(`not run: the step "${failedStep}" failed`);
        try {
          await body();
        } catch (error) {
          failedStep = name;
          throw error;
        }
      },
      timeoutMs,
    );

  let stack: PortalStack;
  let browser: Browser;
  let phone: Browser | undefined;
  let ownerUri = "";
  let rotatedOwnerUri = "";
  let memberUri = "";
  let databasePath = "";
  const shot = (name: string) => browser.screenshot(name);

  beforeAll(async () => {
    stack = await startPortalStack((line) => process.stdout.write(`[e2e stack] ${line}\n`));
    browser = await launchBrowser({ origin: stack.portalUrl, certificate: stack.certificate });
  }, 600_000);

  afterAll(async () => {
    await phone?.close();
    await browser?.close();
    await stack?.stop();
  }, 300_000);

  step(
    "signs the admin in and shows the pair with both nodes",
    async () => {
      const { page } = browser;
      await page.goto(stack.portalUrl);
      await page.getByRole("heading", { name: "Sign in to pgaas" }).waitFor();
      await page.getByRole("button", { name: "Sign in" }).click();
      expect(await page.locator(".field-error").allTextContents()).toEqual(["Required", "Required"]);
      await shot("01-sign-in");
      await signIn(page, stack.admin.email, stack.admin.password);
      await page.getByRole("heading", { level: 1, name: "Pairs" }).waitFor();
      const card = page.locator("section[data-pair]").first();
      await card.getByText("Healthy").waitFor({ timeout: 120_000 });
      const roles = await card.locator("tr[data-node] td[data-role]").allTextContents();
      expect(roles.sort()).toEqual(["primary", "standby"]);
      await shot("02-pairs");
    },
    180_000,
  );

  step(
    "creates a database and writes a row through the shown URI",
    async () => {
      const { page } = browser;
      await openSection(page, "Databases", "Databases");
      await shot("03-databases");
      await page.getByRole("link", { name: "New database" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Bad-Name");
      await page.getByRole("button", { name: "Create database" }).click();
      await page
        .getByText('Upper case is not allowed: use a–z. Not allowed: "-". Use a–z, 0–9 and _.')
        .waitFor();
      await page.getByLabel("Name", { exact: true }).fill(DATABASE);
      await shot("04-database-form");
      await page.getByRole("button", { name: "Create database" }).click();
      await page.getByRole("heading", { name: `Database ${DATABASE} created` }).waitFor({ timeout: 60_000 });
      ownerUri = await shownOnce(page, "connection-uri");
      expect(ownerUri).toMatch(/\?sslmode=verify-full$/);
      pairCa = await shownOnce(page, "ca-certificate");
      expect(await shownOnce(page, "username")).toBe(DATABASE);
      await shot("05-database-created");
      const rows = await withClient(ownerUri, async (client) => {
        await client.query("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL)");
        await client.query("INSERT INTO orders VALUES (1, 'teapot')");
        return (await client.query("SELECT id, item FROM orders")).rows;
      });
      expect(rows).toEqual([{ id: 1, item: "teapot" }]);
      await page.getByRole("link", { name: `Open ${DATABASE}` }).click();
      await page.getByRole("heading", { level: 1, name: DATABASE }).waitFor();
      databasePath = new URL(page.url()).pathname;
      expect(databasePath).toMatch(/^\/databases\/[0-9a-f-]{36}$/);
    },
    120_000,
  );

  step(
    "shows the database's metrics charts populated by the agents",
    async () => {
      const { page } = browser;
      await page.getByRole("heading", { name: "Metrics" }).waitFor();
      // Points are one-minute buckets: two samples (a drawn line) arrive within about a minute.
      // Work done after the first sample shows in the commit and cache counters of the next.
      expect(await waitForChartSamples(page, "Size", 1, 60_000)).toBeGreaterThanOrEqual(1);
      await withClient(ownerUri, async (client) => {
        for (let id = 2; id <= 201; id += 1)
          await client.query("INSERT INTO orders VALUES ($1, 'mug')", [id]);
        await client.query("DELETE FROM orders WHERE id > 1");
      });
      expect(await waitForChartSamples(page, "Size", 2, 150_000)).toBeGreaterThanOrEqual(2);
      expect(await page.locator('figure[data-chart="Size"] svg path').getAttribute("d")).toMatch(
        /^M[\d.]+,[\d.]+L/,
      );
      expect(await chartSamples(page, "Connections")).toBeGreaterThanOrEqual(2);
      await shot("06-database-detail");
    },
    240_000,
  );

  step("shows the statements run in the database (query insights)", async () => {
    const { page } = browser;
    // Insights load with the page; the inserts above ran after it opened.
    await page.reload();
    const table = page.getByRole("table", { name: "Top statements" });
    // The 200 inserts sent with a parameter are one statement, their literals shown as $n (the first
    // insert, all literals, is another: a different parse tree).
    const inserts = table.getByRole("row", { name: /^INSERT INTO orders VALUES \(\$1, \$2\) \S+ 200 / });
    await inserts.waitFor({ timeout: 30_000 });
    await shot("06b-query-insights");
  });

  step(
    "shows a slow statement from the server's log, normalised, without its literals",
    async () => {
      const { page } = browser;
      await withClient(ownerUri, (client) => client.query("SELECT pg_sleep(1.2), 'e2e-secret-literal'"));
      // The agents send what their node logged with the next metrics report: reload until it is there.
      const sleep = page
        .getByRole("table", { name: "Slow statements" })
        .getByRole("row", { name: /^SELECT pg_sleep\(\$1\), \$2 / });
      const deadline = Date.now() + 90_000;
      for (let attempt = 0; attempt < 30 && Date.now() < deadline; attempt += 1) {
        await page.reload();
        await page.getByRole("heading", { name: "Slow queries" }).waitFor();
        await page.getByText("Loading slow queries…").waitFor({ state: "detached" });
        if ((await sleep.count()) > 0) break;
        await page.waitForTimeout(3000);
      }
      expect(await sleep.count()).toBe(1);
      const cells = await sleep.locator("td").allTextContents();
      expect([cells[1], cells[2]]).toEqual(["1.2 s", DATABASE]);
      expect(await page.getByText("e2e-secret-literal").count()).toBe(0);
      await sleep.scrollIntoViewIfNeeded();
      await shot("06c-slow-queries");
    },
    120_000,
  );

  step("changes a setting and PostgreSQL applies it to new sessions", async () => {
    const { page } = browser;
    const settings = page.getByRole("form", { name: "Database settings" });
    await settings.getByLabel("statement_timeout (ms)").fill("99999999999");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByText("must be between 0 and 86400000 (ms)").waitFor();
    await settings.getByLabel("statement_timeout (ms)").fill("12345");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByText("Settings saved").waitFor({ timeout: 30_000 });
    await shot("07-settings-saved");
    const shown = await withClient(
      ownerUri,
      async (client) => (await client.query("SHOW statement_timeout")).rows,
    );
    expect(shown).toEqual([{ statement_timeout: "12345ms" }]);
  });

  step("rotates the owner password with an overlap: the old and the new password both connect", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Rotate owner password" }).click();
    const dialog = page.getByRole("dialog", { name: `Rotate the password of ${DATABASE}?` });
    await dialog.getByLabel("The old password keeps working for").selectOption("1440");
    await shot("07b-owner-rotate-dialog");
    await dialog.getByRole("button", { name: "Rotate password" }).click();
    await page.getByRole("heading", { name: `New password for ${DATABASE}_b` }).waitFor({ timeout: 30_000 });
    expect(await shownOnce(page, "username")).toBe(`${DATABASE}_b`);
    rotatedOwnerUri = await shownOnce(page, "connection-uri");
    const until = await page.locator("[data-overlap-until]").getAttribute("data-overlap-until");
    // A day from now, give or take the test's own minute.
    expect(Math.abs(Date.parse(until ?? "") - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    await shot("07c-owner-rotated");
    const identity = (uri: string) =>
      withClient(uri, async (client) => {
        const { rows } = await client.query("SELECT session_user || ' as ' || current_user AS who");
        return rows[0].who as string;
      });
    // Both log in as the owner role: the new login becomes it, so its tables are the owner's.
    expect(await identity(ownerUri)).toBe(`${DATABASE} as ${DATABASE}`);
    expect(await identity(rotatedOwnerUri)).toBe(`${DATABASE}_b as ${DATABASE}`);
    expect(
      await withClient(
        rotatedOwnerUri,
        async (client) => (await client.query("SELECT item FROM orders")).rows,
      ),
    ).toEqual([{ item: "teapot" }]);
  });

  step(
    "enables connection pooling: the pooled URI is shown and a transaction runs through PgBouncer",
    async () => {
      const { page } = browser;
      const pooledPort = (uri: string) => {
        const url = new URL(uri);
        url.port = String(POOLER_PORT);
        return url.toString();
      };
      await page.reload();
      await page.getByRole("heading", { level: 1, name: DATABASE }).waitFor();
      // Not pooled yet: PgBouncer on the endpoint serves no such database. Authentication comes first
      // and finds no login there, so the client learns nothing about which databases exist.
      expect(await page.getByText("Not pooled: only the direct endpoint serves it.").count()).toBe(1);
      const before = await withClient(pooledPort(rotatedOwnerUri), (client) => client.query("SELECT 1")).then(
        () => "connected",
        (error: Error) => error.message,
      );
      expect(before).toBe("SASL authentication failed");
      await page.getByRole("button", { name: "Enable pooling" }).click();
      await page
        .getByText("Both nodes reload PgBouncer within a few seconds; connected clients stay.")
        .waitFor();
      await page.reload();
      const shown = page
        .locator("dt", { hasText: "Pooled URI" })
        .locator("xpath=following-sibling::dd[1]/code");
      await shown.waitFor({ timeout: 30_000 });
      const pooledUri = (await shown.textContent()) ?? "";
      expect(new URL(pooledUri).port).toBe(String(POOLER_PORT));
      expect(new URL(pooledUri).searchParams.get("sslmode")).toBe("verify-full");
      await shot("07d-pooling-enabled");
      // The agents rewrite PgBouncer's database list on their next round: bounded retries.
      let rows: unknown[] = [];
      const deadline = Date.now() + 30_000;
      for (let attempt = 0; attempt < 30 && Date.now() < deadline; attempt += 1) {
        try {
          rows = await withClient(
            pooledPort(rotatedOwnerUri),
            async (client) => (await client.query("SELECT item FROM orders ORDER BY id")).rows,
          );
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      expect(rows).toEqual([{ item: "teapot" }]);
    },
    90_000,
  );

  step("lets the admin add a member", async () => {
    const { page } = browser;
    await openSection(page, "Admin", "Admin");
    await page.getByRole("link", { name: "Users" }).click();
    const form = page.getByRole("form", { name: "New user" });
    await form.getByLabel("Email").fill(MEMBER.email);
    await form.getByLabel("Initial password").fill(MEMBER.password);
    await form.getByLabel("Role").selectOption("member");
    await form.getByRole("button", { name: "Create user" }).click();
    await form.getByText(`User ${MEMBER.email} created`).waitFor();
    await shot("08-admin-users");
  });

  step("lets the member request read-only access through the database's share link", async () => {
    const { page } = browser;
    await signOut(page);
    await page.goto(`${stack.portalUrl}/access?databaseId=${databasePath.split("/").at(-1)}`);
    await signIn(page, MEMBER.email, MEMBER.password);
    await page.getByRole("heading", { level: 1, name: "Access requests" }).waitFor();
    const form = page.getByRole("form", { name: "Request access" });
    await form.getByLabel("Access level").selectOption("read_only");
    await form.getByLabel("Reason").fill("Monthly sales report");
    // Before any grant the member sees nothing of the database: not even its slow statements.
    const slowQueries = `/v1/databases/${databasePath.split("/").at(-1)}/slow-queries`;
    expect(await page.evaluate(async (path) => (await fetch(path)).status, slowQueries)).toBe(404);
    await form.getByRole("button", { name: "Request access" }).click();
    await form.getByText("Request sent").waitFor();
    await page.locator('tr[data-state="pending"]').waitFor();
    await shot("09-access-requested");
  });

  step("lets the admin approve the request", async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, stack.admin.email, stack.admin.password);
    await openSection(page, "Access requests", "Access requests");
    await page.locator('tr[data-state="pending"]').getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Monthly sales report").waitFor();
    await dialog.getByLabel("Expires (UTC, optional)").fill("2030-01-31T12:00");
    await shot("10-access-approve-dialog");
    await dialog.getByRole("button", { name: "Approve" }).click();
    const approved = page.locator('tr[data-state="approved"]');
    await approved.waitFor({ timeout: 30_000 });
    expect(await approved.locator("td").nth(5).textContent()).toBe("2030-01-31 12:00:00 UTC");
    await shot("11-access-approved");
  });

  step("gives the member credentials that read but cannot write", async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, MEMBER.email, MEMBER.password);
    await openSection(page, "Access requests", "Access requests");
    await page.getByRole("button", { name: "Collect credentials" }).click();
    memberUri = await shownOnce(page, "connection-uri");
    expect(await shownOnce(page, "ca-certificate")).toBe(pairCa);
    await shot("12-access-credentials");
    const read = await withClient(
      memberUri,
      async (client) => (await client.query("SELECT item FROM orders")).rows,
    );
    expect(read).toEqual([{ item: "teapot" }]);
    const write = await withClient(memberUri, (client) =>
      sqlState(client.query("INSERT INTO orders VALUES (2, 'kettle')")),
    );
    expect(write).toBe("42501");
  });

  step("shows reports, tokens and the admin pages", async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, stack.admin.email, stack.admin.password);
    await openSection(page, "Reports", "Reports");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv.split("\n")[0]).toBe(
      "at,sizeBytes,connections,commitsPerSecond,rollbacksPerSecond,cacheHitRatio,deadlocks,tempBytes,lagBytes,lagSeconds",
    );
    await shot("13-reports");
    const [printable] = await Promise.all([
      page.context().waitForEvent("page"),
      page.getByRole("link", { name: "Printable page" }).click(),
    ]);
    await printable.waitForLoadState();
    await printable.screenshot({ path: join(ARTIFACTS_DIR, "13b-report-printable.png"), fullPage: true });
    await assertAccessible(printable, "13b-report-printable");
    await printable.close();

    await openSection(page, "API tokens", "API tokens");
    await page.getByLabel("Name").fill("e2e-ci");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await shownOnce(page, "api-token");
    await shot("14-tokens");
    const me = await stack.fetch(`${stack.portalUrl}/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(stack.admin.email);

    await openSection(page, "Admin", "Admin");
    await page.getByRole("heading", { name: "Events" }).waitFor();
    await page.getByRole("button", { name: "Switch over…" }).click();
    const dialog = page.getByRole("dialog");
    const pairName = (await page.locator(".switchover[data-pair]").getAttribute("data-pair")) ?? "";
    expect(await dialog.getByRole("button", { name: "Switch over" }).isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${pairName} to confirm`).fill(pairName);
    expect(await dialog.getByRole("button", { name: "Switch over" }).isDisabled()).toBe(false);
    await shot("15-admin-switchover-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await shot("15-admin-events");
    await page.getByRole("link", { name: "Pair settings" }).click();
    await page.getByRole("button", { name: "Save pair settings" }).waitFor();
    await shot("16-admin-pair-settings");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("cell", { name: "Create database" }).first().waitFor();
    await shot("16-admin-audit-log");
  });

  step("revokes the member's access: the login stops working", async () => {
    const { page } = browser;
    await openSection(page, "Access requests", "Access requests");
    await page.locator('tr[data-state="approved"]').getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await page.locator('tr[data-state="revoked"]').waitFor({ timeout: 30_000 });
    await shot("17-access-revoked");
    expect(await sqlState(withClient(memberUri, (client) => client.query("SELECT 1")))).toBe("28P01");
  });

  step("deletes the database once its name is typed", async () => {
    const { page } = browser;
    await openSection(page, "Databases", "Databases");
    const search = page.getByLabel("Search");
    await search.fill("zzz");
    await page.getByText("No database matches “zzz”").waitFor();
    await search.fill("SHOP");
    await page.locator("tr[data-database]").first().waitFor();
    expect(await page.locator("tr[data-database]").count()).toBe(1);
    await page.getByRole("link", { name: DATABASE }).click();
    await page.getByRole("heading", { level: 1, name: DATABASE }).waitFor();
    expect(new URL(page.url()).pathname).toBe(databasePath);
    await page.getByRole("button", { name: "Delete database" }).click();
    const dialog = page.getByRole("dialog");
    const confirm = dialog.getByRole("button", { name: "Delete database" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${DATABASE} to confirm`).fill(`${DATABASE}x`);
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${DATABASE} to confirm`).fill(DATABASE);
    await shot("18-delete-dialog");
    await confirm.click();
    await page.getByText(`Database ${DATABASE} was deleted.`).waitFor({ timeout: 60_000 });
    await shot("19-databases-after-delete");
    await page.getByLabel("Show deleted").check();
    await page.locator(`tr[data-database="${DATABASE}"]`).getByText("deleted").waitFor();
    expect(await sqlState(withClient(ownerUri, (client) => client.query("SELECT 1")))).toBe("28P01");
    expect(await sqlState(withClient(rotatedOwnerUri, (client) => client.query("SELECT 1")))).toBe("28P01");
  });

  step("fits a phone screen", async () => {
    phone = await launchBrowser({
      origin: stack.portalUrl,
      certificate: stack.certificate,
      viewport: { width: 375, height: 812 },
    });
    await phone.page.goto(stack.portalUrl);
    await signIn(phone.page, stack.admin.email, stack.admin.password);
    await phone.page.getByRole("heading", { level: 1, name: "Pairs" }).waitFor();
    const overflow = await phone.page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBe(0);
    await phone.screenshot("20-phone-pairs");
    await openSection(phone.page, "Databases", "Databases");
    await phone.screenshot("21-phone-databases");
  });
});
