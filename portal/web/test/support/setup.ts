// Every web test: jest-dom matchers, a DOM the size of one test, dialogs that behave, no real network.
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";
import { installDialogBehaviour, resetDialogs } from "./dialog.js";

installDialogBehaviour();
// jsdom lays nothing out: scrolling has nothing to move and no element ever changes size.
window.scrollTo = () => undefined;
window.ResizeObserver = class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

beforeEach(() => {
  window.history.replaceState(null, "", "/");
  // Any call a test did not script fails loudly instead of reaching a network.
  vi.stubGlobal("fetch", () => Promise.reject(new Error("fetch called without a fake API")));
});

afterEach(() => {
  cleanup();
  resetDialogs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});
