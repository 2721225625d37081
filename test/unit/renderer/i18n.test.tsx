import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { en } from '../../../src/renderer/i18n/en';
import { fr } from '../../../src/renderer/i18n/fr';
import { VIEWS } from '../../../src/renderer/store';
import {
  cardRead,
  chosen,
  managedKeys,
  operation,
  OPERATION_ID,
  READER,
  reading,
  readersWithCard,
  request,
  settingsView,
  snapshot,
  submitted,
} from './support/fixtures';
import { renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  cleanup();
  await act(() => applyLocale('en'));
});

function leaves(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/** A key rendered raw looks like `enrollment.title`; an unfilled placeholder like `{{since}}`. */
const RAW_KEY = /^[a-z][a-zA-Z]*(\.[a-zA-Z0-9_'-]+)+$/;

function rawStrings(): string[] {
  const found: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? '';
    if (RAW_KEY.test(text) || text.includes('{{')) found.push(text);
  }
  for (const element of document.body.querySelectorAll('[aria-label]')) {
    const label = element.getAttribute('aria-label') ?? '';
    if (RAW_KEY.test(label) || label.includes('{{')) found.push(label);
  }
  return found;
}

describe('translations', () => {
  it('French has every English key, with the same placeholders', () => {
    const english = leaves(en);
    const french = leaves(fr);
    expect([...french.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      expect(placeholders(french.get(key) ?? ''), key).toEqual(placeholders(text));
      expect(french.get(key)?.trim(), key).not.toBe('');
    }
  });

  for (const locale of ['en', 'fr'] as const) {
    it(`renders no raw key or unfilled placeholder on any screen (${locale})`, async () => {
      const station = await renderStation({
        'station.snapshot': () =>
          snapshot({
            training: true,
            connection: { mode: 'offline', since: '2026-11-23T08:00:00.000Z', reason: 'timeout' },
            settings: settingsView({
              values: { ...settingsView().values, locale },
              managed: managedKeys('cmBaseUrl', 'trainingModeAllowed', 'updateFeedUrl'),
              policy: { source: 'policy.json', status: 'invalid', problems: ['bad'], channel: 'linux-etc', keys: [], changedSinceStart: false },
            }),
          }),
        'outbox.list': () => [operation(), operation({ id: '2e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', state: 'pending' })],
        'requests.search': () => ({
          requests: [request(), request({ uuid: '8b7f0c1c-3c3a-4f43-9d4e-1a2b3c4d5e6f', targetUserDisplayName: null })],
          source: 'cache',
          syncedAt: null,
        }),
        'audit.query': () => [],
      });
      station.fire('readers.changed', readersWithCard());
      station.fire('card.changed', { reader: READER, reading: { ...reading, cm: { state: 'not-asked', reason: 'offline' } } });
      const states = [
        cardRead(),
        chosen({ smartcardUuid: '11111111-2222-4333-8444-555555555555', source: 'operator', card: null }),
        submitted('binding', { state: 'sending', operationId: OPERATION_ID }),
        submitted('done', { state: 'queued', operationId: OPERATION_ID, reason: 'offline', error: null }),
        submitted('attention', {
          state: 'needs-attention',
          operationId: OPERATION_ID,
          error: { code: 'CM_FORBIDDEN', message: 'No.', details: { correlationId: 'x' } },
        }),
      ];
      for (const state of states) {
        station.fire('enrollment.changed', state);
        await settle();
        expect(rawStrings(), state.step).toEqual([]);
      }
      for (const view of VIEWS) {
        fireEvent.click(screen.getAllByRole('navigation')[0]!.querySelectorAll('button')[VIEWS.indexOf(view)]!);
        await settle();
        expect(rawStrings(), view).toEqual([]);
      }
      expect(document.documentElement.lang).toBe(locale);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(locale === 'fr' ? 'Poste d’enrôlement' : 'Enrollment Station');
    });
  }
});
