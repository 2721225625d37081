import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, verifyAuditFile } from '../../../src/main/audit';
import { csvRow } from '../../../src/main/audit/csv';
import { ensurePrivateDir } from '../../../src/main/journal';
import { auditEntry, journalPayloads, runAuditVerify, writeJournalPayloads } from '../../support/audit';
import { testTempDir } from '../../support/temp-dir';

let dataDir: string;
let auditDir: string;
let journalPath: string;
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'audit-chain-'));
  auditDir = join(dataDir, 'audit');
  journalPath = join(auditDir, 'audit.journal');
  const log = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date('2026-03-01T08:00:00Z') });
  for (const m of ['one', 'two', 'three', 'four']) await log.append(auditEntry(m));
  await log.close();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** The journal's records as JSON values (frames opened, CRC checked). */
const readRecords = (): Array<Record<string, unknown>> => journalPayloads(journalPath).map((p) => JSON.parse(p.toString('utf8')) as Record<string, unknown>);
/** Rewrite the journal as someone with write access would: valid frames, valid CRCs. */
function writeRecords(records: unknown[]): void {
  writeJournalPayloads(
    journalPath,
    records.map((r) => Buffer.from(JSON.stringify(r), 'utf8')),
  );
}

describe('audit verify (npm run station -- audit verify)', () => {
  it('says the chain holds for an untouched log, with its head', () => {
    const { status, out } = runAuditVerify(dataDir);
    expect(status).toBe(0);
    expect(out.message).toMatch(/the audit chain holds: 5 records, log [0-9a-f-]{36}, head [0-9a-f]{64}/);
  });

  it('catches an edited record, naming it', () => {
    const records = readRecords();
    const target = records[2] as { entry: { message: string; id: string } };
    target.entry.message = 'two (edited)';
    writeRecords(records);
    const { status, out } = runAuditVerify(dataDir);
    expect(status).toBe(1);
    expect(out.message).toContain(`broken at record 3 (entry ${target.entry.id}): the record was edited after it was written`);
  });

  it('catches a deleted record', () => {
    const records = readRecords();
    const after = records[3] as { entry: { id: string } };
    writeRecords([...records.slice(0, 2), ...records.slice(3)]);
    const { status, out } = runAuditVerify(dataDir);
    expect(status).toBe(1);
    expect(out.message).toContain(`broken at record 3 (entry ${after.entry.id}): the record before it is missing, or records were re-ordered`);
  });

  it('catches re-ordered records', () => {
    const records = readRecords();
    writeRecords([records[0], records[1], records[3], records[2], records[4]]);
    expect(runAuditVerify(dataDir).status).toBe(1);
    expect(verifyAuditFile(journalPath).firstBreak).toMatchObject({ index: 2, reason: 'the record before it is missing, or records were re-ordered' });
  });

  it('catches records cut off the end, through the head anchor', () => {
    writeRecords(readRecords().slice(0, 3));
    const { status, out } = runAuditVerify(dataDir);
    expect(status).toBe(1);
    expect(out.message).toMatch(/records were removed from the end of the audit log: the last known log [0-9a-f-]{36} had 5 records .*; 3 remain\.$/);
  });

  it('catches an edit whose hash was recomputed, at the next link', () => {
    const records = readRecords() as Array<{ kind: string; entry: { message: string }; prev: string; hash: string }>;
    // Recomputing record 2's own hash hides the edit there, but record 3 still names the old one.
    records[1]!.entry.message = 'forged';
    records[1]!.hash = 'f'.repeat(64);
    writeRecords(records);
    expect(verifyAuditFile(journalPath).firstBreak?.index).toBe(1);
  });
});

