import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, EventChannel, StationBridge } from '../../../src/shared/contract';
import { createClient } from '../../../src/renderer/client';
import { App } from '../../../src/renderer/components/App';
import { formatHex } from '../../../src/renderer/format';
import { initI18n } from '../../../src/renderer/i18n';
import { connectStore, useStation } from '../../../src/renderer/store';

/** A bridge whose events the test fires by hand; the real transports are tested in host and e2e. */
function testBridge(snapshot: unknown) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge: StationBridge = {
    invoke: async () => ({ ok: true, value: snapshot }) as Envelope<never>,
    on(event: EventChannel, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const fire = (event: EventChannel, payload: unknown) => act(() => listeners.get(event)?.forEach((l) => l(payload)));
  return { bridge, fire };
}

const snapshot = {
  version: '0.1.0',
  training: true,
  connection: { mode: 'unconfigured' },
  readers: {
    service: 'up',
    readers: [
      { name: 'Virtual PCD 00 00', card: null },
      { name: 'Virtual PCD 00 01', card: null },
    ],
  },
};

beforeAll(() => initI18n());
afterEach(() => {
  cleanup();
  useStation.setState({ status: 'connecting' });
});

describe('readers panel', () => {
  it('shows each reader, then a card with its ATR live, then the empty reader again', async () => {
    const { bridge, fire } = testBridge(snapshot);
    await act(() => connectStore(createClient(bridge)));
    render(<App />);
    const reader = screen.getByRole('region', { name: 'Virtual PCD 00 01' });
    expect(within(reader).getByText(/No card/)).toBeTruthy();

    fire('readers.changed', {
      service: 'up',
      readers: [
        { name: 'Virtual PCD 00 00', card: null },
        { name: 'Virtual PCD 00 01', card: { atr: '3b8d0180fba000000397425446590301c8', insertion: 1, insertedAt: '2026-01-01T00:00:00Z' } },
      ],
    });
    expect(within(reader).getByText('3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 03 01 C8')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Virtual PCD 00 00' })).queryByText(/3B/)).toBeNull();
    expect(within(reader).getByRole('button', { name: /Copy ATR Virtual PCD 00 01/ })).toBeTruthy();

    fire('readers.changed', { service: 'up', readers: [{ name: 'Virtual PCD 00 01', card: null }] });
    expect(within(screen.getByRole('region', { name: 'Virtual PCD 00 01' })).getByText(/No card/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Virtual PCD 00 00' })).toBeNull();
  });

  it('says the smart card service is unavailable, in words, not only colour', async () => {
    const { bridge, fire } = testBridge(snapshot);
    await act(() => connectStore(createClient(bridge)));
    render(<App />);
    fire('readers.changed', { service: 'down', readers: [] });
    expect(screen.getByText(/Smart card service unavailable/)).toBeTruthy();
  });

  it('labels training mode on screen', async () => {
    const { bridge } = testBridge(snapshot);
    await act(() => connectStore(createClient(bridge)));
    render(<App />);
    expect(screen.getByText('TRAINING')).toBeTruthy();
  });

  it('formats hex as spaced upper-case bytes', () => {
    expect(formatHex('3b8d01')).toBe('3B 8D 01');
    expect(formatHex('')).toBe('');
  });
});
