// Certificate authentication on a pair's nodes: the control plane's client CA and its CRL, handed to
// each node's agent with a report acknowledgement whenever the node reports an older version. The
// agent writes them into its client-auth directory (node-local, never copied by clone or pg_rewind)
// and reloads PostgreSQL, whose postgresql.conf includes CLIENT_AUTH_CONF if it exists.
import { z } from "zod";

/** The included settings file: ssl_ca_file and ssl_crl_file pointing at the two files below. */
export const CLIENT_AUTH_CONF = "client-auth.conf";
export const CLIENT_CA_FILE = "client-ca.crt";
export const CLIENT_CRL_FILE = "client.crl";
/** The version the files in the directory carry, read back when the agent starts. */
export const CLIENT_AUTH_VERSION_FILE = "version";

/** Group roles whose members log in with a client certificate (alone, or with their password too). */
export const CERT_AUTH_ROLE = "pgaas_cert_auth";
export const CERT_PASSWORD_ROLE = "pgaas_cert_password";

const Pem = (label: string) =>
  z
    .string()
    .max(64 * 1024)
    .regex(new RegExp(`^-----BEGIN ${label}-----\\n[A-Za-z0-9+/=\\n]+-----END ${label}-----\\n$`));

export const ClientAuthBundle = z.object({
  /** Grows with every change (a new CA or a revocation): the CRL number. */
  version: z.number().int().positive(),
  caCertificate: Pem("CERTIFICATE"),
  crl: Pem("X509 CRL"),
});
export type ClientAuthBundle = z.infer<typeof ClientAuthBundle>;
