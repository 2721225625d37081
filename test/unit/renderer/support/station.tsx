import { act, render } from '@testing-library/react';
import type { Envelope, EventChannel, InvokeChannel, StationBridge } from '../../../../src/shared/contract';
import type { ErrorPayload } from '../../../../src/shared/errors';
import { createClient } from '../../../../src/renderer/client';
import { App } from '../../../../src/renderer/components/App';
import { connectStore, initialStationState, useStation } from '../../../../src/renderer/store';
import { initialPeopleState, usePeople } from '../../../../src/renderer/people';
import { useAnnouncement } from '../../../../src/renderer/announce';

type Handler = (request: never) => unknown;

/** A handler's failure: the bridge answers `{ok: false, error}` like the real transports. */
export class Refusal {
  constructor(readonly error: ErrorPayload) {}
}

export interface Call {
  channel: string;
  request: unknown;
}

/**
 * A scripted station: invoke answers come from `handlers` (by channel; a Refusal becomes an error
 * envelope), events are fired by the test. Every call is recorded in order.
 */
export function scriptedStation(handlers: Partial<Record<InvokeChannel | 'diagnostics.run', Handler>>) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: Call[] = [];
  const order: string[] = [];
  const bridge: StationBridge = {
    async invoke(channel, request) {
      calls.push({ channel, request });
      order.push(`invoke:${channel}`);
      const handler = (handlers as Record<string, Handler | undefined>)[channel];
      if (!handler) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No handler for ${channel}`, details: {} } } as Envelope<never>;
      }
      const value = await handler(request as never);
      if (value instanceof Refusal) return { ok: false, error: value.error } as Envelope<never>;
      return { ok: true, value } as Envelope<never>;
    },
    on(event: EventChannel, listener) {
      order.push(`on:${event}`);
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const fire = (event: EventChannel, payload: unknown) => act(() => listeners.get(event)?.forEach((l) => l(payload)));
  const callsTo = (channel: string) => calls.filter((c) => c.channel === channel).map((c) => c.request);
  return { bridge, fire, calls, callsTo, order, handlers };
}

/** Connects the store to a scripted station and renders the whole app. */
export async function renderStation(handlers: Parameters<typeof scriptedStation>[0]) {
  const station = scriptedStation(handlers);
  await act(() => connectStore(createClient(station.bridge)));
  const view = render(<App />);
  return { ...station, view };
}

export function resetStore() {
  useStation.setState(initialStationState, true);
  usePeople.setState(initialPeopleState, true);
  useAnnouncement.setState({ text: '', seq: 0 }, true);
}

/** Lets pending promises (station replies) settle inside act. */
export async function settle() {
  await act(async () => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  });
}
