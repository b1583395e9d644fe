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
  agent: { controlPlaneUrl: "https://10.40.1.5:8080" },
};

export const SPEC: PairSpec = parsePairSpec(SPEC_INPUT);

const FIXTURE_CA_CERTIFICATE =
  "-----BEGIN CERTIFICATE-----\nMIIEIDCCAoigAwIBAgIQQMGmNbWp8QFiRGhtiGeVajANBgkqhkiG9w0BAQsFADAq\nMQ4wDAYDVQQKDAVwZ2FhczEYMBYGA1UEAwwPcGdhYXMgb3JkZXJzIENBMB4XDTI1\nMTIzMTIzMDAwMFoXDTM2MDEwMTAwMDAwMFowKjEOMAwGA1UECgwFcGdhYXMxGDAW\nBgNVBAMMD3BnYWFzIG9yZGVycyBDQTCCAaIwDQYJKoZIhvcNAQEBBQADggGPADCC\nAYoCggGBAIXaleNqDM3czI1oDLwFRFuTzQ94npCPjqnIPalQTN20uUWPOzuzLiYE\ndcQbYvC0dSW7shjTGqaliMUDPUSn6fEzQ7Am2KOvXwgVMn6+pp8uMWKwUkDgQcmn\nDqyudy6iF1mfFa0WzNbDNUNvonTne8RmMjqLOcfm40SNhwMQQvID7BLB+wJDJfHs\nVGSViheIPz5BoYu/Y1PvMOefu/R66Ki6DBagGlxIHvAk97BvJ0ppbnFXaIUVyzBu\n3dfpeSUwOt6lY3Nq3wa+BZiqs/djjUf1NlFVWzftEBFMdhNp76fir8DuSuYqResz\n/m7v0wVl6m/8fKUOsObq0iYHCPZyyY7ZUkF62ENjdHHyqr/cmD7sbqXMzFBX1Sqt\n8M6c5Hm2uaRg9mM8JzAzfJnIUg4AdpicZ5dx/l4ZMtoY7It6EKatPWPXP6WjSgdx\ndTjHmmpxRkZpZRmSfv8ZFgOJKGFNC2eF3IrY4EyGGWfDqqWuNlgH6pAl2bnsBsoC\njLwJ25TdQwIDAQABo0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIB\nBjAdBgNVHQ4EFgQUknkscP5SsGubgri9OPLoskFmjqYwDQYJKoZIhvcNAQELBQAD\nggGBABudTGp1ibN8pNN6dxNHX72UITBYlCtiKnBEZDuSEf1DXRgp0o3iXBry2wsK\nQ11pAn/6tVlGW6h/BwSTcXI84iA7tvElY5GjyubutROkVEPxpnRoOF2F56Di+p7W\nClbIzcRR2eFpHem9Jw/NQ7Mij/+qd+XYbi0hkii3cfOOmwDlDmY7F9Bd2wq6GtB3\nMIUuzyZaqGxfBspML6W2CsYl4eZ5QT0NCEZJsFmg1jA7OzGz+j0bisq51cvwb8ZY\nRQoyIEaHmlJZjFdM5rRX8LLWAZ9fnCKLBEeOgJsGn6/69s8Htve4wrERGp5vkjck\nLWZZKeSKqyLFiQ6iFIwPaXbDKZbzCXlwoSuUvZncmXdjoJZE1wQgupjj9h4vzF2s\nl87m4YXfJPtl56ORYPKD1WrjYAV09tTI2KKQoPI5EP3E9kIcPTOPSXlz8XMV37Y6\nzBA9fKUOjMHDr5BEqvbHOTYGimiebx6dlQBWH3mU9HNJEokvSZYiBR5zDVtuDl4c\nUyiO6Q==\n-----END CERTIFICATE-----\n";
