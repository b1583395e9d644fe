// argv builders for the repmgr commands the agent runs (CONVENTIONS 4: tests assert the exact argv).

/**
 * Promote this standby and demote the old primary. No `--siblings-follow`: with a witness it needs SSH
 * to the witness host; the engine re-registers the witness instead (FIELD-NOTES pitfall 12).
 */
export function standbySwitchoverArgv(binary: string, configFile: string): string[] {
  return [binary, "-f", configFile, "standby", "switchover", "--verbose"];
}
