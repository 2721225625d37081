import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/station/dispatch';
import { nextEvent } from '../support/station-events';
import { startTestStation, type TestStation } from '../support/test-station';

let t: TestStation;
beforeEach(async () => {
  t = await startTestStation();
});
afterEach(() => t.close());

describe('station', () => {
  it('applies reader patterns from settings at once: an excluded reader disappears', async () => {
    await nextEvent(t.station, 'readers.changed', (s) => s.readers.length === 2);
    const hidden = nextEvent(t.station, 'readers.changed', (s) => s.service === 'up' && s.readers.map((r) => r.name).join() === 'Reader A');
    await call(t.station.handlers, 'settings.update', { readerExclude: ['*B'] });
    await hidden;
    expect((await call(t.station.handlers, 'readers.list', {})).readers.map((r) => r.name)).toEqual(['Reader A']);
  });

  it('records settings changes in the audit log', async () => {
    await call(t.station.handlers, 'settings.update', { locale: 'fr' });
    const entries = await call(t.station.handlers, 'audit.query', {});
    expect(entries.at(-1)).toMatchObject({ action: 'settings.changed', actor: 'tester', message: 'Changed: locale' });
  });
});
