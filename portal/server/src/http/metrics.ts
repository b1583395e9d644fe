// A tiny Prometheus registry: request counts and a latency histogram per route, plus ingest counters.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countReports(accepted: number, duplicates: number): void;
  render(): string;
}

const label = (value: string) =>
  value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const histograms = new Map<string, { counts: number[]; sum: number; count: number }>();
  let reportsAccepted = 0;
  let reportsDuplicate = 0;
  return {
    observeRequest(method, route, status, seconds) {
      const key = `method="${label(method)}",route="${label(route)}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const hkey = `method="${label(method)}",route="${label(route)}"`;
      const histogram = histograms.get(hkey) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      BUCKETS.forEach((bound, index) => {
        if (seconds <= bound) histogram.counts[index] = (histogram.counts[index] ?? 0) + 1;
      });
      histogram.sum += seconds;
      histogram.count += 1;
      histograms.set(hkey, histogram);
    },
    countReports(accepted, duplicates) {
      reportsAccepted += accepted;
      reportsDuplicate += duplicates;
    },
    render() {
      const lines = [
        "# HELP pgaas_http_requests_total HTTP requests by route and status.",
        "# TYPE pgaas_http_requests_total counter",
        ...[...requests].map(([key, value]) => `pgaas_http_requests_total{${key}} ${value}`),
        "# HELP pgaas_http_request_duration_seconds HTTP request latency.",
        "# TYPE pgaas_http_request_duration_seconds histogram",
      ];
      for (const [key, histogram] of histograms) {
        BUCKETS.forEach((bound, index) => {
          lines.push(
            `pgaas_http_request_duration_seconds_bucket{${key},le="${bound}"} ${histogram.counts[index]}`,
          );
        });
        lines.push(`pgaas_http_request_duration_seconds_bucket{${key},le="+Inf"} ${histogram.count}`);
        lines.push(`pgaas_http_request_duration_seconds_sum{${key}} ${histogram.sum}`);
        lines.push(`pgaas_http_request_duration_seconds_count{${key}} ${histogram.count}`);
      }
      lines.push(
        "# HELP pgaas_agent_reports_total Agent reports received, by outcome.",
        "# TYPE pgaas_agent_reports_total counter",
        `pgaas_agent_reports_total{outcome="accepted"} ${reportsAccepted}`,
        `pgaas_agent_reports_total{outcome="duplicate"} ${reportsDuplicate}`,
      );
      return `${lines.join("\n")}\n`;
    },
  };
}
