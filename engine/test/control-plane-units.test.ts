// The control plane's two systemd units on a cloud VM, byte for byte (the content hash is left out):
// the store's PostgreSQL on its socket only, and the server, started after it as its own unprivileged
// user with just the right to bind 443. Secrets go to the 0600 environment file, never into a unit.
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { serverService } from "../src/control-plane/install.js";
import { controlPlaneLayout } from "../src/control-plane/layout.js";
import { storeService } from "../src/control-plane/store.js";
import { renderEnvFile, renderSystemdUnit } from "../src/services/systemd-unit.js";

const layout = controlPlaneLayout("main");
const server = serverService(layout, {
  name: "main",
  artefact: { content: Buffer.from("artefact"), sha256: "a".repeat(64) },
  listenAddress: "10.0.0.5",
  port: 443,
  tls: { certificate: "CERT", privateKey: new Secret("KEY"), caCertificate: "CA" },
  admin: { email: "admin@example.com", password: new Secret("admin-password-1") },
  serviceManager: "systemd",
});

const withoutHash = (unit: string) => unit.split("\n").slice(1).join("\n");

describe("control-plane units", () => {
  it("runs the store's PostgreSQL on its socket only", () => {
    expect(withoutHash(renderSystemdUnit(storeService(layout)))).toContain(
      [
        "Type=simple",
        "User=postgres",
        "WorkingDirectory=/tmp",
        "EnvironmentFile=/etc/pgaas/env/control-plane-main-store.env",
        "ExecStart=/usr/lib/postgresql/15/bin/postgres -D /var/lib/pgaas/control_plane/main/store -c listen_addresses= -c unix_socket_directories=/var/lib/pgaas/control_plane/main/socket -c port=5432",
        "StandardOutput=append:/var/log/pgaas/control_plane/main/store.log",
        "StandardError=append:/var/log/pgaas/control_plane/main/store.log",
        "KillSignal=SIGINT",
      ].join("\n"),
    );
  });

  it("runs the server from the artefact after the store, allowed to bind 443 and nothing more", () => {
    expect(withoutHash(renderSystemdUnit(server))).toBe(
      [
        "[Unit]",
        "Description=pgaas control-plane-main",
        "After=network-online.target pgaas-control-plane-main-store.service",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        "User=pgaas-control-plane",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "WorkingDirectory=/tmp",
        "EnvironmentFile=/etc/pgaas/env/control-plane-main.env",
        "ExecStart=/var/lib/pgaas/control_plane/main/app/bin/node /var/lib/pgaas/control_plane/main/app/pgaas-control-plane.mjs",
        "StandardOutput=append:/var/log/pgaas/control_plane/main/server.log",
        "StandardError=append:/var/log/pgaas/control_plane/main/server.log",
        "KillSignal=SIGTERM",
        "Restart=no",
        "TimeoutStopSec=60",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
    const env = renderEnvFile(server) ?? "";
    expect(env).toContain('PGAAS_ADMIN_PASSWORD="admin-password-1"');
    expect(env).toContain(
      'DATABASE_URL="postgresql://pgaas_control_plane@localhost/pgaas_control_plane?host=%2Fvar%2Flib%2Fpgaas%2Fcontrol_plane%2Fmain%2Fsocket&port=5432"',
    );
    expect(env).toContain(
      'PGAAS_DATABASE_PASSWORD_FILE="/var/lib/pgaas/control_plane/main/secrets/store-password"',
    );
  });
});
