// The access args every cloud pair test passes (admin network, node keys, control-plane host): one
// copy, so the GCP and OpenStack tests differ only in what is cloud-specific.
import type { PostgresPairArgs } from "../../src/postgres-pair-args.js";

export const TEST_SSH_PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ0ZXN0a2V5 pgaas@ci";

export const CLOUD_ACCESS_ARGS = {
  adminCidr: "198.51.100.0/24",
  sshPublicKey: TEST_SSH_PUBLIC_KEY,
  sshPrivateKey: "NODE-PRIVATE-KEY",
  controlPlaneAddress: "10.0.0.5",
  witnessSshHostKeySha256: "SHA256:WITNESS-HOSTKEY",
} as const satisfies Partial<PostgresPairArgs>;
