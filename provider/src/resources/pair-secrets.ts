// pgaas:index:PairSecrets — a pair's generated credentials (passwords, the postgres SSH key, the backup
// passphrase, the pair CA) owned by a resource of their own, no SSH: steps that run before
// PairConfiguration (a rolling replacement's switchover and replaceMember) need them, and
// PairConfiguration comes after both VMs. Create generates them, or adopts an existing pair's (`seed`,
// its PairConfiguration's `pairSecrets` output). An update only adds what is missing and never rotates:
// a new backup passphrase would orphan the repository, a new CA break every client's verify-full.
import { InputError } from "@pgaas/common";
import { PairName } from "@pgaas/common/wire";
import {
  generatePairSecrets,
  type PairSecrets,
  pairSecretsFrom,
  revealPairSecrets,
  StoredPairSecrets,
  withBackupKey,
  withTlsCa,
} from "@pgaas/engine";
import { z } from "zod";
import { containsUnknowns, sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { parseInputs, type ResourceHandler, schemaFailures, type WireProps } from "./resource-handler.js";

export const PAIR_SECRETS_TOKEN = "pgaas:index:PairSecrets";

export const PairSecretsInputs = z.object({
  pairName: PairName,
  /** An existing pair's secrets (JSON) to adopt instead of generating; read by create only. */
  seed: z.string().min(1).optional(),
});

/** Secrets as a JSON string (the wire form of `pairSecrets` here and on PairConfiguration). */
export function parseSecretsJson(json: string, property: string): PairSecrets {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InputError(`${property} is not JSON`, { code: "invalid_pair_secrets" });
  }
  const parsed = StoredPairSecrets.safeParse(value);
  if (!parsed.success)
    throw new InputError(`${property} is not a pair's secrets (${parsed.error.issues[0]?.message})`, {
      code: "invalid_pair_secrets",
    });
  return pairSecretsFrom(parsed.data);
}

export function secretsJson(secrets: PairSecrets): string {
  return JSON.stringify(revealPairSecrets(secrets));
}

/** Secrets written before backups (or TLS) existed get a repository key (or a CA); nothing else changes. */
export function completedSecrets(secrets: PairSecrets, pairName: string): PairSecrets {
  return withTlsCa(withBackupKey(secrets), pairName);
}

function isComplete(secrets: PairSecrets): boolean {
  return secrets.backupCipherPass !== undefined && secrets.tlsCa !== undefined;
}

/** The `pairSecrets` property (this resource's output, PairConfiguration's input and state), parsed. */
export function pairSecretsProperty(props: WireProps): PairSecrets {
  return parseSecretsJson(String(unwrapSecrets(props.pairSecrets)), "pairSecrets");
}

function stateOf(props: WireProps, secrets: PairSecrets): WireProps {
  return {
    pairName: props.pairName,
    ...(props.seed === undefined ? {} : { seed: wireSecret(unwrapSecrets(props.seed)) }),
    pairSecrets: wireSecret(secretsJson(secrets)),
  };
}

export const pairSecretsHandler: ResourceHandler = {
  token: PAIR_SECRETS_TOKEN,

  async check(_olds, news) {
    const failures = schemaFailures(PairSecretsInputs, news);
    if (failures.length === 0 && news.seed !== undefined && !containsUnknowns(news.seed)) {
      try {
        parseSecretsJson(String(unwrapSecrets(news.seed)), "seed");
      } catch (error) {
        failures.push({ property: "seed", reason: (error as Error).message });
      }
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    // Another pair name is another pair (its PairConfiguration is replaced too). The seed only matters
    // to create: a pair's secrets are never replaced by a seed once owned here.
    const replaces = sameValue(olds.pairName, news.pairName) ? [] : ["pairName"];
    // State adopted from a pair made before backups (or TLS) existed: the update adds what is missing.
    const incomplete = !isComplete(pairSecretsProperty(olds));
    return { changes: replaces.length > 0 || incomplete, replaces };
  },

  async create(props) {
    const inputs = parseInputs(PairSecretsInputs, props);
    const secrets =
      inputs.seed === undefined
        ? generatePairSecrets(inputs.pairName)
        : completedSecrets(parseSecretsJson(inputs.seed, "seed"), inputs.pairName);
    return { id: inputs.pairName, outs: stateOf(props, secrets) };
  },

  async read(id, props) {
    // Nothing outside the state: the state is the truth.
    const inputs: WireProps = {
      pairName: props.pairName,
      ...(props.seed === undefined ? {} : { seed: props.seed }),
    };
    return { id, props, inputs };
  },

  async update(_id, olds, news) {
    const inputs = parseInputs(PairSecretsInputs, news);
    return { outs: stateOf(news, completedSecrets(pairSecretsProperty(olds), inputs.pairName)) };
  },

  async delete() {
    // The secrets lived only in the state.
  },
};

/**
 * The fields of `stored` that `given` does not carry unchanged (names only, never values). `given` may
 * add what `stored` lacks (a backup key, a CA): that completes, it does not rotate.
 */
export function differingSecrets(stored: PairSecrets, given: PairSecrets): string[] {
  const before = revealPairSecrets(stored);
  const after = revealPairSecrets(given);
  return Object.keys(before).filter(
    (key) => !sameValue(before[key as keyof typeof before], after[key as keyof typeof after]),
  );
}
