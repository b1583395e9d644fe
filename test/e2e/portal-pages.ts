// What a user does in the portal, as steps the end-to-end test composes: sign in and out, read a
// secret shown once, wait for a chart to have data. Selectors are the ones a user sees: labels,
// roles and button names.
import type { Page } from "playwright-core";

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to pgaas" }).waitFor();
}

/** Navigates in place through the app's own links, like a user clicking the sidebar. */
export async function openSection(page: Page, label: string, heading: string): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

/** The text of a shown-once value (connection-uri, username, password, api-token). */
export async function shownOnce(page: Page, name: string): Promise<string> {
  const text = await page.locator(`[data-secret="${name}"]`).textContent();
  if (!text) throw new Error(`no shown-once value ${name}`);
  return text;
}

/** Sample count of a chart, as the chart itself reports it. */
export async function chartSamples(page: Page, title: string): Promise<number> {
  const value = await page.locator(`figure[data-chart="${title}"]`).first().getAttribute("data-samples");
  return Number(value ?? 0);
}

/**
 * Reloads the page until the chart has at least `min` samples (agents report every few seconds).
 * Bounded by `timeoutMs`; returns the last count.
 */
export async function waitForChartSamples(
  page: Page,
  title: string,
  min: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    await page.locator(`figure[data-chart="${title}"]`).first().waitFor();
    const samples = await chartSamples(page, title);
    if (samples >= min || Date.now() > deadline) return samples;
    await page.waitForTimeout(3000);
    await page.reload();
  }
  return chartSamples(page, title);
}
