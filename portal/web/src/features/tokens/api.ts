import { type CreateApiTokenRequest, createToken, deleteToken, listTokens } from "@pgaas/api";
import { callRoute } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export function useTokens() {
  return useQuery("tokens", (signal) => callRoute(listTokens, { signal }));
}

export function create(body: CreateApiTokenRequest) {
  return callRoute(createToken, { body });
}

export function revoke(id: string) {
  return callRoute(deleteToken, { params: { id } });
}
