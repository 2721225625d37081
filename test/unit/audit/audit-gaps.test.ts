// Issue 18: a log without its anchor is a gap, not a first run. The reproduction from the issue:
// cut the last record off the audit log and delete `audit.head`; before, "the audit chain holds".
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, verifyAuditFile } from '../../../src/main/audit';
import { call } from '../../../src/main/station/dispatch';
import { auditEntry, journalPayloads, runAuditVerify, writeJournalPayloads } from '../../support/audit';
import { startTestStation } from '../../support/test-station';

let dataDir: string;
let journalPath: string;
const anchorPath = () => join(dataDir, 'audit.head');
const open = (folderUsedBefore = false) => createAuditLog({ dir: join(dataDir, 'audit'), anchorPath: anchorPath(), now: () => new Date(), folderUsedBefore });
/** What a station leaves beside its audit log from its first start on: the outbox journal. */
function markFolderUsed(): void {
  mkdirSync(join(dataDir, 'outbox'), { recursive: true });
  writeFileSync(join(dataDir, 'outbox', 'outbox.journal'), '');
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'audit-gaps-'));
  journalPath = join(dataDir, 'audit', 'audit.journal');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function writeLog(count: number): Promise<void> {
  const log = await open();
  for (let i = 0; i < count; i += 1) await log.append(auditEntry(`entry ${i}`));
  await log.close();
}

function cutLastRecord(): void {
  writeJournalPayloads(journalPath, journalPayloads(journalPath).slice(0, -1));
}

function cliVerify(): { status: number | null; message: string; gaps: unknown } {
  const { status, out } = runAuditVerify(dataDir);
  return { status, message: out.message, gaps: out.result.gaps };
}

describe('audit gaps', () => {
  it('a fresh data folder is a first run: the anchor is written with the genesis', async () => {
    const log = await open();
    expect(log.integrity()).toMatchObject({ status: 'ok', records: 1, problems: [], gaps: [] });
    await log.close();
    expect(JSON.parse(readFileSync(anchorPath(), 'utf8'))).toMatchObject({ records: 1 });
    expect(cliVerify().status).toBe(0);
  });

  it('the last record cut off and the anchor deleted: a gap at start and in `audit verify`, not "the chain holds"', async () => {
    await writeLog(3);
    cutLastRecord();
    rmSync(anchorPath());
    const verify = cliVerify();
    expect(verify.status).toBe(1);
    expect(verify.message).toMatch(/audit gap: the chain anchor .*audit\.head is missing although the audit log exists \(3 records\)/);
    expect(verify.gaps).toEqual(['anchor-missing']);
    const log = await open();
    expect(log.integrity()).toMatchObject({ status: 'gap', gaps: ['anchor-missing'] });
    await log.close();
    // It stays a gap on the next start (the anchor is not silently re-created over it).
    const again = await open();
    expect(again.integrity().status).toBe('gap');
    await again.close();
  });

  it('a log cut to zero bytes without its anchor, in a folder the station used, is a gap; its new genesis says so', async () => {
    await writeLog(2);
    markFolderUsed();
    truncateSync(journalPath, 0);
    rmSync(anchorPath());
    const log = await open(true);
    expect(log.integrity()).toMatchObject({ status: 'gap', gaps: ['anchor-missing'] });
    await log.close();
    expect(verifyAuditFile(journalPath).notes).toEqual([
      expect.stringMatching(/^started after a gap: the chain anchor .* is missing although the audit log exists \(0 records\)/),
    ]);
    expect(cliVerify().message).toMatch(/audit gap/);
  });

  it('a first start stopped before its anchor was written (the genesis only, nothing else in the folder) is still a first run', async () => {
    const first = await open();
    await first.close();
    rmSync(anchorPath());
    expect(cliVerify().status).toBe(0);
    const log = await open();
    expect(log.integrity()).toMatchObject({ status: 'ok', gaps: [] });
    await log.close();
    expect(existsSync(anchorPath())).toBe(true);
    // The same log in a folder the station used (its outbox journal is there): a gap.
    rmSync(anchorPath());
    markFolderUsed();
    expect(cliVerify().gaps).toEqual(['anchor-missing']);
  });

  it('`audit verify` with the log deleted but its anchor left: a gap, named', async () => {
    await writeLog(1);
    rmSync(join(dataDir, 'audit'), { recursive: true });
    const verify = cliVerify();
    expect(verify.status).toBe(1);
    expect(verify.message).toMatch(/^Audit gap: there is no audit log .* but its chain anchor says there was one/);
  });

  it('log and anchor both deleted from a data folder the station used: a gap on Diagnostics, not a first run', async () => {
    const first = await startTestStation({ dataDir });
    await call(first.station.handlers, 'settings.update', { locale: 'fr' });
    await first.close();
    rmSync(join(dataDir, 'audit'), { recursive: true });
    rmSync(anchorPath());
    const second = await startTestStation({ dataDir });
    try {
      const report = await call(second.station.handlers, 'diagnostics.run', {});
      expect(report.auditTrail).toMatchObject({ status: 'gap', gaps: ['log-missing'] });
      expect(report.auditTrail?.problems[0]).toMatch(/both missing from a data folder that was in use/);
    } finally {
      await second.close();
    }
  });
});
