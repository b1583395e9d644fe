// `npm start`: configuration from the environment, a clear message and exit code 2 when it is wrong.
import { createLogger, describeError, InputError } from "@pgaas/common";
import { loadConfig, startServer } from "./index.js";

const logger = createLogger({ component: "control-plane" });

try {
  const server = await startServer(loadConfig(process.env), logger);
  const shutdown = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
} catch (error) {
  logger.error("cannot start", { error: describeError(error) });
  process.exit(error instanceof InputError ? 2 : 1);
}
