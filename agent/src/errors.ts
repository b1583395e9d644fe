// The agent's error taxonomy: every failure falls in one class with one set reaction.
//   AgentConfigError          → fatal: exit non-zero with a message naming the field
//   ControlPlaneDownError     → degrade safely: spool the reports, back off with jitter, retry
//   ControlPlaneRejectedError → the server refuses this batch for good: drop it, count it, log it
//   PostgresUnreachableError  → report role "down" and retry on the next tick
//   anything else             → a bug: log it with its stack and keep looping
import { PgaasError } from "@pgaas/common";

export class AgentConfigError extends PgaasError {
  readonly code = "agent_config_invalid";
}

export class ControlPlaneDownError extends PgaasError {
  readonly code = "control_plane_down";
}

export class ControlPlaneRejectedError extends PgaasError {
  readonly code = "control_plane_rejected";
}

export class PostgresUnreachableError extends PgaasError {
  readonly code = "postgres_unreachable";
}

export type ErrorReaction = "exit" | "spool" | "drop_batch" | "report_down" | "log_bug";

export function reactionTo(error: unknown): ErrorReaction {
  if (error instanceof AgentConfigError) return "exit";
  if (error instanceof ControlPlaneDownError) return "spool";
  if (error instanceof ControlPlaneRejectedError) return "drop_batch";
  if (error instanceof PostgresUnreachableError) return "report_down";
  return "log_bug";
}
