import type { Config } from '../../runtime/config.js';
import { dnsRecord, loadDkimKeys } from '../../runtime/dkim-keys.js';
import { ConfigError } from '../../runtime/errors.js';

/** `gazette dkim`: the TXT record of each configured key, as a zone-file line and as plain text. */
export function dkimCommand(config: Config): void {
  const keys = loadDkimKeys(config.dkim);
  if (keys.length === 0) {
    throw new ConfigError([
      'DKIM_DOMAIN: not set; set it with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE (docs/operations.md, Deliverability)',
    ]);
  }
  for (const key of keys) {
    const record = dnsRecord(key);
    process.stdout.write(
      `; ${key.algorithm}: publish as a TXT record named ${record.name}\n${record.zone}\n` +
        `; the same value in one piece, for a DNS provider's form:\n; ${record.value}\n\n`,
    );
  }
}
