import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnosticLog } from '../../../src/main/log';
import { buildSupportBundle, logSections, writeBundleFile } from '../../../src/main/support/support-bundle';

const CARD_GUID = 'bc88f13f-83ba-4037-8262-46eba1291c6e';
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const diagnostics = {
  service: 'up',
  readers: [
    {
      name: 'Virtual PCD 00 00',
      card: {
        atr: '3b8d0180fba000000397425446590301c8',
        atrInfo: null,
        model: null,
        identifier: { kind: 'piv-guid', value: CARD_GUID },
        identifierError: null,
      },
    },
  ],
};
const outbox = [
  {
    id: '0b4a3a36-4c1e-4e0e-9c63-7a6a0d7b1f10',
    kind: 'bind',
    state: 'needs-attention',
    cardId: CARD_GUID,
    requestId: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
    attempts: 3,
  },
];

describe('support bundle', () => {
  it('holds every section plus a manifest, with card ids shortened and people left out', async () => {
    const logDir = join(tempDir(), 'logs');
    const log = await createDiagnosticLog({ dir: logDir });
    log.info('cm.call', { route: 'smartcards', status: 500, cardId: CARD_GUID });
    await log.close();

    const bytes = buildSupportBundle(
      [
        { path: 'diagnostics.json', json: diagnostics },
        { path: 'settings.json', json: { values: { locale: 'fr' }, policy: { source: '/etc/enrollment-station/policy.json' } } },
        { path: 'outbox.json', json: outbox },
        { path: 'people.json', json: { requests: [{ requestId: 'x', displayName: 'Dana Scully', account: 'CONTOSO\\dscully' }] } },
        ...logSections(logDir),
      ],
      { now: new Date('2026-12-01T10:00:00Z'), version: '0.1.0' },
    );
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['diagnostics.json', 'logs/station.1.log', 'manifest.json', 'outbox.json', 'people.json', 'settings.json']);
    const all = Object.values(files)
      .map((file) => strFromU8(file))
      .join('\n');
    expect(all).not.toContain('83ba-4037');
    expect(all).not.toContain('Dana');
    expect(all).not.toContain('dscully');
    const read = (name: string) => JSON.parse(strFromU8(files[name] ?? new Uint8Array())) as unknown;
    expect(read('diagnostics.json')).toMatchObject({ readers: [{ card: { identifier: { kind: 'piv-guid', value: '…1c6e' } } }] });
    expect(read('outbox.json')).toEqual([expect.objectContaining({ cardId: '…1c6e', state: 'needs-attention', attempts: 3 })]);
    expect(read('manifest.json')).toMatchObject({ version: '0.1.0', createdAt: '2026-12-01T10:00:00.000Z', files: expect.arrayContaining(['outbox.json']) });
    expect(strFromU8(files['logs/station.1.log'] ?? new Uint8Array())).toContain('"cardId":"…1c6e"');
  });

  it('takes only the newest log lines up to the limit', () => {
    const logDir = tempDir();
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, 'station.1.log'), Array.from({ length: 100 }, (_, i) => `{"n":${i}}`).join('\n') + '\n');
    const [section] = logSections(logDir, 60);
    const text = section && 'text' in section ? section.text : '';
    expect(text.length).toBeLessThanOrEqual(60);
    expect(text.endsWith('{"n":99}\n')).toBe(true);
    expect(text.startsWith('{"n":')).toBe(true);
    expect(logSections(join(logDir, 'missing'))).toEqual([]);
  });

  it('refuses two sections with one name, and writes the file owner-only', () => {
    expect(() =>
      buildSupportBundle(
        [
          { path: 'a.json', json: 1 },
          { path: 'a.json', json: 2 },
        ],
        { now: new Date(), version: '0' },
      ),
    ).toThrow(/two sections/);
    const file = join(tempDir(), 'bundle.zip');
    writeBundleFile(file, buildSupportBundle([{ path: 'a.json', json: { ok: true } }], { now: new Date(), version: '0' }));
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(Object.keys(unzipSync(readFileSync(file)))).toEqual(['a.json', 'manifest.json']);
  });
});
