import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { createDiagnosticLog, type DiagnosticLog } from '../../../src/main/log';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';

const READER = 'Reader A';
const EMPTY = '00000000-0000-0000-0000-000000000000';
const PIV1 = SAMPLE_CARDS.find((c) => c.id === 'piv-1')!;

let t: TestStation | null = null;
let log: DiagnosticLog | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  await log?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  t = null;
  log = null;
});

/** A station that bound a card, then made a support bundle from the Diagnostics button's channel. */
async function stationAfterABind() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bundle-station-'));
  const logDir = join(dataDir, 'logs');
  log = await createDiagnosticLog({ dir: logDir });
  dirs.push(dataDir);
  t = await startTestStation({ dataDir, log, logDir, defaultExportDir: join(dataDir, 'exports') });
  const read = nextEvent(t.station, 'enrollment.changed', (s) => s.reader === READER && s.step === 'card-read' && s.card.cm.state !== 'asking');
  t.readers.insert(READER, sampleCard(PIV1));
  const card = await read;
  if (card.step !== 'card-read') throw new Error(card.step);
  const request = t.cm.admin.state().requests.find((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY)!;
  await call(t.station.handlers, 'enrollment.choose', { reader: READER, requestId: request.Uuid });
  const done = nextEvent(t.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'done');
  await call(t.station.handlers, 'enrollment.bind', { reader: READER });
  await done;
  return { dataDir, cardId: card.card.identifier.value ?? '' };
}

function open(path: string): Record<string, string> {
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

describe('diagnostics.supportBundle (the Diagnostics button)', () => {
  it('writes a zip into the export folder with every part, redacted, and the outbox without payloads', async () => {
    const { dataDir, cardId } = await stationAfterABind();
    const result = await call(t!.station.handlers, 'diagnostics.supportBundle', {});
    expect(result.path.startsWith(join(dataDir, 'exports'))).toBe(true);
    expect(result.path).toMatch(/enrollment-support-.*\.zip$/);
    const files = open(result.path);
    expect(Object.keys(files).sort()).toEqual([...result.files].sort());
    for (const name of ['versions.json', 'diagnostics.json', 'cm-check.json', 'settings.json', 'outbox.json', 'manifest.json'])
      expect(files).toHaveProperty([name]);
    expect(Object.keys(files).some((name) => /^logs\/station\.\d+\.log$/.test(name))).toBe(true);

    expect(JSON.parse(files['versions.json']!)).toMatchObject({ app: '0.0.0-test', node: process.versions.node, platform: process.platform });
    expect(JSON.parse(files['cm-check.json']!)).toMatchObject({ ok: true, value: { reachable: true, problem: null } });
    expect(JSON.parse(files['settings.json']!)).toMatchObject({
      ok: true,
      value: { policy: { status: 'none' }, values: { directoryLdapBindPasswordFile: '' } },
    });
    const diagnostics = JSON.parse(files['diagnostics.json']!) as {
      ok: true;
      value: { readers: { reader: string; card: { identifier: { value: string } } | null }[] };
    };
    // Reader names are kept (as `reader`: every `name` field is dropped, as people's names are).
    expect(diagnostics.value.readers.map((r) => r.reader)).toEqual(['Reader A', 'Reader B']);
    const inReader = diagnostics.value.readers.find((r) => r.reader === READER)!;
    expect(inReader.card!.identifier.value).toBe(
      `…${cardId
        .replace(/[^0-9a-f]/gi, '')
        .toLowerCase()
        .slice(-4)}`,
    );

    const outbox = JSON.parse(files['outbox.json']!) as { ok: true; value: Record<string, unknown>[] };
    expect(outbox.value).toHaveLength(1);
    expect(outbox.value[0]).toMatchObject({ kind: 'bind', state: 'done', attempts: 1, error: null });
    for (const key of ['cardId', 'atr', 'reader', 'requestId', 'result']) expect(outbox.value[0]).not.toHaveProperty(key);

    // Nowhere in the bundle: the whole card id (diagnostics, logs, outbox).
    const everything = Object.values(files).join('\n').toLowerCase();
    expect(everything).not.toContain(cardId.toLowerCase());
    expect(everything).not.toContain(
      cardId
        .replace(/[^0-9a-f]/gi, '')
        .toLowerCase()
        .slice(0, 12),
    );
    expect(files['logs/station.1.log']).toContain('"event":"cm.call"');
    rmSync(result.path);
  }, 30_000);

  it('still makes a bundle when CM is down, with the reason in cm-check.json', async () => {
    await stationAfterABind();
    await t!.cm.close();
    const result = await call(t!.station.handlers, 'diagnostics.supportBundle', {});
    const check = JSON.parse(open(result.path)['cm-check.json']!) as { ok: boolean; value?: { reachable: boolean } };
    // cm-check reports an unreachable CM as its own result (reachable: false), not as a failure.
    expect(check).toMatchObject({ ok: true, value: { reachable: false } });
  }, 30_000);

  it('refuses a network export folder that OS policy did not set, and writes nothing', async () => {
    t = await startTestStation({ defaultExportDir: '\\\\server\\share\\exports' });
    await expect(call(t.station.handlers, 'diagnostics.supportBundle', {})).rejects.toMatchObject({ code: 'EXPORT_FOLDER_REFUSED' });
  });
});
