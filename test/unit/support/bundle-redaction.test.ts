// Issue 18: redaction by value. The support bundle carried a full physical card id inside an outbox
// error message (a CM refusal naming the card), although the log cut card ids by field name. Here a
// bind is refused with a message naming the card id, the user's principal and home folder, a
// renderer error echoes the host URL with its token, and every file of the bundle is searched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { startHost, type RunningHost } from '../../../src/main/host/server';
import { createDiagnosticLog, type DiagnosticLog, redactText } from '../../../src/main/log';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';

const READER = 'Reader A';
const EMPTY = '00000000-0000-0000-0000-000000000000';
const PIV1 = SAMPLE_CARDS.find((c) => c.id === 'piv-1')!;
const PRINCIPAL = 'alice.martin@CORP.EXAMPLE';

let t: TestStation | null = null;
let log: DiagnosticLog | null = null;
let host: RunningHost | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await host?.close();
  await t?.close();
  await log?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  t = null;
  log = null;
  host = null;
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

describe('redaction by value', () => {
  it('a bundle made after a refused bind holds no whole card id, token or principal, in any file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bundle-redaction-'));
    dirs.push(dataDir);
    const logDir = join(dataDir, 'logs');
    log = await createDiagnosticLog({ dir: logDir });
    t = await startTestStation({ dataDir, log, logDir, defaultExportDir: join(dataDir, 'exports') });
    host = await startHost({ station: t.station, rendererDir: dataDir });

    const read = nextEvent(t.station, 'enrollment.changed', (s) => s.reader === READER && s.step === 'card-read' && s.card.cm.state !== 'asking');
    t.readers.insert(READER, sampleCard(PIV1));
    const card = await read;
    if (card.step !== 'card-read') throw new Error(card.step);
    const cardId = card.card.identifier.value ?? '';
    expect(cardId.replace(/[^0-9a-f]/gi, '').length).toBeGreaterThanOrEqual(16);

    // CM refuses the bind, naming the card, the user and a path in the user's profile.
    t.cm.admin.setFaults([
      {
        route: 'POST /smartcards',
        fault: {
          kind: 'refusal',
          status: 409,
          message: `The smart card with cardid ${cardId} is already assigned to ${PRINCIPAL} (see C:\\Users\\alice.martin\\AppData\\Local\\cm.log)`,
        },
      },
    ]);
    const request = t.cm.admin.state().requests.find((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY)!;
    await call(t.station.handlers, 'enrollment.choose', { reader: READER, requestId: request.Uuid });
    await call(t.station.handlers, 'enrollment.bind', { reader: READER });
    await until(async () => (await call(t!.station.handlers, 'outbox.list', {})).some((op) => op.lastError !== null), 'the refused bind in the outbox');
    const [op] = await call(t.station.handlers, 'outbox.list', {});
    // The refusal is kept word for word where it belongs (the outbox, on this station).
    expect(op?.lastError?.serverMessage).toContain(cardId);

    // A renderer error that echoes the page address with its token, and free text in the log.
    await call(t.station.handlers, 'diagnostics.reportError', {
      source: 'window-error',
      message: `failed to load ${host.url}`,
      stack: `at /home/alice.martin/x.js (card ${cardId})`,
    });
    log.warn('test.free-text', { detail: `kinit: no ticket for ${PRINCIPAL}; card ${cardId.toUpperCase()}` });

    const bundle = await call(t.station.handlers, 'diagnostics.supportBundle', {});
    const files = Object.entries(unzipSync(new Uint8Array(readFileSync(bundle.path)))).map(([name, bytes]) => [name, strFromU8(bytes)] as const);
    expect(files.map(([name]) => name)).toEqual(expect.arrayContaining(['outbox.json', 'diagnostics.json', expect.stringMatching(/^logs\//)]));
    const hexId = cardId.replace(/[^0-9a-f]/gi, '').toLowerCase();
    for (const [name, text] of files) {
      const lower = text.toLowerCase();
      expect(lower, name).not.toContain(cardId.toLowerCase());
      expect(lower, name).not.toContain(hexId);
      expect(text, name).not.toContain(host.token);
      expect(text, name).not.toContain(PRINCIPAL);
      expect(lower, name).not.toContain('alice.martin');
    }
    // What support still sees: that it was a refusal about a card ending in these 4 digits.
    const outbox = files.find(([name]) => name === 'outbox.json')![1];
    expect(outbox).toContain(`…${hexId.slice(-4)}`);
    expect(outbox).toContain('…@CORP.EXAMPLE');
  });

  it('cuts patterns in free text: long hex runs (not 64-digit hashes), principals, home folders', () => {
    const hash = 'a'.repeat(64);
    expect(redactText(`serial 0123456789ABCDEF01 head ${hash}`)).toBe(`serial …ef01 head ${hash}`);
    expect(redactText('no ticket for bob@EXAMPLE.ORG')).toBe('no ticket for …@EXAMPLE.ORG');
    expect(redactText('/home/bob/.config and /Users/bob/Library and C:\\Users\\bob\\AppData and C:\\\\Users\\\\bob')).toBe(
      '/home/…/.config and /Users/…/Library and C:\\Users\\…\\AppData and C:\\\\Users\\\\…',
    );
    // Short hex (a status word, a port) stays.
    expect(redactText('SW 6A82 on port 8443')).toBe('SW 6A82 on port 8443');
  });
});
