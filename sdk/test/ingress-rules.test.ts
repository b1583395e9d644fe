import { describe, expect, it } from "vitest";
import { type IngressPlanInput, planIngressRules } from "../src/plan/ingress-rules.js";

const base: IngressPlanInput<string> = {
  adminCidr: "198.51.100.0/24",
  clientCidrs: ["10.1.0.0/16"],
  controlPlaneCidr: "10.0.0.5/32",
  postgresPort: 5432,
  agentPort: 9187,
  endpointKind: "vip",
  healthCheckCidrs: ["35.191.0.0/16"],
};

/** One line per rule: suffix protocol ports ← source. */
function summary(input: IngressPlanInput<string>): string[] {
  return planIngressRules(input).map(
    (rule) =>
      `${rule.suffix} ${rule.protocol} [${rule.ports.join(",")}] <- ${rule.source.kind === "peers" ? "peers" : rule.source.cidr}`,
  );
}

describe("planIngressRules", () => {
  it.each([
    [
      "VIP pair: VRRP between peers, no health-check ranges",
      base,
      [
        "ssh-admin tcp [22] <- 198.51.100.0/24",
        "peers tcp [22,5432] <- peers",
        "control-plane tcp [5432,9187] <- 10.0.0.5/32",
        "clients-0 tcp [5432] <- 10.1.0.0/16",
        "vrrp vrrp [] <- peers",
      ],
    ],
    [
      "load-balancer pair: health checks reach the agent, no VRRP",
      { ...base, endpointKind: "load-balancer" as const, clientCidrs: [] },
      [
        "ssh-admin tcp [22] <- 198.51.100.0/24",
        "peers tcp [22,5432] <- peers",
        "control-plane tcp [5432,9187] <- 10.0.0.5/32",
        "health-checks-0 tcp [9187] <- 35.191.0.0/16",
      ],
    ],
    [
      "custom ports and two client networks",
      { ...base, postgresPort: 6432, agentPort: 9999, clientCidrs: ["10.1.0.0/16", "10.2.0.0/16"] },
      [
        "ssh-admin tcp [22] <- 198.51.100.0/24",
        "peers tcp [22,6432] <- peers",
        "control-plane tcp [6432,9999] <- 10.0.0.5/32",
        "clients-0 tcp [6432] <- 10.1.0.0/16",
        "clients-1 tcp [6432] <- 10.2.0.0/16",
        "vrrp vrrp [] <- peers",
      ],
    ],
  ])("%s", (_case, input, expected) => {
    expect(summary(input)).toEqual(expected);
  });

  it("never opens the agent port to clients", () => {
    const agentSources = planIngressRules(base)
      .filter((rule) => rule.ports.includes(base.agentPort))
      .map((rule) => rule.suffix);
    expect(agentSources).toEqual(["control-plane"]);
  });
});
