import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import type { ServiceDef } from "../../src/services/index.js";
import { parseSystemdShow } from "../../src/services/systemd.js";
import { renderEnvFile, renderSystemdUnit, systemdQuote, unitPath } from "../../src/services/systemd-unit.js";

const repmgrd: ServiceDef = {
  name: "repmgrd-n1",
  argv: ["/usr/bin/repmgrd", "-f", "/etc/pgaas/p1/n1/repmgr.conf", "--daemonize=false"],
  user: "postgres",
  workingDir: "/var/lib/pgaas/p1/n1",
  logFile: "/var/log/pgaas/p1/n1/repmgrd.log",
  pidFile: "/run/pgaas/p1/n1/repmgrd.pid",
};

describe("renderSystemdUnit", () => {
  it("renders a simple unit byte for byte", () => {
    expect(unitPath(repmgrd.name)).toBe("/etc/systemd/system/pgaas-repmgrd-n1.service");
    expect(renderSystemdUnit(repmgrd)).toBe(
      [
        // sha256 of the lines below, checked with `sha256sum`
        "# Managed by pgaas - do not edit. content-sha256: 659dfea183730f49ccf7197fea2243dc543c0b1fcb77797d8b707f1405d408d2",
        "[Unit]",
        "Description=pgaas repmgrd-n1",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        "User=postgres",
        "WorkingDirectory=/var/lib/pgaas/p1/n1",
        "ExecStart=/usr/bin/repmgrd -f /etc/pgaas/p1/n1/repmgr.conf --daemonize=false",
        "StandardOutput=append:/var/log/pgaas/p1/n1/repmgrd.log",
        "StandardError=append:/var/log/pgaas/p1/n1/repmgrd.log",
        "KillSignal=SIGTERM",
        "Restart=no",
        "TimeoutStopSec=60",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
  });

  it("renders a forking daemon with PIDFile and an EnvironmentFile when env is set", () => {
    const unit = renderSystemdUnit({
      name: "postgres-n1",
      argv: ["/usr/lib/postgresql/15/bin/pg_ctl", "start", "-D", "/data dir", "-o", "-c config_file=100%"],
      user: "postgres",
      workingDir: "/tmp",
      logFile: "/var/log/pg.log",
      pidFile: "/data dir/postmaster.pid",
      daemonizes: true,
      stopSignal: "INT",
      env: { PGPASSFILE: "/etc/pgaas/pgpass", TOKEN: new Secret("t0k") },
    });
    expect(unit.split("\n").slice(7, 13)).toEqual([
      "Type=forking",
      "PIDFile=/data dir/postmaster.pid",
      "User=postgres",
      "WorkingDirectory=/tmp",
      "EnvironmentFile=/etc/pgaas/env/postgres-n1.env",
      'ExecStart=/usr/lib/postgresql/15/bin/pg_ctl start -D "/data dir" -o "-c config_file=100%%"',
    ]);
    expect(unit).toContain("\nKillSignal=SIGINT\n");
    expect(unit).not.toContain("t0k");
  });

  it("changes its content hash when the body changes", () => {
    const a = renderSystemdUnit(repmgrd).split("\n")[0];
    const b = renderSystemdUnit({ ...repmgrd, user: "root" }).split("\n")[0];
    expect(a).not.toBe(b);
  });
});

describe("systemd quoting and env file", () => {
  it("escapes specifiers, variables, quotes and control characters", () => {
    expect(systemdQuote("plain/path-1.conf")).toBe("plain/path-1.conf");
    expect(systemdQuote("%h")).toBe("%%h");
    expect(systemdQuote("$HOME")).toBe('"$$HOME"');
    expect(systemdQuote('say "hi"\\ now\n')).toBe('"say \\"hi\\"\\\\ now\\n"');
  });

  it("renders secrets into the 0600 env file only", () => {
    expect(renderEnvFile({ ...repmgrd, env: { B: 'x"y', A: new Secret("p\\w\nz") } })).toBe(
      '# Managed by pgaas - do not edit.\nA="p\\\\w\\nz"\nB="x\\"y"\n',
    );
    expect(renderEnvFile(repmgrd)).toBeUndefined();
  });
});

describe("parseSystemdShow", () => {
  it("reads ActiveState and MainPID", () => {
    expect(parseSystemdShow("MainPID=4242\nActiveState=active\n")).toEqual({ running: true, pid: 4242 });
    expect(parseSystemdShow("ActiveState=failed\nMainPID=0\n")).toEqual({ running: false });
    expect(parseSystemdShow("ActiveState=activating\nMainPID=0\n")).toEqual({ running: true });
  });
});
