// The Pulumi program that restores a whole pair as of a time into a new pair (PostgresPair's
// `restoreFrom`). The control plane cannot create VMs, so the portal hands the operator this program
// instead of a button. The source pair stays in the program: its pairSecrets hold the repository key.

/** `shop-eu` → `shopEu`: the source pair's variable in the program. */
function variableOf(pairName: string): string {
  return pairName.replace(/-([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** A string literal for TypeScript (JSON escaping is valid there). */
const literal = (text: string) => JSON.stringify(text);

export function restorePairSnippet(pairName: string, time: string): string {
  const source = variableOf(pairName);
  return [
    'import { PostgresPair } from "@pgaas/sdk";',
    "",
    `// ${pairName} stays in the program (its nodes may be gone): its pairSecrets hold the repository key.`,
    `const ${source} = new PostgresPair(${literal(pairName)}, { /* unchanged */ });`,
    "",
    `const restored = new PostgresPair(${literal(`${pairName}-restored`)}, {`,
    "  // ...the new pair's hosts and networks, as for any pair",
    `  backup: { repository: { kind: "local" } }, // required, of ${pairName}'s repository kind`,
    "  restoreFrom: {",
    `    repository: { kind: "local" }, // ${pairName}'s backup.repository`,
    `    stanza: ${literal(pairName)},`,
    `    time: ${literal(time)},`,
    `    cipherPass: ${source}.configuration.pairSecrets.apply((s) => JSON.parse(s).backupCipherPass),`,
    "  },",
    "});",
  ].join("\n");
}
