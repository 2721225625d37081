import { describe, expect, it } from 'vitest';
import { createMemoryLog } from '../../../src/main/log';
import { createRefusedSenderLog, originOf, REFUSED_SENDERS_PER_MINUTE } from '../../../src/main/log/refused-senders';
import { createPerMinuteLimit } from '../../../src/main/log/per-minute-limit';

describe('refused IPC senders in the diagnostic log', () => {
  it('writes the origin and the channel only: never the path, query or payload', () => {
    const log = createMemoryLog();
    const refused = createRefusedSenderLog(log, () => new Date(0));
    refused({ url: 'https://evil.example:8443/steal?token=secret#x', channel: 'outbox.list', mainFrame: true });
    refused({ url: 'app://station/index.html', channel: 'settings.get', mainFrame: false });
    refused({ url: undefined, channel: 'station.snapshot', mainFrame: false });
    expect(log.entries).toEqual([
      { level: 'warn', event: 'ipc.sender-refused', origin: 'https://evil.example:8443', channel: 'outbox.list', mainFrame: true },
      { level: 'warn', event: 'ipc.sender-refused', origin: 'app://station', channel: 'settings.get', mainFrame: false },
      { level: 'warn', event: 'ipc.sender-refused', origin: 'none', channel: 'station.snapshot', mainFrame: false },
    ]);
    expect(JSON.stringify(log.entries)).not.toContain('secret');
  });

  it('says an unparsable URL is one, without copying it', () => {
    expect(originOf('not a url with secret')).toBe('unparsable');
    expect(originOf('file:///home/user/page.html')).toBe('file://');
    expect(originOf('')).toBe('none');
  });

  it('a flood writes at most the limit, then one line with the number dropped when the next minute starts', () => {
    const log = createMemoryLog();
    let now = 1_000_000;
    const refused = createRefusedSenderLog(log, () => new Date(now));
    for (let i = 0; i < REFUSED_SENDERS_PER_MINUTE * 5; i += 1) refused({ url: 'https://evil.example/', channel: 'outbox.list', mainFrame: true });
    expect(log.entries).toHaveLength(REFUSED_SENDERS_PER_MINUTE);
    now += 59_999;
    refused({ url: 'https://evil.example/', channel: 'outbox.list', mainFrame: true });
    expect(log.entries).toHaveLength(REFUSED_SENDERS_PER_MINUTE);
    now += 1;
    refused({ url: 'https://evil.example/', channel: 'outbox.list', mainFrame: true });
    expect(log.entries.slice(REFUSED_SENDERS_PER_MINUTE)).toEqual([
      { level: 'warn', event: 'ipc.sender-refused-dropped', dropped: REFUSED_SENDERS_PER_MINUTE * 4 + 1, perMinute: REFUSED_SENDERS_PER_MINUTE },
      { level: 'warn', event: 'ipc.sender-refused', origin: 'https://evil.example', channel: 'outbox.list', mainFrame: true },
    ]);
  });
});

describe('the per-minute limit', () => {
  it('admits the limit per minute and reports nothing when nothing was dropped', () => {
    let now = 0;
    const dropped: number[] = [];
    const admit = createPerMinuteLimit({ perMinute: 2, now: () => new Date(now), onDropped: (n) => dropped.push(n) });
    expect([admit(), admit(), admit()]).toEqual([true, true, false]);
    now = 60_000;
    expect([admit(), admit()]).toEqual([true, true]);
    expect(dropped).toEqual([1]);
    now = 120_000;
    expect(admit()).toBe(true);
    expect(dropped).toEqual([1]);
  });
});
