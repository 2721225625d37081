import { act, render, screen } from '@testing-library/react';
import { afterEach, expect } from 'vitest';
import { type Envelope, type EventChannel, eventChannels, type InvokeChannel, invokeChannels, type StationBridge } from '../../../../src/shared/contract';
import { type ErrorPayload, errorPayloadSchema } from '../../../../src/shared/errors';
import { createClient } from '../../../../src/renderer/client';
import { App, preloadScreens } from '../../../../src/renderer/components/App';
import { connectStore, disconnectStore, initialStationState, useStation } from '../../../../src/renderer/store';
import { initialPeopleState, usePeople } from '../../../../src/renderer/people';
import { useAnnouncement } from '../../../../src/renderer/announce';
import { READER } from './fixtures';

type Handler = (request: never) => unknown;

/** A handler's failure: the bridge answers `{ok: false, error}` like the real transports. */
export class Refusal {
  constructor(readonly error: ErrorPayload) {}
}

/**
 * What the fake station sent that the real one could not: every answer and event is checked
 * against the contract's schemas (the ones the main process's answers satisfy), so the screens
 * are never tested against data the station would never send. Any mismatch fails the test, even
 * one the renderer swallowed (a rejected invoke shown as an error notice).
 */
const contractViolations: string[] = [];
afterEach(() => {
  const found = contractViolations.splice(0);
  expect(found, 'the fake station sent data outside the contract').toEqual([]);
});

/** For the test of this check itself: the violations so far, which then no longer fail the test. */
export function takeContractViolations(): string[] {
  return contractViolations.splice(0);
}

function checkContract(what: string, schema: { safeParse(value: unknown): { success: boolean; error?: { message: string } } }, value: unknown): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const problem = `${what}: ${result.error?.message ?? 'invalid'}`;
  contractViolations.push(problem);
  throw new Error(`The fake station broke the contract: ${problem}`);
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
      if (value instanceof Refusal) {
        checkContract(`${channel} refusal`, errorPayloadSchema, value.error);
        return { ok: false, error: value.error } as Envelope<never>;
      }
      checkContract(`${channel} response`, invokeChannels[channel].response, value);
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
  const fire = (event: EventChannel, payload: unknown) => {
    checkContract(`${event} event`, eventChannels[event], payload);
    act(() => listeners.get(event)?.forEach((l) => l(payload)));
  };
  const callsTo = (channel: string) => calls.filter((c) => c.channel === channel).map((c) => c.request);
  /** Listeners subscribed now, per event (an unsubscribe removes its own). */
  const listening = (event: EventChannel) => listeners.get(event)?.size ?? 0;
  return { bridge, fire, calls, callsTo, order, handlers, listening };
}

/** Connects the store to a scripted station and renders the whole app. */
export async function renderStation(handlers: Parameters<typeof scriptedStation>[0]) {
  const station = scriptedStation(handlers);
  // Every screen's code is here before the app renders, as in the app once the first screen is up.
  await preloadScreens();
  await act(() => connectStore(createClient(station.bridge)));
  const view = render(<App />);
  return { ...station, view };
}

export function resetStore() {
  disconnectStore();
  useStation.setState(initialStationState, true);
  usePeople.setState(initialPeopleState, true);
  useAnnouncement.setState({ text: '', seq: 0 }, true);
}

/** The reader's panel: the region named by the reader (READER). */
export const region = () => screen.getByRole('region', { name: READER });

/** Lets pending promises (station replies) settle inside act. */
export async function settle() {
  await act(async () => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  });
}
