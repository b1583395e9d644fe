// A pair's backups: the inventory, "take a backup now", "verify now" and a look as of a point in time.
import * as api from "@pgaas/api";
import type { Router } from "express";
import type { Backups } from "../../services/backups.js";
import type { PointInTimeLooks } from "../../services/point-in-time.js";
import { type MountDeps, mount } from "../mount.js";

export function mountBackups(
  router: Router,
  deps: MountDeps,
  backups: Backups,
  looks: PointInTimeLooks,
): void {
  mount(router, deps, api.listBackups, async ({ params }) => backups.list(params.id));
  mount(router, deps, api.takeBackup, async ({ params, body, actor }) => ({
    request: await backups.take(params.id, body.type, actor.id),
  }));
  mount(router, deps, api.verifyBackup, async ({ params, actor }) => ({
    request: await backups.verify(params.id, actor.id),
  }));
  mount(router, deps, api.lookAtPointInTime, async ({ params, body, actor }) => ({
    look: await looks.look(actor, params.id, body),
  }));
  mount(router, deps, api.getPointInTimeLook, async ({ params, actor }) => ({
    look: await looks.get(actor, params.id, params.requestId),
  }));
}
