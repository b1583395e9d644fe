import { describe, expect, it } from "vitest";
import { LocalDriverError } from "../../src/local/errors.js";
import { planLab } from "../../src/local/lab-plan.js";
import { renderSshdConfig } from "../../src/local/sshd-config.js";

describe("planLab", () => {
  it("names every namespace and link and numbers hosts from .2", () => {
    expect(planLab({ prefix: "pgh3", subnet: "10.231.3.0/24", hosts: ["n1", "n2", "w"] })).toEqual({
      prefix: "pgh3",
      subnet: "10.231.3.0/24",
      prefixLength: 24,
      switchNamespace: "pgh3-sw",
      hostLink: "pgh3-h",
      hostAddress: "10.231.3.1",
      hosts: [
        { name: "n1", namespace: "pgh3-n1", address: "10.231.3.2", switchPort: "p-n1" },
        { name: "n2", namespace: "pgh3-n2", address: "10.231.3.3", switchPort: "p-n2" },
        { name: "w", namespace: "pgh3-w", address: "10.231.3.4", switchPort: "p-w" },
      ],
    });
  });

  it("keeps recorded addresses and gives new hosts the lowest free one", () => {
    const plan = planLab(
      { prefix: "pgh3", subnet: "10.231.3.0/24", hosts: ["w", "n1", "n3"] },
      new Map([
        ["n1", "10.231.3.2"],
        ["w", "10.231.3.4"],
      ]),
    );
    expect(plan.hosts.map((host) => [host.name, host.address])).toEqual([
      ["w", "10.231.3.4"],
      ["n1", "10.231.3.2"],
      ["n3", "10.231.3.3"],
    ]);
  });

  it.each([
    [{ prefix: "pgh-3", subnet: "10.231.3.0/24", hosts: ["n1"] }, "prefix must match"],
    [{ prefix: "abcdefghijklmn", subnet: "10.231.3.0/24", hosts: ["n1"] }, "prefix must match"],
    [{ prefix: "pgh", subnet: "10.231.3.0/16", hosts: ["n1"] }, "subnet must be a /24"],
    [{ prefix: "pgh", subnet: "10.231.300.0/24", hosts: ["n1"] }, "subnet must be a /24"],
    [{ prefix: "pgh", subnet: "192.0.2.0/24", hosts: ["n1"] }, "192.0.2.0/24 is this machine's own network"],
    [{ prefix: "pgh", subnet: "10.231.3.0/24", hosts: [] }, "a lab needs 1 to 200 hosts"],
    [{ prefix: "pgh", subnet: "10.231.3.0/24", hosts: ["n1", "n1"] }, "duplicate host names: n1,n1"],
    [{ prefix: "pgh", subnet: "10.231.3.0/24", hosts: ["sw"] }, "host name must match"],
    [{ prefix: "pgh", subnet: "10.231.3.0/24", hosts: ["N1"] }, "host name must match"],
  ])("refuses %j", (options, message) => {
    let failure: unknown;
    try {
      planLab(options);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(LocalDriverError);
    expect((failure as LocalDriverError).code).toBe("invalid_options");
    expect((failure as LocalDriverError).message).toContain(message);
  });
});

describe("renderSshdConfig", () => {
  it("renders a per-host sshd config byte for byte", () => {
    expect(
      renderSshdConfig({
        listenAddress: "10.231.3.2",
        port: 22,
        hostKeyPath: "/run/pgaas-lab/pgh3/hosts/n1/ssh_host_ed25519_key",
        pidFile: "/run/pgaas-lab/pgh3/hosts/n1/sshd.pid",
        rootAuthorizedKeysFile: "/run/pgaas-lab/pgh3/authorized_keys",
      }),
    ).toBe(`# Managed by pgaas (local lab) - do not edit.
ListenAddress 10.231.3.2
Port 22
HostKey /run/pgaas-lab/pgh3/hosts/n1/ssh_host_ed25519_key
PidFile /run/pgaas-lab/pgh3/hosts/n1/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
StrictModes yes
X11Forwarding no
PrintMotd no
UseDNS no
SetEnv SHLVL=1
MaxSessions 64
MaxStartups 100:30:200
ClientAliveInterval 5
ClientAliveCountMax 3
Subsystem sftp /usr/lib/openssh/sftp-server
Match User root
  AuthorizedKeysFile /run/pgaas-lab/pgh3/authorized_keys
`);
  });
});
