// Who is calling. Domain services take an Actor and decide what it may see and do.
import type { UserRole } from "@pgaas/api";

export interface UserActor {
  readonly kind: "user";
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
  /** How the user authenticated: a session cookie or an API token (with its name). */
  readonly via: { readonly kind: "session" } | { readonly kind: "token"; readonly name: string };
}

export interface AgentActor {
  readonly kind: "agent";
  readonly nodeId: string;
  readonly nodeName: string;
  readonly pairId: string;
  readonly pairName: string;
}

export type Actor = UserActor | AgentActor;

export function actorLabel(actor: Actor | undefined): string {
  if (actor === undefined) return "anonymous";
  if (actor.kind === "agent") return `agent:${actor.pairName}/${actor.nodeName}`;
  return actor.via.kind === "token" ? `token:${actor.email}/${actor.via.name}` : `user:${actor.email}`;
}

export function isAdmin(actor: UserActor): boolean {
  return actor.role === "admin";
}
