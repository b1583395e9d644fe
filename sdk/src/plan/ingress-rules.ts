// Which traffic reaches a pair's nodes, decided once for every cloud: the nodes, the witness and the
// control plane reach each other and nothing more. Clouds only translate this list into their own
// resources (security group rules, firewall rules), so the rule set is table-tested here.

/** Where allowed traffic comes from: a CIDR, or "the pair's own nodes" (security group / network tag). */
export type RuleSource<Cidr> = { readonly kind: "cidr"; readonly cidr: Cidr } | { readonly kind: "peers" };

export interface IngressRule<Cidr> {
  /** Stable suffix of the child resource name: a name is identity, renaming replaces the rule. */
  readonly suffix: string;
  readonly protocol: "tcp" | "vrrp";
  /** TCP ports; empty for VRRP. */
  readonly ports: readonly number[];
  readonly source: RuleSource<Cidr>;
  readonly description: string;
}

export interface IngressPlanInput<Cidr> {
  /** Where `pulumi up` (the provider's SSH sessions) comes from. */
  readonly adminCidr: Cidr;
  /** Application networks allowed to reach PostgreSQL on the endpoint and the nodes. */
  readonly clientCidrs: readonly Cidr[];
  /** The control-plane host: admin SQL, the witness's repmgrd, agent polling. */
  readonly controlPlaneCidr: Cidr;
  readonly postgresPort: number;
  /** PgBouncer's port: clients reach it like PostgreSQL's (absent: no pooler). */
  readonly poolerPort?: number;
  readonly agentPort: number;
  /** `vip`: keepalived VRRP between the nodes; `load-balancer`: the cloud's health checks probe the agent. */
  readonly endpointKind: "vip" | "load-balancer";
  /** Source ranges of the cloud's load-balancer health checks (GCP: 35.191.0.0/16, 130.211.0.0/22). */
  readonly healthCheckCidrs: readonly Cidr[];
}

const SSH_PORT = 22;

export function planIngressRules<Cidr>(input: IngressPlanInput<Cidr>): IngressRule<Cidr>[] {
  const cidr = (value: Cidr): RuleSource<Cidr> => ({ kind: "cidr", cidr: value });
  const rules: IngressRule<Cidr>[] = [
    {
      suffix: "ssh-admin",
      protocol: "tcp",
      ports: [SSH_PORT],
      source: cidr(input.adminCidr),
      description: "SSH from the admin network (the pgaas provider configures the nodes)",
    },
    {
      suffix: "peers",
      protocol: "tcp",
      ports: [SSH_PORT, input.postgresPort],
      source: { kind: "peers" },
      description: "replication, repmgr and switchover SSH between the two nodes",
    },
    {
      suffix: "control-plane",
      protocol: "tcp",
      ports: [input.postgresPort, input.agentPort],
      source: cidr(input.controlPlaneCidr),
      description: "admin SQL and the witness's repmgrd from the control plane; agent health endpoints",
    },
    ...input.clientCidrs.map(
      (client, index): IngressRule<Cidr> => ({
        suffix: `clients-${index}`,
        protocol: "tcp",
        ports: input.poolerPort === undefined ? [input.postgresPort] : [input.postgresPort, input.poolerPort],
        source: cidr(client),
        description: "PostgreSQL (and PgBouncer) from an application network",
      }),
    ),
  ];
  switch (input.endpointKind) {
    case "vip":
      rules.push({
        suffix: "vrrp",
        protocol: "vrrp",
        ports: [],
        source: { kind: "peers" },
        description: "keepalived VRRP (unicast) between the two nodes",
      });
      break;
    case "load-balancer":
      input.healthCheckCidrs.forEach((range, index) => {
        rules.push({
          suffix: `health-checks-${index}`,
          protocol: "tcp",
          ports: [input.agentPort],
          source: cidr(range),
          description: "load-balancer health checks on the agent's /primary",
        });
      });
      break;
    default: {
      const unknown: never = input.endpointKind;
      throw new Error(`unknown endpoint kind ${String(unknown)}`);
    }
  }
  return rules;
}
