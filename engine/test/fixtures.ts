// A fixed spec and fixed secrets so rendered files are byte-for-byte reproducible in golden tests.
import { Secret } from "@pgaas/common";
import { type PairSecrets, type PairSpec, type PairSpecInput, parsePairSpec } from "../src/index.js";

export const SPEC_INPUT: PairSpecInput = {
  name: "orders",
  postgres: { memoryMb: 4096 },
  nodes: [
    { name: "n1", address: "10.40.0.11" },
    { name: "n2", address: "10.40.0.12" },
  ],
  witness: { name: "w", address: "10.40.1.5", port: 5440 },
  endpoint: { kind: "vip", address: "10.40.0.100" },
  network: { nodeCidr: "10.40.0.0/24", clientCidrs: ["10.50.0.0/16"], controlPlaneCidrs: ["10.40.1.0/28"] },
  settings: { work_mem: "8MB", log_min_duration_statement: 500 },
  agent: { controlPlaneUrl: "http://10.40.1.5:8080" },
};

export const SPEC: PairSpec = parsePairSpec(SPEC_INPUT);

const FIXTURE_CA_CERTIFICATE =
  "-----BEGIN CERTIFICATE-----\nMIIBVDCCAQagAwIBAgIQQCPadZoNSg3DoQ9czVDHZjAFBgMrZXAwKjEOMAwGA1UE\nCgwFcGdhYXMxGDAWBgNVBAMMD3BnYWFzIG9yZGVycyBDQTAeFw0yNTEyMzEyMzAw\nMDBaFw0zNjAxMDEwMDAwMDBaMCoxDjAMBgNVBAoMBXBnYWFzMRgwFgYDVQQDDA9w\nZ2FhcyBvcmRlcnMgQ0EwKjAFBgMrZXADIQCGsaq+dP8fvHhtd799ehPawZjM1K3S\nT8fDvA1zxB/v9qNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYw\nHQYDVR0OBBYEFBgdcgO9gouSO+aHl12kiSTrt/5QMAUGAytlcANBADDO28Fp5YQE\nixPotKnObNyExl3wKzdz6rlSbYxISCDmmunRU8VOzdi7RwnfO1MwOakqe+bayssU\ndRiASdGkqAo=\n-----END CERTIFICATE-----\n";
const FIXTURE_CA_KEY =
  "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEILLNlH1YOhlKRzwJCKtVdRh29pKi2TtMWR0/DgymzUFa\n-----END PRIVATE KEY-----\n";

export const SECRETS: PairSecrets = {
  superuserPassword: new Secret("super-secret-1"),
  repmgrPassword: new Secret("repl:pa\\ss'word"),
  adminPassword: new Secret("admin-secret-3"),
  postgresSshPrivateKey: new Secret(
    "-----BEGIN OPENSSH PRIVATE KEY-----\nFIXTURE\n-----END OPENSSH PRIVATE KEY-----\n",
  ),
  postgresSshPublicKey: "ssh-ed25519 AAAAFIXTURE pgaas-orders",
  // A fixed CA (generatePairCa("orders", 2026-01-01)): issued certificates are deterministic, so goldens hold.
  tlsCa: { certificate: FIXTURE_CA_CERTIFICATE, privateKey: new Secret(FIXTURE_CA_KEY) },
};
