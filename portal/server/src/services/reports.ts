// Reports from the stored time series: raw samples and, beyond the raw retention window, hourly roll-ups.
// A report starts when its subject was created: a database is not charged with what happened before it.
import type { Report, ReportQuery } from "@pgaas/api";
import type { Store } from "../store/db.js";
import { countFailovers } from "../store/events.js";
import { listNodes } from "../store/nodes.js";
import { databaseBuckets, stateBuckets, writableSamples } from "../store/time-series.js";
import type { UserActor } from "./actor.js";
import type { Databases } from "./databases.js";
import type { Pairs } from "./pairs.js";
import { bucketSeconds, databasePoints, degradedPeriods, summarize } from "./report-math.js";
import { pairAvailability } from "./report-uptime.js";
import { DEFAULT_RETENTION } from "./retention.js";

export interface Reports {
  database(actor: UserActor, id: string, query: ReportQuery): Promise<Report>;
  pair(id: string, query: ReportQuery): Promise<Report>;
}

export function createReports(
  store: Store,
  pairs: Pairs,
  databases: Databases,
  now: () => Date = () => new Date(),
): Reports {
  const build = async (
    subject: Report["subject"],
    pairId: string,
    database: string | null,
    query: ReportQuery,
    createdAt: string,
  ): Promise<Report> => {
    const to = new Date(query.to);
    const from = new Date(Math.min(Math.max(Date.parse(query.from), Date.parse(createdAt)), to.getTime()));
    const rawSince = now().getTime() - DEFAULT_RETENTION.rawDays * 86_400_000;
    const bucket = bucketSeconds(from.getTime(), to.getTime(), from.getTime() < rawSince);
    // Rates need the sample before the first bucket, but never one from before the subject existed
    // (a database of the same name dropped earlier).
    const baselineFrom = new Date(Math.max(from.getTime() - 3600_000, Date.parse(createdAt)));
    const nodeIds = (await listNodes(store, pairId)).map((node) => node.id);
    const [buckets, states, samples, failovers, availability] = await Promise.all([
      databaseBuckets(store, { nodeIds, database, from, to, bucketSeconds: bucket, baselineFrom }),
      stateBuckets(store, pairId, from, to, bucket),
      writableSamples(store, pairId, from, to),
      countFailovers(store, pairId, from, to),
      pairAvailability(store, pairId, from.getTime(), to.getTime(), now().getTime()),
    ]);
    const points = databasePoints(buckets, states);
    return {
      subject,
      from: from.toISOString(),
      to: to.toISOString(),
      bucketSeconds: bucket,
      points,
      summary: summarize(points, availability, failovers, degradedPeriods(samples)),
    };
  };

  return {
    async database(actor, id, query) {
      const found = await databases.get(actor, id);
      return build(
        { kind: "database", id, name: found.name },
        found.pairId,
        found.name,
        query,
        found.createdAt,
      );
    },
    async pair(id, query) {
      const pair = await pairs.get(id);
      return build({ kind: "pair", id, name: pair.name }, id, null, query, pair.createdAt);
    },
  };
}
