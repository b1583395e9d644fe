// pgbackrest.conf for the nodes and for the repository host. With a local repository the nodes push
// WAL to the witness host over SSH and the witness runs backups, pulling from whichever node is
// primary; with an object store (S3/Swift, GCS) the nodes reach the bucket themselves and hold the key.
import { backupLayout, stanzaOf, stanzaRepositoryPath } from "../backup/backup-layout.js";
import type { BackupRepository } from "../backup/backup-spec.js";
import type { Member } from "../members.js";
import { nodeMember, witnessMember } from "../members.js";
import type { PairSecrets } from "../secrets.js";
import type { PairSpec } from "../spec.js";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";

type Section = Readonly<Record<string, string>>;

/** pgBackRest's INI: no quoting exists, so a value must be one line and keys are fixed names. */
function renderIni(sections: readonly (readonly [string, Section])[]): string {
  const body = sections
    .map(([name, values]) => {
      const lines = Object.entries(values).map(([key, value]) => {
        if (!/^[a-z0-9-]+$/.test(key)) throw new TypeError(`invalid pgbackrest option: ${key}`);
        assertOneLine(value, `pgbackrest option ${key}`);
        return `${key}=${value}\n`;
      });
      return `[${name}]\n${lines.join("")}`;
    })
    .join("\n");
  return withHeader(body);
}

function cipherPass(spec: PairSpec, secrets: PairSecrets): string {
  const pass = secrets.backupCipherPass;
  if (!pass) throw new TypeError(`pair ${spec.name}: backups need the repository key (withBackupKey)`);
  return pass.reveal();
}

function s3Credentials(spec: PairSpec, secrets: PairSecrets): Section {
  const credentials = secrets.backupS3Credentials;
  if (!credentials) throw new TypeError(`pair ${spec.name}: an s3 repository needs backupS3Credentials`);
  return {
    "repo1-s3-key": credentials.accessKeyId,
    "repo1-s3-key-secret": credentials.secretAccessKey.reveal(),
  };
}

/** Logging, locks and the SSH command of one member. */
function memberGlobals(member: Member): Section {
  const paths = backupLayout(member.layout);
  return {
    "log-path": paths.logDir,
    "log-level-console": "warn",
    "log-level-file": "info",
    "lock-path": paths.lockDir,
    "cmd-ssh": paths.sshWrapper,
  };
}

/** Where a stanza's repository lives: `<path>/<stanza>` on the repository host or in the bucket. */
function repositoryLocation(
  spec: PairSpec,
  repository: BackupRepository,
  stanza: string,
  secrets: PairSecrets,
): Section {
  const path = stanzaRepositoryPath(repository, stanza);
  if (repository.kind === "local") return { "repo1-path": path };
  if (repository.kind === "s3") {
    return {
      "repo1-type": "s3",
      "repo1-path": path,
      "repo1-s3-endpoint": repository.endpoint,
      "repo1-s3-bucket": repository.bucket,
      "repo1-s3-region": repository.region,
      "repo1-s3-uri-style": repository.uriStyle,
      "repo1-s3-key-type": "shared",
      ...s3Credentials(spec, secrets),
    };
  }
  return {
    "repo1-type": "gcs",
    "repo1-path": path,
    "repo1-gcs-bucket": repository.bucket,
    "repo1-gcs-key-type": "auto",
  };
}

/** The repository itself: encrypted, compressed, with the spec's retention. */
function repositoryGlobals(spec: PairSpec, secrets: PairSecrets): Section {
  const backup = spec.backup;
  if (!backup) throw new TypeError(`pair ${spec.name} has no backup spec`);
  return {
    ...repositoryLocation(spec, backup.repository, stanzaOf(spec), secrets),
    "repo1-cipher-type": "aes-256-cbc",
    "repo1-cipher-pass": cipherPass(spec, secrets),
    "repo1-retention-full-type": "count",
    "repo1-retention-full": String(backup.retention.full),
    "repo1-retention-diff": String(backup.retention.differential),
    "compress-type": "lz4",
    "process-max": "2",
    // A backup starts with an immediate checkpoint instead of waiting for the next scheduled one.
    "start-fast": "y",
  };
}

