// Building blocks every route schema uses. Pure zod, no Node imports: the web portal imports this too.
import { ADMIN_ROLE, PG_NAME_PATTERN } from "@pgaas/common/wire";
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
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export { PG_NAME_PATTERN } from "@pgaas/common/wire";
export const PgName = z
  .string()
  .regex(PG_NAME_PATTERN, "lower-case letters, digits and _, starting with a letter, at most 63");

/** Names that would collide with PostgreSQL's own objects or the roles pgaas manages. */
export const RESERVED_NAMES: readonly string[] = [
  "postgres",
  "template0",
  "template1",
  "repmgr",
  ADMIN_ROLE,
  "public",
  "all",
  "user",
  "current_user",
  "session_user",
  "current_role",
  "none",
  "default",
];

export const NotReservedName = PgName.refine(
  (name) => !RESERVED_NAMES.includes(name) && !name.startsWith("pg_"),
  {
    message: "reserved name",
  },
);

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
