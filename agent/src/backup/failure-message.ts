// A failed backup operation as the control plane records it: the stable code first, then why.
import { describeError } from "@pgaas/common";

export function failureMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `${typeof code === "string" ? `${code}: ` : ""}${describeError(error)}`;
}
