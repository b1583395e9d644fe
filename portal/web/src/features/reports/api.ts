import { databaseReport, listDatabases, listPairs, pairReport } from "@pgaas/api";
import { rangeBounds } from "../../components/RangePicker.js";
import { callRoute, routeUrl } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export type SubjectKind = "database" | "pair";

export interface Subject {
  kind: SubjectKind;
  id: string;
  name: string;
}

/** Everything a report can be about: the user's databases and the pairs. */
export function useSubjects() {
  return useQuery("report-subjects", async (signal): Promise<Subject[]> => {
    const [{ databases }, { pairs }] = await Promise.all([
      callRoute(listDatabases, { signal }),
      callRoute(listPairs, { signal }),
    ]);
    return [
      ...databases
        .filter((database) => database.state === "active")
        .map((database) => ({ kind: "database" as const, id: database.id, name: database.name })),
      ...pairs.map((pair) => ({ kind: "pair" as const, id: pair.id, name: pair.name })),
    ];
  });
}

const ROUTE = { database: databaseReport, pair: pairReport } as const;

export function useReport(subject: Subject | undefined, hours: number) {
  return useQuery(`report:${subject?.kind}:${subject?.id}:${hours}`, async (signal) => {
    if (!subject) return null;
    return callRoute(ROUTE[subject.kind], { params: { id: subject.id }, query: rangeBounds(hours), signal });
  });
}

/** Links for the same report as CSV and as the server's printable HTML page. */
export function reportLinks(subject: Subject, from: string, to: string): { csv: string; html: string } {
  const params = { id: subject.id };
  return {
    csv: routeUrl(ROUTE[subject.kind], params, { from, to, format: "csv" }),
    html: routeUrl(ROUTE[subject.kind], params, { from, to, format: "html" }),
  };
}
