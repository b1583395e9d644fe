import { type LoginRequest, login } from "@api/auth.js";
import { callRoute } from "../../lib/api-client.js";

export function signIn(credentials: LoginRequest) {
  return callRoute(login, { body: credentials });
}
