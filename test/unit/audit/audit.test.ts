import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../../../src/main/audit';
import { csvCell, csvRow } from '../../../src/main/audit/csv';
import type { AuditEntryInput } from '../../../src/shared/audit';
import { auditEntry } from '../../support/audit';

const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';

/** A bind request for one card and request, by CONTOSO\alice on Reader 0. */
function entry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return auditEntry(null, { cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e', atr: '3b8d0180fba000000397425446590301c8', requestId: REQ, ...overrides });
}

let dir: string;
let clock: number;
let log: AuditLog;
const now = () => new Date(clock);
let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  clock = Date.parse('2026-03-01T08:00:00.000Z');
  log = await createAuditLog({ dir, now, newId });
});
afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('stamps each entry with id and time, and keeps it across a restart', async () => {
    const stored = await log.append(entry());
    expect(stored).toMatchObject({ ...entry(), at: '2026-03-01T08:00:00.000Z' });
    expect(stored.id).toMatch(/^00000000-/);
    await log.close();
    log = await createAuditLog({ dir, now, newId });
    expect(log.query({})).toEqual([stored]);
    expect(log.recovery.truncatedTail).toBeNull();
  });

  it('refuses an entry that does not fit the schema', async () => {
    await expect(log.append({ ...entry(), action: 'card.eaten' } as unknown as AuditEntryInput)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(log.query({})).toEqual([]);
  });

  it('queries by time range (from inclusive, to exclusive), request, card and limit', async () => {
    const hour = 3_600_000;
    const a = await log.append(entry({ action: 'card.inserted', requestId: null }));
    clock += hour;
    const b = await log.append(entry({ action: 'bind.done', result: 'ok' }));
    clock += hour;
    const c = await log.append(entry({ requestId: 'ffffffff-0000-4000-8000-000000000000', cardId: 'other' }));
    expect(log.query({ from: '2026-03-01T09:00:00Z' })).toEqual([b, c]);
    expect(log.query({ from: '2026-03-01T08:00:00Z', to: '2026-03-01T10:00:00Z' })).toEqual([a, b]);
    expect(log.query({ requestId: REQ })).toEqual([b]);
    expect(log.query({ cardId: 'other' })).toEqual([c]);
    expect(log.query({ limit: 2 })).toEqual([b, c]);
    expect(() => log.query({ from: 'yesterday' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});

describe('CSV export', () => {
  it('quotes per RFC 4180 and defuses formula injection', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    for (const lead of ['+', '-', '@']) expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('\t1+1')).toBe(`"'\t1+1"`);
    expect(csvCell('\r=1')).toBe(`"'\r'=1"`);
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvRow(['a', null, 'c'])).toBe('a,,c\r\n');
  });

  it('writes a header row and one row per matching entry, via a temp file', async () => {
    await log.append(entry({ action: 'card.inserted', requestId: null }));
    const failed = await log.append(
      entry({
        action: 'bind.failed',
        result: 'failed',
        code: 'CM_SERVER_ERROR',
        correlationId: '0d3c6a2e-0000-4000-8000-000000000000',
        message: '=cmd|"/c calc"!A1, then "more"',
      }),
    );
    const exportDir = join(dir, 'export');
    const out = join(exportDir, 'audit.csv');
    // A folder that does not exist is an I/O error, not a crash.
    await expect(log.exportCsv({ requestId: REQ }, out)).rejects.toMatchObject({ code: 'STORAGE_IO' });
    mkdirSync(exportDir);
    await expect(log.exportCsv({ from: '2026-03-01T00:00:00Z' }, out)).resolves.toEqual({ path: out, rows: 2 });
    const text = readFileSync(out, 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('at,actor,action,result,reader,cardId,atr,requestId,smartcardUuid,code,correlationId,message,id,hash');
    const cells = lines[2]!.split(',');
    expect(cells.slice(0, -1).join(',')).toBe(
      [
        failed.at,
        'CONTOSO\\alice',
        'bind.failed',
        'failed',
        'Reader 0',
        'bc88f13f-83ba-4037-8262-46eba1291c6e',
        '3b8d0180fba000000397425446590301c8',
        REQ,
        '',
        'CM_SERVER_ERROR',
        '0d3c6a2e-0000-4000-8000-000000000000',
        `"'=cmd|""/c calc""!A1, then ""more"""`,
        failed.id,
      ].join(','),
    );
    expect(cells.at(-1)).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[3]).toMatch(/^chain head,[0-9a-f]{64},log [0-9a-f-]{36},3 records$/);
    expect(lines).toHaveLength(5); // header, 2 rows, the chain head, and the empty string after the final CRLF
    expect(readdirSync(exportDir)).toEqual(['audit.csv']);
  });
});