describe('start-up check', () => {
  it('reports a deleted log and starts a new one whose genesis records the gap, never silently', async () => {
    rmSync(auditDir, { recursive: true });
    const log = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date('2026-03-02T08:00:00Z') });
    const integrity = log.integrity();
    expect(integrity.status).toBe('gap');
    expect(integrity.problems).toEqual([
      expect.stringMatching(/^the audit log was missing or emptied: the last known log [0-9a-f-]{36} had 5 records ending with [0-9a-f]{64}$/),
    ]);
    await log.close();
    // The gap is written into the new log for good, and stays reported on the next start.
    expect(verifyAuditFile(journalPath).notes).toEqual([expect.stringMatching(/^started after a gap: the audit log was missing/)]);
    const again = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date('2026-03-02T09:00:00Z') });
    expect(again.integrity().status).toBe('gap');
    await again.close();
  });

  it('reports records cut off the end', async () => {
    writeRecords(readRecords().slice(0, 3));
    const log = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date() });
    expect(log.integrity()).toMatchObject({ status: 'gap', problems: [expect.stringMatching(/removed from the end .* 3 remain$/)] });
    await log.close();
  });

  it('reports a broken chain and keeps appending after it', async () => {
    const records = readRecords();
    writeRecords([records[0], records[2], records[3], records[4]]);
    const log = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date() });
    expect(log.integrity()).toMatchObject({ status: 'gap', problems: expect.arrayContaining([expect.stringMatching(/^the hash chain breaks at record 2/)]) });
    await log.append(auditEntry('five'));
    expect(log.query({}).map((e) => e.message)).toEqual(['two', 'three', 'four', 'five']);
    await log.close();
  });

  it('is ok for an intact log, and its anchor follows the flushed head (shortly after, and at close)', async () => {
    const anchor = () => JSON.parse(readFileSync(join(dataDir, 'audit.head'), 'utf8')) as { records: number; head: string };
    const log = await createAuditLog({ dir: auditDir, anchorPath: join(dataDir, 'audit.head'), now: () => new Date() });
    expect(log.integrity()).toMatchObject({ status: 'ok', records: 5, problems: [] });
    expect(anchor().records).toBe(5);
    await log.append(auditEntry('five'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(anchor()).toMatchObject({ records: 6, head: log.integrity().head });
    await log.append(auditEntry('six'));
    const head = log.integrity().head;
    await log.close();
    expect(anchor()).toMatchObject({ records: 7, head });
  });

  it('leaves an anchor that already names the head as it is (no rewrite at every start), and moves a lagging one', async () => {
    const anchorFile = join(dataDir, 'audit.head');
    const inode = () => statSync(anchorFile).ino;
    const before = inode();
    const log = await createAuditLog({ dir: auditDir, anchorPath: anchorFile, now: () => new Date() });
    expect(inode()).toBe(before);
    await log.close();
    // A lagging anchor (a crash before the timer wrote it): rewritten at start, through a new file.
    writeFileSync(
      anchorFile,
      `${JSON.stringify({ ...JSON.parse(readFileSync(anchorFile, 'utf8')), records: 4, head: (readRecords()[3] as { hash: string }).hash })}\n`,
    );
    const lagging = inode();
    const again = await createAuditLog({ dir: auditDir, anchorPath: anchorFile, now: () => new Date() });
    expect(again.integrity().status).toBe('ok');
    expect(inode()).not.toBe(lagging);
    expect(JSON.parse(readFileSync(anchorFile, 'utf8'))).toMatchObject({ records: 5 });
    await again.close();
  });
});

describe('owner-only data (POSIX)', () => {
  it('creates the data folder 0700 (tightening an existing one) and the journal, anchor and exports 0600', async () => {
    const fresh = join(testTempDir('private-'), 'station');
    mkdirSync(fresh, { mode: 0o755 });
    chmodSync(fresh, 0o755);
    ensurePrivateDir(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const log = await createAuditLog({ dir: join(fresh, 'audit'), now: () => new Date() });
    await log.append(auditEntry('x'));
    const out = join(fresh, 'export.csv');
    await log.exportCsv({}, out);
    await log.close();
    expect(statSync(join(fresh, 'audit')).mode & 0o777).toBe(0o700);
    for (const file of [join(fresh, 'audit', 'audit.journal'), join(fresh, 'audit', 'audit.head'), out]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  });
});

describe('CSV guard with a French-Excel ";" separator', () => {
  /** How Excel set to French reads a CSV: fields split on ";", honouring double quotes. */
  function splitQuoted(line: string, sep: string): string[] {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === sep) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    return [...cells, cell];
  }
  const hostile = ['x;=cmd|"/c calc"!A1', 'a;+1', 'ok;@SUM(1)', 'tab\t=1+1', 'a; -2+3', 'line\r\n=HYPERLINK("http://evil")', '=1;=2'];
  const TRIGGER = /^[=+\-@]/;

  it('no cell starts with a formula, whether split on ";" with quotes (Excel) or naively', () => {
    const row = csvRow(hostile).replace(/\r\n$/, '');
    for (const cell of [...splitQuoted(row, ';'), ...splitQuoted(row, ','), ...row.split(/[;,\t\r\n]/)]) {
      expect(cell.trimStart().replace(/^"/, ''), JSON.stringify(cell)).not.toMatch(TRIGGER);
    }
  });

  it('keeps the values readable: the same text, with a quote before each trigger', () => {
    expect(splitQuoted(csvRow(['x;=1']).trimEnd(), ',')).toEqual(["x;'=1"]);
    expect(csvRow(['a;b'])).toBe('"a;b"\r\n');
  });
});
