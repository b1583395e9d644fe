#!/usr/bin/env node
// pgaas-agent --config <file>: the poller on every database host. Exit codes: 0 after SIGTERM/SIGINT,
// 2 for a bad command line or config (the message names the field), 1 for anything else at start-up.
import { createLogger, describeError } from "@pgaas/common";
import { loadAgentConfig } from "./config.js";
import { reactionTo } from "./errors.js";
import { startAgent } from "./start.js";

const USAGE = "usage: pgaas-agent --config <file>";

function configPath(argv: readonly string[]): string | null {
  const index = argv.indexOf("--config");
  if (index >= 0) return argv[index + 1] ?? null;
  const inline = argv.find((arg) => arg.startsWith("--config="));
  return inline ? inline.slice("--config=".length) : null;
}

async function main(): Promise<number> {
  const path = configPath(process.argv.slice(2));
  if (!path) {
    process.stderr.write(`pgaas-agent: --config is required\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = await loadAgentConfig(path);
    const logger = createLogger({ component: "agent" }).child({
      pair: config.pairName,
      node: config.nodeName,
    });
    const running = await startAgent(config, logger);
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
    });
    await running.stop();
    return 0;
  } catch (error) {
    // A config error's message already says what is wrong where; anything else gets its cause chain.
    const fatalConfig = reactionTo(error) === "exit";
    process.stderr.write(`pgaas-agent: ${fatalConfig ? (error as Error).message : describeError(error)}\n`);
    return fatalConfig ? 2 : 1;
  }
}

process.exitCode = await main();
