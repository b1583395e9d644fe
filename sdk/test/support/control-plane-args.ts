// The args every ControlPlane test passes besides its cloud block: one copy for OpenStack and GCP.
import type { ControlPlaneArgs } from "../../src/control-plane-args.js";
import { TEST_SSH_PUBLIC_KEY } from "./cloud-access-args.js";

export const CONTROL_PLANE_ARGS = {
  adminEmail: "admin@example.com",
  nodeCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
  userCidrs: ["10.9.0.0/16"],
  adminCidr: "198.51.100.0/24",
  sshPublicKey: TEST_SSH_PUBLIC_KEY,
  sshPrivateKey: "CP-PRIVATE-KEY",
  dnsNames: ["pgaas.example.org"],
} as const satisfies Omit<ControlPlaneArgs, "openstack" | "gcp">;
