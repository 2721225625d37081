import { spawn } from 'node:child_process';
import { z } from 'zod';
import { normalizeGuid } from '../../shared/cm';
import { systemTool } from '../common';
import { adSearchScript, POWERSHELL_ARGS } from './ad-script';
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

/** Text as the script prints it: UTF-16 code units (ASCII-only JSON); PowerShell 5 may unwrap one unit to a bare number. */
const codeUnits = z.union([z.array(z.number().int().min(0).max(0xffff)), z.number().int().min(0).max(0xffff), z.null()]);
const textOf = (units: z.infer<typeof codeUnits> | undefined): string =>
  units == null ? '' : String.fromCharCode(...(Array.isArray(units) ? units : [units]));

const adsiOutputSchema = z.union([
  z.strictObject({ error: codeUnits }),
  z.strictObject({
    domain: codeUnits.optional(),
    // Windows PowerShell 5 may write a one-element array as a bare object, and an empty one as null.
    users: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null()]).optional(),
  }),
]);
const adsiUserSchema = z.object({
  objectGUID: z.array(z.number().int().min(0).max(255)).length(16),
  displayName: codeUnits.optional(),
  cn: codeUnits.optional(),
  sAMAccountName: codeUnits.optional(),
  userPrincipalName: codeUnits.optional(),
});

/** A failed search, in the script's words or PowerShell's: `unreachable` when it names the domain or its servers. */
function adsiFailure(message: string, exitCode: number | null = null): DirectoryError {
  const reason = /domain|server is not operational|referral/i.test(message) ? 'unreachable' : 'protocol';
  return new DirectoryError(reason, `the ADSI search failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${message.slice(0, 500)}`);
}

/** What the search printed (ad-script.ts); entries without a usable objectGUID are dropped; a caught failure is thrown. */
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
  if ('error' in parsed.data) {
    throw adsiFailure(textOf(parsed.data.error));
  }
  const { users } = parsed.data;
  const domain = textOf(parsed.data.domain);
  const list = users == null ? [] : Array.isArray(users) ? users : [users];
  const out: DirectoryUser[] = [];
  for (const raw of list) {
    const user = adsiUserSchema.safeParse(raw);
    if (!user.success) continue;
    const sam = textOf(user.data.sAMAccountName);
    out.push({
      guid: guidFromObjectGuid(Uint8Array.from(user.data.objectGUID)),
      displayName: textOf(user.data.displayName) || textOf(user.data.cn) || sam,
      account: sam && domain ? `${domain}\\${sam}` : sam,
      upn: textOf(user.data.userPrincipalName) || null,
    });
  }
  return out;
}

export interface AdDirectoryConfig {
  timeoutMs: number;
  /** Test seam: the process runner (default: Windows PowerShell by absolute path, the script on stdin). */
  run?: (script: string, timeoutMs: number) => Promise<string>;
}

/** Active Directory as the signed-in operator, through ADSI in a generated, CLM-safe PowerShell script. */
export function createAdDirectory(config: AdDirectoryConfig): DirectoryAdapter {
  const run = config.run ?? runPowerShell;
  const query = async (filter: string, sizeLimit: number) => parseAdsiOutput(await run(adSearchScript(filter, sizeLimit), config.timeoutMs));
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

/** How Windows PowerShell is started: absolute path and working folder from system-tools.ts, the script on stdin. */
export function powerShellCommand(env: Readonly<Record<string, string | undefined>> = process.env): { file: string; args: string[]; cwd: string } {
  const { file, cwd } = systemTool('powershell.exe', env);
  return { file, args: [...POWERSHELL_ARGS], cwd };
}

function runPowerShell(script: string, timeoutMs: number): Promise<string> {
  const { file, args, cwd } = powerShellCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
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
      const stdout = Buffer.concat(out).toString('utf8');
      // The script reports its own failure as JSON (exit 1); parseAdsiOutput words it.
      if (code !== 0 && stdout.includes('"error"')) return resolve(stdout);
      if (code !== 0) {
        reject(adsiFailure(stderr, code));
        return;
      }
      resolve(stdout);
    });
    child.stdin.on('error', () => undefined);
    // ASCII by construction (adSearchScript), so the console input code page cannot change it.
    child.stdin.end(script, 'ascii');
  });
}
