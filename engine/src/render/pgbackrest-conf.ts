// pgbackrest.conf for the nodes and for the repository host. With a local repository the nodes push
// WAL to the witness host over SSH and the witness runs backups, pulling from whichever node is
// primary; with an object store (S3/Swift, GCS) the nodes reach the bucket themselves and hold the key.
import { backupLayout, localRepositoryPath, stanzaOf } from "../backup/backup-layout.js";
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

/** The repository itself: encrypted, compressed, with the spec's retention. */
function repositoryGlobals(spec: PairSpec, secrets: PairSecrets): Section {
  const backup = spec.backup;
  if (!backup) throw new TypeError(`pair ${spec.name} has no backup spec`);
  const repository = backup.repository;
  const location: Record<string, string> =
    repository.kind === "local"
      ? { "repo1-path": localRepositoryPath(spec) }
      : repository.kind === "s3"
        ? {
            "repo1-type": "s3",
            "repo1-path": `${repository.path.replace(/\/+$/, "")}/${spec.name}`,
            "repo1-s3-endpoint": repository.endpoint,
            "repo1-s3-bucket": repository.bucket,
            "repo1-s3-region": repository.region,
            "repo1-s3-uri-style": repository.uriStyle,
            "repo1-s3-key-type": "shared",
            ...s3Credentials(spec, secrets),
          }
        : {
            "repo1-type": "gcs",
            "repo1-path": `${repository.path.replace(/\/+$/, "")}/${spec.name}`,
            "repo1-gcs-bucket": repository.bucket,
            "repo1-gcs-key-type": "auto",
          };
  return {
    ...location,
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
