import { act, cleanup } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { en } from '../../../src/renderer/i18n/en';
import { fr } from '../../../src/renderer/i18n/fr';
import { canceled, error, failed, issued, offer, paused, pinEntry, pinShown, renderAfterBind, running } from './support/issuance-fixtures';
import { resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(async () => {
  cleanup();
  await act(() => applyLocale('en'));
});

function leaves(tree: object): string[] {
  return Object.values(tree).flatMap((value) => (typeof value === 'string' ? [value] : leaves(value as object)));
}

/** Every text node and accessible label on screen. */
function shownTexts(): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node.textContent?.trim() ?? '');
  for (const element of document.body.querySelectorAll('[aria-label]')) texts.push(element.getAttribute('aria-label') ?? '');
  return texts.filter((text) => text !== '');
}

const RAW_KEY = /^[a-z][a-zA-Z]*(\.[a-zA-Z0-9_'-]+)+$/;
const STATES = [
  offer(),
  running('generate-keys'),
  paused('certificates', error('CM_OFFLINE')),
  pinEntry(error('ISSUANCE_PIN_RULES')),
  pinShown(),
  issued(),
  failed('write-certificates', error('ISSUANCE_CERTIFICATE_NO_KEY')),
  canceled(),
];

describe('issuance screens in both languages', () => {
  for (const locale of ['en', 'fr'] as const) {
    it(`render no raw key or unfilled placeholder in any phase (${locale}), and in French no English issuance text`, async () => {
      const station = await renderAfterBind('offer', {}, { locale });
      // Every English text that French words differently (same-in-both words such as "Code" are not English leaks).
      const french = new Set(leaves(fr));
      const english = new Set(leaves(en).filter((text) => !french.has(text)));
      for (const state of STATES) {
        station.fire('issuance.changed', state);
        await settle();
        const texts = shownTexts();
        expect(
          texts.filter((text) => RAW_KEY.test(text) || text.includes('{{')),
          state.phase,
        ).toEqual([]);
        if (locale === 'fr')
          expect(
            texts.filter((text) => english.has(text)),
            state.phase,
          ).toEqual([]);
        expect(texts.length, state.phase).toBeGreaterThan(5);
      }
    });
  }
});
