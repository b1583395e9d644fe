// Pairs, events, switchover and pair-level settings.

import * as api from "@pgaas/api";
import * as settingsApi from "@pgaas/api";
import { PAIR_PARAMETERS } from "@pgaas/common/wire";
import type { Router } from "express";
import type { PairSettings } from "../../services/pair-settings.js";
import type { Pairs } from "../../services/pairs.js";
import { validateParameters } from "../../services/parameters.js";
import { type MountDeps, mount } from "../mount.js";

export function mountPairs(router: Router, deps: MountDeps, pairs: Pairs, pairSettings: PairSettings): void {
  mount(router, deps, api.listPairs, async () => ({ pairs: await pairs.list() }));
  mount(router, deps, api.registerPair, async ({ body }) => {
    validateParameters(PAIR_PARAMETERS, body.settings ?? {});
    const registered = await pairs.register({ ...body, settings: {} });
    if (body.settings === undefined || Object.keys(body.settings).length === 0) return registered;
    await pairSettings.update(registered.pair.id, body.settings);
    return { ...registered, pair: await pairs.get(registered.pair.id) };
  });
  mount(router, deps, api.getPair, async ({ params }) => ({ pair: await pairs.get(params.id) }));
  mount(router, deps, api.updatePair, async ({ params, body }) => ({
    pair: await pairs.update(params.id, body),
  }));
  mount(router, deps, api.deletePair, async ({ params, query }) =>
    pairs.remove(params.id, query.force === "true"),
  );
  mount(router, deps, api.rotateAgentTokens, async ({ params }) => ({
    agentTokens: await pairs.rotateAgentTokens(params.id),
  }));
  mount(router, deps, api.listPairEvents, async ({ params, query }) => ({
    events: await pairs.events(params.id, query.limit),
  }));
  mount(router, deps, api.switchover, async ({ params, body, actor }) => ({
    command: await pairs.requestSwitchover(params.id, body.confirm, actor.id),
  }));
  mount(router, deps, settingsApi.updatePairSettings, async ({ params, body }) =>
    pairSettings.update(params.id, body.settings),
  );
}
