// How a database's state reads in a badge, on its page and in the list.
import type { Database } from "@pgaas/api";
import type { Tone } from "../../components/Badge.js";

export function stateTone(state: Database["state"]): Tone {
  switch (state) {
    case "active":
      return "ok";
    case "restoring":
      return "info";
    case "restore_failed":
      return "bad";
    case "deleted":
      return "muted";
  }
}
