import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PcscBinding } from '../../../src/main/pcsc/binding';
import { createPcscContextProbe, createPcscdSocketProbe, createServiceProbe, createWindowsServiceProbe } from '../../../src/main/pcsc/service-probe';
import { StationError } from '../../../src/shared/errors';
import { describeServiceMechanism } from '../../../src/shared/diagnostics';
import { runDiagnostics } from '../../../src/main/pcsc/diagnostics';
import { createCardModelMatcher } from '../../../src/main/pcsc/card-models';
import { createMemoryLog } from '../../../src/main/log';
import { startTestStation } from '../../support/test-station';
import { call } from '../../../src/main/station/dispatch';

const RUNNING = 'SERVICE_NAME: SCardSvr\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n        STATE              : 4  RUNNING\r\n';
const STOPPED = 'SERVICE_NAME: SCardSvr\r\n        TYPE               : 20  WIN32_SHARE_PROCESS\r\n        STATE              : 1  STOPPED\r\n';

describe('service probes', () => {
  it('pcscd: up only while something accepts on the socket, hinted on create and unlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    const path = join(dir, 'pcscd.comm');
    const probe = createPcscdSocketProbe(path);
    let hints = 0;
    const stop = probe.watch(() => hints++);
    try {
      expect(await probe.isUp()).toBe(false);
      const server = createServer();
      const listening = new Promise<void>((resolve) => server.listen(path, resolve));
      await listening;
      expect(await probe.isUp()).toBe(true);
      // A stale socket file (server gone, file left, as after SIGKILL) is down.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(await probe.isUp()).toBe(false);
      await expect.poll(() => hints, { timeout: 2_000 }).toBeGreaterThan(0);
    } finally {
      stop();
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Windows: reads the SCardSvr state from sc.exe, and a failing query is down', async () => {
    expect(await createWindowsServiceProbe(async () => RUNNING).isUp()).toBe(true);
    expect(await createWindowsServiceProbe(async () => STOPPED).isUp()).toBe(false);
    expect(await createWindowsServiceProbe(async () => Promise.reject(new Error('no sc.exe'))).isUp()).toBe(false);
  });

  it('picks the probe by platform', async () => {
    expect(createServiceProbe('linux')).toMatchObject({ isUp: expect.any(Function), watch: expect.any(Function) });
    // On this Linux machine the Windows probe cannot find sc.exe: down, never a throw.
    expect(await createServiceProbe('win32').isUp()).toBe(false);
  });
});

/** A binding whose context answers as scripted: lists readers, reports itself lost, throws, or stays silent. */
function scriptedBinding(answer: 'readers' | 'lost' | 'throw' | 'silent') {
  const events: string[] = [];
  const binding: PcscBinding = {
    establish(listener) {
      events.push('establish');
      if (answer === 'throw') throw new StationError('PCSC_SERVICE_DOWN', 'SCardEstablishContext: no service');
      // The real addon answers from its own thread, i.e. after establish() has returned.
      setImmediate(() => {
        if (answer === 'readers') listener.readers([]);
        if (answer === 'lost') listener.lost(new StationError('PCSC_SERVICE_DOWN', 'service stopped'));
      });
      return {
        watch: () => undefined,
        unwatch: () => undefined,
        connect: () => Promise.reject(new Error('not used')),
        close: () => void events.push('close'),
      };
    },
  };
  return { binding, events };
}

describe('macOS service probe (a PC/SC context, not a socket path)', () => {
  it('is up when a context lists readers (even none), and closes the context again', async () => {
    const { binding, events } = scriptedBinding('readers');
    expect(await createPcscContextProbe(binding).isUp()).toBe(true);
    await expect.poll(() => events).toEqual(['establish', 'close']);
  });

  it('is down when establishing throws, when the context is lost, or when it stays silent', async () => {
    expect(await createPcscContextProbe(scriptedBinding('throw').binding).isUp()).toBe(false);
    const lost = scriptedBinding('lost');
    expect(await createPcscContextProbe(lost.binding).isUp()).toBe(false);
    await expect.poll(() => lost.events).toEqual(['establish', 'close']);
    const silent = scriptedBinding('silent');
    expect(await createPcscContextProbe(silent.binding, { timeoutMs: 20 }).isUp()).toBe(false);
    await expect.poll(() => silent.events).toEqual(['establish', 'close']);
  });

  it('is what darwin gets: never the pcscd socket', async () => {
    const { binding, events } = scriptedBinding('readers');
    const probe = createServiceProbe('darwin', () => binding);
    expect(await probe.isUp()).toBe(true);
    expect(events[0]).toBe('establish');
    expect(probe.retry).toBeDefined();
  });
});

describe('the probe says which mechanism it uses (as pcsc_scan does)', () => {
  it('names the pcscd socket, the Windows service query or the PC/SC context', () => {
    const { binding } = scriptedBinding('readers');
    expect(describeServiceMechanism(createServiceProbe('linux').mechanism)).toBe('pcscd socket /run/pcscd/pcscd.comm');
    expect(describeServiceMechanism(createPcscdSocketProbe('/tmp/x/pcscd.comm').mechanism)).toBe('pcscd socket /tmp/x/pcscd.comm');
    expect(describeServiceMechanism(createServiceProbe('win32').mechanism)).toBe('Windows Smart Card service (sc.exe query SCardSvr)');
    expect(describeServiceMechanism(createServiceProbe('darwin', () => binding).mechanism)).toBe('PC/SC context (macOS)');
  });

  it('the diagnostics report carries it, up or down', async () => {
    const probe = createPcscdSocketProbe('/nonexistent/pcscd.comm');
    const { binding } = scriptedBinding('throw');
    expect(await runDiagnostics({ binding, probe, matcher: createCardModelMatcher() })).toEqual({
      service: 'down',
      mechanism: { kind: 'pcscd-socket', path: '/nonexistent/pcscd.comm' },
      readers: [],
    });
  });

  it('the station logs it once at start, and diagnostics.run reports it', async () => {
    const log = createMemoryLog();
    const t = await startTestStation({ log });
    try {
      expect(log.entries.filter((e) => e.event === 'pcsc.service-mechanism')).toEqual([
        { level: 'info', event: 'pcsc.service-mechanism', mechanism: 'simulated readers (training)' },
      ]);
      const report = await call(t.station.handlers, 'diagnostics.run', {});
      expect(report).toMatchObject({ service: 'up', mechanism: { kind: 'simulated' } });
      expect(log.entries.filter((e) => e.event === 'pcsc.service-mechanism')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
