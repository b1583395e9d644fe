// Agent routes: the wire schemas live in @pgaas/common/wire (the agent imports them too).
import { AgentCommandResult, AgentReportAck, AgentReportBatch } from "@pgaas/common/wire";
import { IdParams } from "./common.js";
import { defineRoute } from "./route.js";

export const agentReport = defineRoute({
  id: "agentReport",
  method: "post",
  path: "/v1/agent/report",
  summary: "A node's agent reports state and metrics (Bearer agent token); answers pending commands",
  tag: "agent",
  auth: "agent",
  body: AgentReportBatch,
  status: 200,
  response: AgentReportAck,
});

export const agentCommandResult = defineRoute({
  id: "agentCommandResult",
  method: "post",
  path: "/v1/agent/commands/:id/result",
  summary: "The outcome of a command the agent ran",
  tag: "agent",
  auth: "agent",
  params: IdParams,
  body: AgentCommandResult,
  status: 204,
});
