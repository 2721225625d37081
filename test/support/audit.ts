// Shared by the audit tests (unit and the OS-log integration test): an entry to append, the audit
// journal's frames as someone with write access to the file sees them, and `audit verify` run as the CLI.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame, readFrame } from '../../src/main/journal/frame';
import type { AuditEntryInput } from '../../src/shared/audit';

const ROOT = join(import.meta.dirname, '..', '..');

/** A valid entry with no card: a bind request by CONTOSO\alice on Reader 0, unless `overrides` say otherwise. */
export function auditEntry(message: string | null, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: 'CONTOSO\\alice',
    action: 'bind.requested',
    reader: 'Reader 0',
    cardId: null,
    atr: null,
    requestId: null,
    smartcardUuid: null,
    result: 'info',
    code: null,
    correlationId: null,
    message,
    ...overrides,
  };
}

/** The payloads of a journal's frames in order (CRC checked), up to the first thing that is not a frame. */
export function journalPayloads(path: string): Buffer[] {
  const data = readFileSync(path);
  const payloads: Buffer[] = [];
  for (let offset = 0; ;) {
    const frame = readFrame(data, offset);
    if (frame.kind !== 'frame') return payloads;
    payloads.push(frame.payload);
    offset = frame.next;
  }
}

/** Rewrites a journal from payloads: valid frames, valid CRCs. */
export function writeJournalPayloads(path: string, payloads: readonly Buffer[]): void {
  writeFileSync(path, Buffer.concat(payloads.map((payload) => encodeFrame(payload))));
}

export interface AuditVerifyOutput {
  exitCode: number;
  message: string;
  result: Record<string, unknown>;
}

/** `npm run station -- audit verify --data-dir DIR --json`: its exit status and its last JSON line. */
export function runAuditVerify(dataDir: string): { status: number | null; out: AuditVerifyOutput } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli/station.ts', 'audit', 'verify', '--data-dir', dataDir, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, out: JSON.parse(run.stdout.trim().split('\n').at(-1)!) as AuditVerifyOutput };
}
