// `npm run cegid:check [-- --firm <id>] [--dossier <code>] [--json] [--out <file>]`: reads Cegid with
// a firm's real keys and says which published and modeled details of the wire held and which
// differed (src/quadra/conformance.ts). Read only: it never deposits anything.
//
// Keys come from the environment (CEGID_SIC, CEGID_CPA_KEY, CEGID_CPA_SECRET, CEGID_CFE_KEY,
// CEGID_CFE_SECRET, with CPA_BASE_URL and CFE_BASE_URL), or with --firm from a connected firm's
// stored keys (DATABASE_URL, SECRETS_KEYS). Exit 0 when everything held, 1 when something differed
// or failed, 2 when it could not run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cegidIdentity, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { devSecret } from '../src/lib/dev-secrets.ts';
import { createSecretBox } from '../src/lib/secret-box.ts';
import { storedCredentials } from '../src/pipeline/firm-clients.ts';
import { reportMarkdown } from '../src/quadra/conformance-report.ts';
import { runConformance } from '../src/quadra/conformance.ts';
import type { FirmCredentials } from '../src/quadra/gateway.ts';

const { values: args } = parseArgs({
  options: { firm: { type: 'string' }, dossier: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const config = loadConfig();
const cpaBaseUrl = config.CPA_BASE_URL ?? fail('Set CPA_BASE_URL (and CFE_BASE_URL): where Cegid answers for this firm.');
const cfeBaseUrl = config.CFE_BASE_URL ?? fail('Set CFE_BASE_URL: where Cegid File Exchange answers.');

async function credentials(): Promise<FirmCredentials> {
  if (args.firm) {
    const db = await openDatabase({ url: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), poolMax: 1 });
    try {
      const secrets = await createSecretBox(config.SECRETS_KEYS ?? devSecret(config.DATA_DIR, 'secrets.keys'));
      return (await storedCredentials(db, secrets, args.firm)) ?? fail(`Firm ${args.firm} has no stored Cegid keys.`);
    } finally {
      await db.close();
    }
  }
  const env = (name: string) => process.env[name] || fail(`Set ${name}, or pass --firm <id> to use a connected firm's stored keys.`);
  return {
    sicCode: env('CEGID_SIC'),
    cpa: { apiKey: env('CEGID_CPA_KEY'), secret: env('CEGID_CPA_SECRET') },
    cfe: { apiKey: env('CEGID_CFE_KEY'), secret: env('CEGID_CFE_SECRET') },
  };
}

const creds = await credentials();
const report = await runConformance({
  cpaBaseUrl,
  cfeBaseUrl,
  ...creds,
  identity: cegidIdentity(config),
  timeoutMs: config.CEGID_TIMEOUT_MS,
  ...(args.dossier ? { dossier: args.dossier } : {}),
});
const text = args.json ? `${JSON.stringify(report, null, 2)}\n` : reportMarkdown(report);
const out = args.out ?? `cegid-check-report.${args.json ? 'json' : 'md'}`;
writeFileSync(out, text);
process.stdout.write(text);
console.error(`\nReport written to ${out}: send it to Quadra Sync support. It holds no secret and no accounting figure.`);
process.exit(report.summary.differs + report.summary.failed === 0 ? 0 : 1);
