import { PgaasError } from "@pgaas/common";

export type LocalDriverErrorCode =
  | "needs_root"
  | "missing_tool"
  | "invalid_options"
  | "unknown_host"
  | "command_failed"
  | "sshd_failed";

/** The local host driver could not build or change the lab; `code` says why. */
export class LocalDriverError extends PgaasError {
  readonly code: LocalDriverErrorCode;
  constructor(
    code: LocalDriverErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }
}
