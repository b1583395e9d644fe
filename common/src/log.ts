// Structured JSON logs, one object a line. Fields whose names look secret are redacted before
// serialisation, so a careless `log.info("x", { password })` still leaks nothing.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|private_?key|privatekey|authorization|cookie|dsn/i;
const MAX_DEPTH = 6;

function redact(value: unknown, depth: number): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  }
  if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : redact(inner, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  readonly component: string;
  readonly level?: LogLevel;
  readonly sink?: LogSink;
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = LEVELS[options.level ?? parseLevel(process.env.PGAAS_LOG_LEVEL)];
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[level] < threshold) return;
    const record = redact({ ...bound, ...fields }, 0) as Record<string, unknown>;
    sink(JSON.stringify({ ts: now().toISOString(), level, component: options.component, msg, ...record }));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function parseLevel(raw: string | undefined): LogLevel {
  return raw === "debug" || raw === "info" || raw === "warn" || raw === "error" ? raw : "info";
}

/** A logger that keeps its lines in memory: for tests that assert what was (not) logged. */
export function memoryLogger(component = "test"): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ component, level: "debug", sink: (line) => lines.push(line) });
  return Object.assign(logger, { lines });
}
