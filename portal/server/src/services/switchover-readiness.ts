// Pure: whether a switchover may run now. Only a reporting, unfenced standby that the reporting
// primary replicates to synchronously may take over: anything else could lose acknowledged commits
// or hand the endpoint to a node that is not there. The API shows this and the route enforces it.

import type { SwitchoverReadiness, SwitchoverRefusalCode } from "@pgaas/api";
import { sinceText } from "./instant-text.js";
import type { AssessedNode } from "./pair-view.js";

const refuse = (target: string | null, code: SwitchoverRefusalCode, message: string) => ({
  target,
  refusal: { code, message },
});

export function switchoverReadiness(
  primary: AssessedNode | undefined,
  nodes: readonly AssessedNode[],
): SwitchoverReadiness {
  if (primary === undefined)
    return refuse(null, "switchover_no_primary", "the pair has no writable primary to hand over from");
  const from = primary.row;
  const target = nodes.find((node) => node !== primary);
  if (target === undefined)
    return refuse(null, "switchover_target_not_standby", "the pair has no second node to take over");
  const to = target.row;
  if (primary.state === "unreachable") {
    return refuse(
      to.name,
      "switchover_primary_unreachable",
      `${from.name} (primary) is unreachable${sinceText(primary.currentAt)}: a switchover needs both agents`,
    );
  }
  if (target.state === "unreachable") {
    return refuse(
      to.name,
      "switchover_target_unreachable",
      target.currentAt === null
        ? `${to.name} has never reported`
        : `${to.name} is unreachable${sinceText(target.currentAt)}`,
    );
  }
  if (target.state === "superseded") {
    return refuse(
      to.name,
      "switchover_target_superseded",
      `${to.name} is a superseded primary, not a standby: it must be rejoined first`,
    );
  }
  if (to.fenced === true)
    return refuse(to.name, "switchover_target_fenced", `${to.name} is fenced: it must be rejoined first`);
  if (to.role !== "standby") {
    return refuse(
      to.name,
      "switchover_target_not_standby",
      `${to.name} is ${to.role ?? "unknown"}, not a streaming standby`,
    );
  }
  if (from.sync_state !== "sync") {
    return refuse(
      to.name,
      "switchover_target_not_sync",
      `${to.name} is not a synchronous standby (${from.name} replication is ${from.sync_state ?? "unknown"}): promoting it could lose acknowledged commits`,
    );
  }
  return { target: to.name, refusal: null };
}