function pgLocal(member: Member): Section {
  return {
    "pg1-path": member.layout.dataDir,
    "pg1-port": String(member.port),
    "pg1-socket-path": member.layout.runDir,
  };
}

/**
 * A node: archive-push (asynchronous, from its persistent spool) and its own data directory. With a
 * local repository the repository settings live on the repository host only.
 */
export function renderNodePgbackrestConf(spec: PairSpec, nodeName: string, secrets: PairSecrets): string {
  const member = nodeMember(spec, nodeName);
  const witness = witnessMember(spec);
  const paths = backupLayout(member.layout);
  const repository =
    spec.backup?.repository.kind === "local"
      ? {
          "repo1-host": witness.address,
          "repo1-host-user": "postgres",
          "repo1-host-config": backupLayout(witness.layout).conf,
        }
      : repositoryGlobals(spec, secrets);
  return renderIni([
    [
      "global",
      {
        ...memberGlobals(member),
        ...repository,
        "archive-async": "y",
        "spool-path": paths.spoolDir,
      },
    ],
    [stanzaOf(spec), pgLocal(member)],
  ]);
}

/** The repository host (local repositories): the repository, and both nodes reached over SSH. */
export function renderRepositoryPgbackrestConf(spec: PairSpec, secrets: PairSecrets): string {
  const witness = witnessMember(spec);
  const pg: Record<string, string> = {};
  for (const [index, node] of spec.nodes.entries()) {
    const member = nodeMember(spec, node.name);
    const n = index + 1;
    pg[`pg${n}-host`] = member.address;
    pg[`pg${n}-host-user`] = "postgres";
    pg[`pg${n}-host-config`] = backupLayout(member.layout).conf;
    pg[`pg${n}-path`] = member.layout.dataDir;
    pg[`pg${n}-port`] = String(member.port);
    pg[`pg${n}-socket-path`] = member.layout.runDir;
  }
  return renderIni([
    ["global", { ...memberGlobals(witness), ...repositoryGlobals(spec, secrets) }],
    [stanzaOf(spec), pg],
  ]);
}

/** The repository host's restore configuration: the repository alone; the target comes on the command line. */
export function renderRestorePgbackrestConf(spec: PairSpec, secrets: PairSecrets): string {
  return renderIni([
    ["global", { ...memberGlobals(witnessMember(spec)), ...repositoryGlobals(spec, secrets) }],
  ]);
}

/**
 * The source pair's repository for seeding this pair (restoreFrom), read-only: no retention (expire is
 * never run with it) and the source's own key. Where restores read it: the witness host for a local
 * repository (`witness`), else the node itself (`node`).
 */
export interface SeedConfs {
  /** The repository host's (local source repository only). */
  readonly witness?: string;
  /** The primary's: its restore (and archive-get during recovery) reads the source through this. */
  readonly node: string;
}

export function renderSeedPgbackrestConfs(spec: PairSpec, nodeName: string, secrets: PairSecrets): SeedConfs {
  const source = spec.restoreFrom;
  if (!source) throw new TypeError(`pair ${spec.name} is not seeded from a repository`);
  const node = nodeMember(spec, nodeName);
  const sourceRepository = {
    ...repositoryLocation(spec, source.repository, source.stanza, secrets),
    "repo1-cipher-type": "aes-256-cbc",
    "repo1-cipher-pass": source.cipherPass.reveal(),
  };
  // archive-get during recovery checks the repository against this data directory's pg_control.
  const data = [source.stanza, pgLocal(node)] as const;
  if (source.repository.kind !== "local") {
    return { node: renderIni([["global", { ...memberGlobals(node), ...sourceRepository }], data]) };
  }
  const witness = witnessMember(spec);
  return {
    witness: renderIni([["global", { ...memberGlobals(witness), ...sourceRepository }]]),
    node: renderIni([
      [
        "global",
        {
          ...memberGlobals(node),
          "repo1-host": witness.address,
          "repo1-host-user": "postgres",
          "repo1-host-config": backupLayout(witness.layout).seedConf,
        },
      ],
      data,
    ]),
  };
}
