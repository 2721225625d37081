import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { createDiagnosticLog } from '../../../src/main/log';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { startCmSimulator, type CmSimulator } from '../../../src/main/training/cm-sim';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { nextEvent } from '../../support/station-events';
import { startTestStation } from '../../support/test-station';
import { expectCmCheckReadsOnly } from './cm-check-reads';

const READER = 'Reader A';
const EMPTY = '00000000-0000-0000-0000-000000000000';
let dataDir: string;
let cardId: string;
let sim: CmSimulator;

/** A data folder as a station leaves it: settings, an outbox with a bind, an audit trail, a log. */
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bundle-cli-'));
  const log = await createDiagnosticLog({ dir: join(dataDir, 'logs') });
  const t = await startTestStation({ dataDir, log, defaultExportDir: join(dataDir, 'exports') });
  const read = nextEvent(t.station, 'enrollment.changed', (s) => s.reader === READER && s.step === 'card-read' && s.card.cm.state !== 'asking');
  t.readers.insert(READER, sampleCard(SAMPLE_CARDS.find((c) => c.id === 'piv-1')!));
  const card = await read;
  if (card.step !== 'card-read') throw new Error(card.step);
  cardId = card.card.identifier.value ?? '';
  const request = t.cm.admin.state().requests.find((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY)!;
  await call(t.station.handlers, 'enrollment.choose', { reader: READER, requestId: request.Uuid });
  const done = nextEvent(t.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'done');
  await call(t.station.handlers, 'enrollment.bind', { reader: READER });
  await done;
  await t.close();
  await log.close();
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function station(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const policyFile = join(dataDir, 'no-policy.json');
  writeFileSync(policyFile, '{}');
  const argv = ['--import', 'tsx', 'src/main/cli/station.ts', 'support-bundle', ...args, '--data-dir', dataDir, '--policy', policyFile];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

function unzip(path: string): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(new Uint8Array(readFileSync(path)))).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

describe('npm run station -- support-bundle', { timeout: 90_000 }, () => {
  it('writes every part, read-only: the outbox journal is unchanged and CM hears only GETs', async () => {
    const journal = join(dataDir, 'outbox', 'outbox.journal');
    const before = readFileSync(journal);
    const logsBefore = readdirSync(join(dataDir, 'logs'));
    await sim.admin.reset();
    const out = join(dataDir, 'bundle.zip');
    const run = await station(['--out', out, '--cm-url', sim.baseUrl, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: 0, result: { path: out } });
    const files = unzip(out);
    for (const name of ['versions.json', 'diagnostics.json', 'cm-check.json', 'settings.json', 'outbox.json', 'manifest.json'])
      expect(files).toHaveProperty([name]);
    expect(Object.keys(files).filter((n) => n.startsWith('logs/'))).toEqual(logsBefore.map((n) => `logs/${n}`));
    expect(JSON.parse(files['cm-check.json']!)).toMatchObject({ ok: true, value: { reachable: true, target: sim.baseUrl } });
    expect(JSON.parse(files['settings.json']!)).toMatchObject({ ok: true, value: { policy: { channel: 'development' } } });
    // The diagnostics ran in `npm run diag`'s own process: a report or the reason there is none.
    expect(JSON.parse(files['diagnostics.json']!)).toHaveProperty('ok');
    const outbox = JSON.parse(files['outbox.json']!) as { ok: true; value: Record<string, unknown>[] };
    expect(outbox.value).toEqual([expect.objectContaining({ kind: 'bind', state: 'done', attempts: 1 })]);
    for (const key of ['cardId', 'atr', 'reader']) expect(outbox.value[0]).not.toHaveProperty(key);
    expect(Object.values(files).join('\n').toLowerCase()).not.toContain(
      cardId
        .replace(/[^0-9a-f]/gi, '')
        .toLowerCase()
        .slice(0, 12),
    );
    expect(readFileSync(journal).equals(before)).toBe(true);
    // cm-check's requests: GETs only, never `GET requests` unfiltered.
    expectCmCheckReadsOnly(sim);
  });

  it('still writes the bundle without a CM address, with the reason in cm-check.json', async () => {
    const out = join(dataDir, 'no-cm.zip');
    const run = await station(['--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(unzip(out)['cm-check.json']!)).toMatchObject({ ok: false, error: { code: 'SETTINGS_INVALID', details: { field: 'cmBaseUrl' } } });
  });

  it('needs --out, and writes nothing without it', async () => {
    const run = await station([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--out is required');
    expect(existsSync(join(dataDir, 'support-bundle.zip'))).toBe(false);
  });
});
