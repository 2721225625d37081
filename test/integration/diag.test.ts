// `diag --json` against the live stack: validated with its schema, with cards present and with pcscd
// stopped (service "down", exit 0, promptly).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardModelMatcher, createPcscdSocketProbe, PCSCD_SOCKET_PATH, createPcscliteBinding, runDiagnostics } from '../../src/main/pcsc';
import { diagnosticsReportSchema } from '../../src/shared/diagnostics';
import { attachPcscStack, VPCD_READERS, type PcscStack } from '../support/pcsc-stack';
import { realReaderMonitor } from '../support/real-monitor';
import { CONTACTLESS_CARD, MUTE_CARD, PIV_CARD, PIV_CARD_CM_GUID } from '../support/vcard/catalog';
import { insertCard, type VirtualCard } from '../support/vcard';
import { waitForSnapshot } from '../support/wait';

const repoRoot = join(import.meta.dirname, '..', '..');

function diag(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src', 'main', 'cli', 'diag.ts'), ...args],
      { cwd: repoRoot, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

/** Waits until pcscd reports cards in exactly these vpcd slots (it polls them ~every 400 ms). */
async function seenByPcscd(...slots: number[]): Promise<void> {
  const monitor = realReaderMonitor({ identify: false });
  try {
    await waitForSnapshot(
      monitor,
      (s) => s.readers.length === 2 && s.readers.every((r, i) => (r.card !== null) === slots.includes(i)),
      `cards in slots [${slots.join(', ')}]`,
    );
  } finally {
    await monitor.close();
  }
}

describe('diag --json', () => {
  let stack: PcscStack;
  const cards: VirtualCard[] = [];

  beforeAll(async () => {
    stack = await attachPcscStack();
  });

  afterAll(async () => {
    await Promise.all(cards.map((card) => card.remove()));
    if (stack.pid === null) await stack.start();
  });

  it('reports the readers and the cards in them', async () => {
    cards.push(await insertCard({ reader: 0, ...PIV_CARD }), await insertCard({ reader: 1, ...CONTACTLESS_CARD }));
    await seenByPcscd(0, 1);

    const run = await diag('--json');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const report = diagnosticsReportSchema.parse(JSON.parse(run.stdout));
    expect(report.service).toBe('up');
    expect(report.mechanism).toEqual({ kind: 'pcscd-socket', path: PCSCD_SOCKET_PATH });
    expect(report.readers.map((r) => r.name)).toEqual(VPCD_READERS.map((r) => r.name));
    const [piv, contactless] = report.readers;
    expect(piv?.card).toMatchObject({
      atr: PIV_CARD.atr,
      atrInfo: { atr: PIV_CARD.atr, protocols: [1] },
      model: expect.stringMatching(/YubiKey/),
      identifier: { kind: 'piv-guid', value: PIV_CARD_CM_GUID },
      identifierError: null,
    });
    expect(contactless?.card).toMatchObject({
      atr: CONTACTLESS_CARD.atr,
      atrInfo: { contactless: { kind: 'storage-card' } },
      identifier: { kind: 'uid', value: CONTACTLESS_CARD.behaviour.uid },
    });

    const human = await diag();
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Smart card service: up');
    // As pcsc_scan names its mechanism: what "up" was asked of.
    expect(human.stdout).toContain(`Service probe: pcscd socket ${PCSCD_SOCKET_PATH}`);
    expect(human.stdout).toContain(`piv-guid ${PIV_CARD_CM_GUID}`);
  });

  it('reports a mute card without hanging', async () => {
    await Promise.all(cards.splice(0).map((card) => card.remove()));
    await seenByPcscd();
    cards.push(await insertCard({ reader: 0, ...MUTE_CARD }));
    await seenByPcscd(0);
    const run = await diag('--json');
    expect(run.code).toBe(0);
    const report = diagnosticsReportSchema.parse(JSON.parse(run.stdout));
    expect(report.readers[0]?.card).toMatchObject({
      atr: MUTE_CARD.atr,
      identifier: { kind: 'none', value: null },
      identifierError: { code: 'PCSC_UNRESPONSIVE_CARD' },
    });
    expect(run.ms).toBeLessThan(10_000);
  });

  it('reports the service down and exits 0 when pcscd is not running', async () => {
    await stack.stop();
    const run = await diag('--json');
    expect(run.code).toBe(0);
    expect(diagnosticsReportSchema.parse(JSON.parse(run.stdout))).toEqual({
      service: 'down',
      mechanism: { kind: 'pcscd-socket', path: PCSCD_SOCKET_PATH },
      readers: [],
    });
    expect(run.ms).toBeLessThan(5_000);

    // In-process too: the report costs next to no CPU (the addon would spin if it were created now).
    const cpu = process.cpuUsage();
    await runDiagnostics({ binding: createPcscliteBinding(), probe: createPcscdSocketProbe(), matcher: createCardModelMatcher() });
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1e3).toBeLessThan(100);

    // A killed pcscd leaves its socket file behind: still "down".
    await stack.start();
    await stack.kill();
    const afterKill = await diag('--json');
    expect(diagnosticsReportSchema.parse(JSON.parse(afterKill.stdout)).service).toBe('down');
    await stack.start();
  });
});
