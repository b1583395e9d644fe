// Building blocks every route schema uses. Pure zod, no Node imports: the web portal imports this too.
import { z } from "zod";

export const Id = z.uuid();
export const Timestamp = z.iso.datetime({ offset: true });
export const IdParams = z.object({ id: Id });
export type IdParams = z.infer<typeof IdParams>;

/** The one error body every route answers with; `code` is a stable snake_case string. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    /** The request field the error is about (`name` for database_exists): forms show it there. */
    field: z.string().optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// The naming rules (and their messages) live with the other shared names, so every package says the same.
export { NotReservedName, PG_NAME_PATTERN, PgName, RESERVED_NAMES } from "@pgaas/common/wire";

/** A parameter value: strings for enums, numbers in the parameter's base unit, booleans for on/off. */
export const ParameterValue = z.union([z.string().max(200), z.number(), z.boolean()]);
export const ParameterMap = z.record(z.string().max(63), ParameterValue);
export type ParameterMap = z.infer<typeof ParameterMap>;

/** `{confirm: "<name>"}` guards destructive operations. */
export const ConfirmBody = z.object({ confirm: z.string().max(200) });
export type ConfirmBody = z.infer<typeof ConfirmBody>;

/** The pair CA's certificate (PEM): clients verify the endpoint and every node with it (verify-full). */
export const CaCertificate = z
  .string()
  .max(16_384)
  .regex(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/, "a PEM certificate");
