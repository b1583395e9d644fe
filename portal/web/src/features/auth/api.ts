import { type LoginRequest, login } from "@pgaas/api";
import { callRoute } from "../../lib/api-client.js";

export function signIn(credentials: LoginRequest) {
  return callRoute(login, { body: credentials });
}
