import { defineConfig } from "vitest/config";

// The web UI's tests render React components, so they get a DOM; everything else runs in plain node.
const WEB_TESTS = "portal/web/test/**/*.test.{ts,tsx}";

// Tests run the TypeScript sources directly: the "pgaas-source" export condition maps every
// @pgaas/* import to src/ so no build is needed before `npm test`.
export default defineConfig({
  resolve: {
    conditions: ["pgaas-source"],
  },
  ssr: { resolve: { conditions: ["pgaas-source"], externalConditions: ["pgaas-source"] } },
  test: {
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine, which
    // ran the suite file by file (~27 min). The system tests mostly wait on real daemons and timeouts,
    // and each claims its own lab subnet, so two files run side by side.
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["**/*.test.ts", "**/*.test.tsx"],
          exclude: ["**/node_modules/**", "**/dist/**", WEB_TESTS],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "web",
          include: [WEB_TESTS],
          environment: "jsdom",
          setupFiles: ["portal/web/test/support/setup.ts"],
        },
      },
    ],
  },
});