const FIXTURE_CA_KEY =
  "-----BEGIN PRIVATE KEY-----\nMIIG/AIBADANBgkqhkiG9w0BAQEFAASCBuYwggbiAgEAAoIBgQCF2pXjagzN3MyN\naAy8BURbk80PeJ6Qj46pyD2pUEzdtLlFjzs7sy4mBHXEG2LwtHUlu7IY0xqmpYjF\nAz1Ep+nxM0OwJtijr18IFTJ+vqafLjFisFJA4EHJpw6srncuohdZnxWtFszWwzVD\nb6J053vEZjI6iznH5uNEjYcDEELyA+wSwfsCQyXx7FRklYoXiD8+QaGLv2NT7zDn\nn7v0euiougwWoBpcSB7wJPewbydKaW5xV2iFFcswbt3X6XklMDrepWNzat8GvgWY\nqrP3Y41H9TZRVVs37RARTHYTae+n4q/A7krmKkXrM/5u79MFZepv/HylDrDm6tIm\nBwj2csmO2VJBethDY3Rx8qq/3Jg+7G6lzMxQV9UqrfDOnOR5trmkYPZjPCcwM3yZ\nyFIOAHaYnGeXcf5eGTLaGOyLehCmrT1j1z+lo0oHcXU4x5pqcUZGaWUZkn7/GRYD\niShhTQtnhdyK2OBMhhlnw6qlrjZYB+qQJdm57AbKAoy8CduU3UMCAwEAAQKCAYAN\nzXqDVt43JDuboU0e3lQsNVOB8ug28/a8Hz/sg7FJc2dfeuOaxmFN3kveiwxq0dD6\nsR4uXSZ0ZMFzv1/EAqSnEKg8M+VHC8B67uSkGTjJVVQWXyQ8OGPQTX+/4sW7c0+B\nGFx92soIo1yMtahE8dHbcMZhLxYoPPDWktmHQVgF6M2hKYueshnplnslXB4/Svdq\njg4AgR3W++VJHTmefkYbkAPLGXteZLl7/fPkp7GfhLu0yFSo1JR9TBFoQFUTtqNV\nQLQ19+fQk2MbXEpHkChRZ+c5bumKoYVz0o+gzxoeEMNT20e/4OBcbawPqzK30kPi\nu0IZOwTdhTkVpnloRbU+SAp9AEktqSlVa5Gfd4S0zGGC0jKk+mcatzeppsJGV9CO\nr27DjZvU19ikHXmex/WK5qvJeDd94K3eHca+2FuCZGmvC035PywBP+BmvtGCDVbZ\n2gfr2e2cqbf3yatHLnUI4ZrHNXnI5Ol/j4U5iGHTE0/ETZ9j0zopR/g+8DCWuuEC\ngcEAugT2LfFtyMaEEE176rHY491mRZTw2uwcl3TKkVjE8JyLLCf2CKxJNpZJkD7T\nmE0soZk6qKV5XWFoYWWRV66S6r8OWOsvvn8myZ0uFIVFks0rgG/+O3udVt3VSf5g\noeNtSE+rEYHUmfBtGXaO0j3vminorRnXjkSDb7DLC3qCTc+USphmndlp3J9k+3h1\nxMtk/Ng/4yG3xpE7GhYjGg9+p+uT9Dvu1vVyDdbEJfqdUD8OY2DEAVWiV0cAvem2\nJQerAoHBALg1ssulA4U2oLfjyTcatyKM6r1Bx7guVFMgpk3qRA1ObIgZdRiQFc8h\nql0qlMpSjxlZTS4k86JOwBqPxk8FxBbVXk9XSNVp/FfDwc0DEagQx68b5ay5Nn9A\nEcmfWeeoAQiAnAtUrFkO9K7VOEavf7AtTIc/V0vFZBP5yeVAF4YZSEuW/wrGkgpm\nHaA1THcFr1CnuyZ13+WYueX6Xfajvp/8VSJPBax3VZYKuIwQzziIR2SNykhvrbDa\nP5cSmk2IyQKBwD9bxUXsv4ntI7oxyg0sOkWSeW0lx8upNCvaGczbwWh6yWRm0AQw\nOlefZLr+yy9KyfLYsAQVKHtH3DegUprc2SmfnZFnucFWqa1uHe3bXtEblL+QZbV4\n6yRVNnqXa+53+hbxG8FAyVsNavuLSCYP9nY55AhhjuvkJih6vQ3R0mQSWd32fq0x\nCj+dAtYsN2CqLmF4fnosV94IRWsjMx2DPY6QTLqZV0ZcH1bbWb/d1osojwwGP3x8\n4Gh9xKDq46FFNQKBwBrm5LSu5aO3xaL1ZjZg9WvbTpDTIXq5cWEufHsWgle7I0iB\nB0PODxFP5lRy2oXtpq5aB1Z82QPUImP+qURzIB8BjCNkKOPZ9ZtPoGbzUsnLoY3m\nMhWWeun8jlx2pCebtoLqXV+ePwlGkN9TjkNsb+ZnxyxdSL9tFV+BdEXBpW3VFWTM\nqXSGaV+RaDQ0dHVRZDgQNtm4Dzm1ozh95ukVIsq0jC5Vgguc5efiqu7xqYGlDWAX\nAPqxLJmOVgkXE2fNWQKBwGBra0jvM1ksv20QA/HBIeVyRbfudiXllGCxwWx7/oqK\nYuaM6mKfUyU2YpkTtzrAlJE2mJpnNU6zE8DlKDyvfEtmWgNIjyMBtD6wVHZ+w7S5\nRMWiaRbG+P732uEKMVVFXYJikRYovAkSx3Jz+zQKeCGTnYsT2Ksf8ndrRnmdPyPi\nvf8WV4G18E0gPO6shDdzVIV6CyWBTWNOMhdMZ0wlz+vgBlAmLL4xnHUINQopeXNd\n3FaPtLCeaipAX3tvSPs1ow==\n-----END PRIVATE KEY-----\n";

export const SECRETS: PairSecrets = {
  superuserPassword: new Secret("super-secret-1"),
  repmgrPassword: new Secret("repl:pa\\ss'word"),
  adminPassword: new Secret("admin-secret-3"),
  postgresSshPrivateKey: new Secret(
    "-----BEGIN OPENSSH PRIVATE KEY-----\nFIXTURE\n-----END OPENSSH PRIVATE KEY-----\n",
  ),
  postgresSshPublicKey: "ssh-ed25519 AAAAFIXTURE pgaas-orders",
  // A fixed CA (generatePairCa("orders", 2026-01-01), RSA): issued certificates are deterministic, so goldens hold.
  tlsCa: { certificate: FIXTURE_CA_CERTIFICATE, privateKey: new Secret(FIXTURE_CA_KEY) },
};
