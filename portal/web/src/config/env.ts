// Build-time settings, parsed once at boot so a bad value fails loudly instead of half-working.
import { z } from "zod";

const Env = z.object({
  /** Prefix of every API call; empty means same origin (the portal server serves this app). */
  VITE_PGAAS_API_BASE: z
    .string()
    .default("")
    .refine((value) => value === "" || /^https?:\/\/[^/]+$/.test(value) || /^\/[^?#]*[^/]$/.test(value), {
      message: "VITE_PGAAS_API_BASE must be empty, an origin like http://host:8080, or a path like /api",
    }),
  /** Default time range of charts, in hours. */
  VITE_PGAAS_DEFAULT_RANGE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(1),
});

export type Env = z.infer<typeof Env>;

export function parseEnv(raw: Record<string, unknown>): Env {
  const parsed = Env.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid portal build settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(import.meta.env);
