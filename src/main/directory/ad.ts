import { spawn } from 'node:child_process';
import { z } from 'zod';
import { normalizeGuid } from '../../shared/cm';
import { AD_SEARCH_SCRIPT, encodedCommand } from './ad-script';
import { escapeBinaryValue, escapeFilterValue, MAX_GUIDS_PER_FILTER } from './filter';
import { guidFromObjectGuid, objectGuidFromGuid } from './guid';
import { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';

/** People only: AD's users that are persons (computer accounts are users too). */
const PEOPLE = '(objectCategory=person)(objectClass=user)';

/** `(anr=…)`: Active Directory's ambiguous name resolution (name, account, UPN, mail...). */
export function adSearchFilter(text: string): string {
  return `(&${PEOPLE}(anr=${escapeFilterValue(text.trim())}))`;
}

export function adGuidFilter(guids: readonly string[]): string {
  return `(&${PEOPLE}(|${guids.map((g) => `(objectGUID=${escapeBinaryValue(objectGuidFromGuid(g))})`).join('')}))`;
}

const adsiOutputSchema = z.object({
  domain: z.string().nullable().optional(),
  // Windows PowerShell 5 writes a one-element array as a bare object, and an empty one as null.
  users: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null()]).optional(),
});
const adsiUserSchema = z.object({
  objectGUID: z.string(),
  displayName: z.string().nullable().optional(),
  cn: z.string().nullable().optional(),
  sAMAccountName: z.string().nullable().optional(),
  userPrincipalName: z.string().nullable().optional(),
});

/** Parse what AD_SEARCH_SCRIPT printed; entries without a usable objectGUID are dropped. */
export function parseAdsiOutput(stdout: string): DirectoryUser[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout.replace(/^\uFEFF/, '').trim() || 'null');
  } catch {
    // Translated: the typed error is what the directory reports.
    throw new DirectoryError('protocol', 'the ADSI search printed something that is not JSON');
  }
  const parsed = adsiOutputSchema.safeParse(json);
  if (!parsed.success) throw new DirectoryError('protocol', 'the ADSI search printed an unexpected document');
  const { domain, users } = parsed.data;
  const list = users == null ? [] : Array.isArray(users) ? users : [users];
  const out: DirectoryUser[] = [];
  for (const raw of list) {
    const user = adsiUserSchema.safeParse(raw);
    if (!user.success) continue;
    const bytes = Buffer.from(user.data.objectGUID, 'base64');
    if (bytes.length !== 16) continue;
    const sam = user.data.sAMAccountName || '';
    out.push({
      guid: guidFromObjectGuid(bytes),
      displayName: user.data.displayName || user.data.cn || sam,
      account: sam && domain ? `${domain}\\${sam}` : sam,
      upn: user.data.userPrincipalName || null,
    });
  }
  return out;
}

export interface AdDirectoryConfig {
  timeoutMs: number;
  /** Test seam: the process runner (default: Windows PowerShell). */
  run?: (input: string, timeoutMs: number) => Promise<string>;
}

/** Active Directory as the signed-in operator, through ADSI in a fixed PowerShell script. */
export function createAdDirectory(config: AdDirectoryConfig): DirectoryAdapter {
  const run = config.run ?? runPowerShell;
  const query = async (filter: string, sizeLimit: number) =>
    parseAdsiOutput(await run(JSON.stringify({ filter, sizeLimit, timeoutMs: config.timeoutMs }), config.timeoutMs));
  return {
    kind: 'ad',
    async lookup(guids) {
      const wanted = [...new Set(guids.map((g) => normalizeGuid(g)).filter((g): g is string => g !== null))];
      const found: DirectoryUser[] = [];
      for (let i = 0; i < wanted.length; i += MAX_GUIDS_PER_FILTER) {
        const chunk = wanted.slice(i, i + MAX_GUIDS_PER_FILTER);
        found.push(...(await query(adGuidFilter(chunk), chunk.length)));
      }
      return found;
    },
    async search(text, limit) {
      if (text.trim() === '') return [];
      return query(adSearchFilter(text), limit);
    },
    async close() {},
  };
}

function runPowerShell(input: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodedCommand(AD_SEARCH_SCRIPT)],
      { windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill();
      reject(new DirectoryError('unreachable', `the ADSI search did not finish within ${timeoutMs} ms`));
    }, timeoutMs + 5_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new DirectoryError('config', `PowerShell cannot be started: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0) {
        const reason = /domain|server is not operational|referral/i.test(stderr) ? 'unreachable' : 'protocol';
        reject(new DirectoryError(reason, `the ADSI search failed (exit ${code}): ${stderr.slice(0, 500)}`));
        return;
      }
      resolve(Buffer.concat(out).toString('utf8'));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input, 'utf8');
  });
}
