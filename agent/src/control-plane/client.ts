// The control plane as the agent sees it, behind one small interface with a written contract,
// so decision tests can use an in-memory one. Contract:
// resolves only when the server durably took the request; throws ControlPlaneDownError when it may
// work later (network, timeout, 5xx, auth, rate limit) and ControlPlaneRejectedError when this exact
// request can never succeed (the server refused its content).
import type { AgentCommandResult, AgentReportAck, AgentReportBatch } from "@pgaas/common/wire";

export interface ControlPlaneClient {
  sendReports(batch: AgentReportBatch): Promise<AgentReportAck>;
  sendCommandResult(commandId: string, result: AgentCommandResult): Promise<void>;
}
