// The printable report as a person gets it: served by the API, opened in Debian's Chromium and printed
// to PDF, then the PDF's text is read back (poppler's pdftotext) and checked against a known history in
// the real store. The PDFs stay in test-artifacts/reports/ for a person to look at.
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ADMIN, type Harness, loginCookie, startHarness } from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../../../test/e2e/browser.js";
import { openStore, type Store } from "../src/store/db.js";
import { historyPair, writableReports } from "./support/report-history.js";

const run = promisify(execFile);
const PDF_DIR = fileURLToPath(new URL("../../../test-artifacts/reports/", import.meta.url));

let h: Harness;
let store: Store;
let browser: Browser;
let cookie = "";

beforeAll(async () => {
  h = await startHarness();
  store = openStore(h.store.url, { max: 2 });
  cookie = await loginCookie(h, ADMIN.email, ADMIN.password);
  browser = await launchBrowser({ origin: h.server.url });
  await mkdir(PDF_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await h?.stop();
});

/** Opens the report's printable page, prints it to A4 and returns the PDF's text and page info. */
async function printed(
  path: string,
  name: string,
): Promise<{ text: string; info: string; headingPx: string; csp: string }> {
  const page = browser.page;
  await page.setExtraHTTPHeaders({ cookie });
  const response = await page.goto(`${h.server.url}${path}`);
  expect(response?.status()).toBe(200);
  // The inline stylesheet is allowed by the page's own policy: the heading has its designed size (18 pt).
  const headingPx = String(await page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize"));
  const pdf = join(PDF_DIR, `${name}.pdf`);
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    run("pdftotext", ["-layout", pdf, "-"]),
    run("pdfinfo", [pdf]),
  ]);
  const csp = response?.headers()["content-security-policy"] ?? "";
  return { text: text.replace(/\s+/g, " "), info, headingPx, csp };
}

it("prints a database report with charts and the figures of a known history, sparing the failover before it", async () => {
  // Known history, whole minutes before now so every second of it is judged: n1 primary from `base`,
  // 30 s without a writable primary and a failover to n2 at +30:20, the database created at +60 and
  // busy until n2 falls silent at +89:58, a failover back to n1 at +105.
  const hour = 3_600_000;
  const base = Math.floor(Date.now() / hour) * hour - 4 * hour;
  const at = (minutes: number, seconds = 0) =>
    new Date(base + minutes * 60_000 + seconds * 1000).toISOString();
  const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const utcSeconds = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  const { pairId, node, failover, database } = await historyPair(store, "ledger-pair", at(-24 * 60));
  await writableReports(store, node("n1"), at(0), at(29, 50));
  await writableReports(store, node("n2"), at(30, 20), at(89, 58), { from: at(40), to: at(45) });
  await writableReports(store, node("n1"), at(105), at(120));
  await failover("n2", at(30, 20));
  await failover("n1", at(105));
  const databaseId = await database("shop", at(60));
  await store.query(
    `INSERT INTO database_samples (node_id, database_name, sampled_at, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes)
     SELECT $1, 'shop', $2::timestamptz + make_interval(mins => i), 1048576 + 65536 * i, 3, 120 * i, 0, 10 * i, 990 * i, 0, 0
       FROM generate_series(0, 29) AS i`,
    [node("n2"), at(60)],
  );
  const range = `from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(120))}&format=html`;

  const report = await printed(`/v1/reports/databases/${databaseId}?${range}`, "database-report");
  // Styled by its own stylesheet, allowed by hash: still no inline script and nothing inline but it.
  expect([
    report.headingPx,
    report.info.match(/Page size:.*\(A4\)/) !== null,
    /script-src 'self'.*style-src 'sha256-[A-Za-z0-9+/]+=*'/.test(report.csp),
    report.csp.includes("unsafe-inline"),
  ]).toEqual(["24px", true, true, false]);
  // Starts at the database's creation; n2's 14 min 56 s of silence (until 6 s before n1's first report)
  // is its one outage: 75.11 % of the hour. The failover at +30:20 happened before it existed.
  const expected = [
    "Database shop",
    `${utc(at(60))} – ${utc(at(120))} · 45 points, one per 1 min · all times UTC`,
    "Uptime 75.11 %",
    "Outages 1, 14 min 56 s down",
    "Failovers 1",
    "Degraded periods none",
    "Size growth 1.8 MiB",
    "Peak connections 3",
    "Commits per second (mean) 2.00",
    "Cache hit ratio (mean) 99.00 %",
    `${utcSeconds(at(89, 58))} ${utcSeconds(at(104, 54))} 14 min 56 s`,
    // Chart annotations: round binary ticks and the silence marked on the size chart.
    "3 MiB",
    "no data",
    // The table's last row of the database's busy half hour.
    `${utc(at(89))} 2.8 MiB 3 2.00 0.00 99.00 %`,
  ];
  expect(expected.filter((fragment) => !report.text.includes(fragment))).toEqual([]);
  expect(report.text).not.toMatch(/uptimeRatio|sizeBytes|100\.00 %|T\d\d:\d\d:\d\d/);

  const pair = await printed(`/v1/reports/pairs/${pairId}?${range}`, "pair-report");
  // The pair is charged with both failovers, the 24 s of the first and the silence.
  expect(
    [
      "Pair ledger-pair",
      "Uptime 87.22 %",
      "Outages 2, 15 min 20 s down",
      "Failovers 2",
      "Degraded periods 1, 5 min in total",
      `${utcSeconds(at(29, 50))} ${utcSeconds(at(30, 14))} 24 s`,
      `${utcSeconds(at(40))} ${utcSeconds(at(45))} 5 min`,
    ].filter((fragment) => !pair.text.includes(fragment)),
  ).toEqual([]);
});
