import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { RATE_LIMITS } from '../../../src/main/station/rate-limit';
import { startTestStation, type TestStation } from '../../support/test-station';

let t: TestStation | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('renderer-driven exports, bundles and diagnostics are rate-limited', () => {
  it('one export at a time, then a pause: a refused call is RATE_LIMITED and writes nothing', async () => {
    t = await startTestStation();
    const station = t;
    const both = await Promise.all([
      settle(call(station.station.handlers, 'audit.exportCsv', {})),
      settle(call(station.station.handlers, 'audit.exportCsv', {})),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)?.error).toMatchObject({ code: 'RATE_LIMITED', params: { what: 'An audit export' } });
    const soon = await settle(call(station.station.handlers, 'audit.exportCsv', {}));
    expect(soon).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const retryAfter = (soon as { error: { params: { retryAfterMs: number } } }).error.params.retryAfterMs;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.export);
    expect(readdirSync(join(station.dataDir, 'exports'))).toHaveLength(1);
  });

  it('diagnostics (which spawn the service probe) run one at a time; again once the pause has passed', async () => {
    t = await startTestStation();
    const first = call(t.station.handlers, 'diagnostics.run', {});
    await expect(call(t.station.handlers, 'diagnostics.run', {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await first;
    await new Promise((done) => setTimeout(done, RATE_LIMITS.diagnostics + 50));
    await expect(call(t.station.handlers, 'diagnostics.run', {})).resolves.toMatchObject({ service: 'up' });
    // The bundle collects its own diagnostics without being refused by the operator's limit.
    const bundle = await call(t.station.handlers, 'diagnostics.supportBundle', {});
    const files = unzipSync(new Uint8Array(readFileSync(bundle.path)));
    expect(JSON.parse(strFromU8(files['diagnostics.json']!))).toMatchObject({ ok: true, value: { service: 'up' } });
    await expect(call(t.station.handlers, 'diagnostics.supportBundle', {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
