import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { VIEWS } from '../../../src/renderer/store';
import { cardRead, chosen, NEW_CARD, operation, OPERATION_ID, READER, reading, readersWithCard, request, snapshot, submitted } from './support/fixtures';
import { region as readerRegion, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

/**
 * Keyboard activation without a real keyboard: the control must be a native button (Enter and
 * Space activate it in every browser), enabled, in the tab order, and able to take focus; then
 * activating it is a click. jsdom has no default actions for key events.
 */
function press(element: HTMLElement) {
  expect(element.tagName).toBe('BUTTON');
  expect((element as HTMLButtonElement).disabled).toBe(false);
  expect(element.tabIndex).toBeGreaterThanOrEqual(0);
  element.focus();
  expect(document.activeElement).toBe(element);
  fireEvent.click(element);
}

const CONTROL_ROLES = ['button', 'textbox', 'searchbox', 'combobox', 'checkbox'] as const;

function expectEveryControlNamed() {
  for (const role of CONTROL_ROLES) {
    expect(screen.queryAllByRole(role, { name: '' }), `${role} without a name`).toEqual([]);
  }
  // No positive tabindex anywhere: the tab order is the reading order.
  for (const element of document.querySelectorAll('[tabindex]')) {
    expect(Number(element.getAttribute('tabindex'))).toBeLessThanOrEqual(0);
  }
}

describe('keyboard and labels', () => {
  it('card read → focus in search; Enter searches → first Choose; Enter chooses → Confirm; Enter binds; each move announced', async () => {
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'requests.search': () => ({ requests: [request()], source: 'live', syncedAt: null }),
      'enrollment.choose': () => chosen(),
      'enrollment.bind': () => submitted('binding', { state: 'sending', operationId: OPERATION_ID }),
    });
    station.fire('readers.changed', readersWithCard());
    station.fire('card.changed', { reader: READER, reading });
    station.fire('enrollment.changed', cardRead());
    await settle();
    const region = readerRegion();
    const heading = (name: string) => within(region).getByRole('heading', { level: 4, name });
    const hint = () => region.querySelector('.next-step[aria-live="polite"]')?.textContent ?? '';
    heading('Choose the enrollment request');
    const box = within(region).getByRole('searchbox');
    // The list loaded at once (empty query) without taking focus away from the search field.
    expect(station.callsTo('requests.search')).toEqual([{ query: '', limit: 100 }]);
    expect(within(region).getByRole('button', { name: /^Choose request/ })).toBeTruthy();
    expect(document.activeElement).toBe(box);
    expect(hint()).toMatch(/Type a name.*press Enter to search/);
    expectEveryControlNamed();

    // Typing a name and pressing Enter submits the search form (implicit submission).
    fireEvent.change(box, { target: { value: 'Alice' } });
    const form = box.closest('form');
    expect(form?.querySelector('button[type="submit"]')).toBeTruthy();
    fireEvent.submit(form!);
    await settle();
    expect(station.callsTo('requests.search').at(-1)).toEqual({ query: 'Alice', limit: 100 });
    const choose = within(region).getByRole('button', { name: /^Choose request/ });
    expect(document.activeElement).toBe(choose);
    expect(hint()).toMatch(/^1 found\. Focus is on the first: Choose request 7b7f0c1c for Alice Martin\. Press Enter/);

    press(choose);
    await settle();
    heading('Check and confirm');
    const confirm = within(region).getByRole('button', { name: 'Confirm and bind' });
    expect(document.activeElement).toBe(confirm);
    expect(hint()).toMatch(/press Enter to confirm and bind/);
    // Copy buttons and Back stay reachable, after the primary action in the keyboard path.
    expect(within(region).getByRole('button', { name: 'Back' })).toBeTruthy();
    expectEveryControlNamed();

    press(confirm);
    await settle();
    expect(document.activeElement).toBe(heading('Binding the card'));
    expect(hint()).toBe('');

    station.fire('enrollment.changed', submitted('done', { state: 'done', operationId: OPERATION_ID, smartcardUuid: NEW_CARD }));
    expect(document.activeElement).toBe(heading('Done — remove the card'));
    expectEveryControlNamed();
  });

  it('reaches every screen from the navigation; focus lands on its heading; every control is named', async () => {
    await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [operation()],
      'audit.query': () => [],
      'diagnostics.run': () => ({ service: 'up', readers: [] }),
    });
    const nav = screen.getByRole('navigation', { name: 'Screens' });
    const headings = { enrollment: 'Enrollment', outbox: 'Outbox', audit: 'Audit log', diagnostics: 'Diagnostics', settings: 'Settings' };
    for (const view of [...VIEWS].reverse()) {
      const button = within(nav).getAllByRole('button')[VIEWS.indexOf(view)]!;
      press(button);
      await settle();
      expect(button.getAttribute('aria-current')).toBe('page');
      expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: headings[view] }));
      expectEveryControlNamed();
    }
  });
});

describe('a fast operator', () => {
  it('an Enter pressed while the first list is still loading searches for what was typed', async () => {
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const dana = { ...request(), uuid: '9a9a9a9a-3c3a-4f43-9d4e-1a2b3c4d5e6f', targetUserDisplayName: 'Dana Okafor' };
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'requests.search': async ({ query }: { query: string }) => {
        if (query === '') {
          await first;
          return { requests: [request(), dana], source: 'live', syncedAt: null };
        }
        return { requests: [dana], source: 'live', syncedAt: null };
      },
    });
    station.fire('readers.changed', readersWithCard());
    station.fire('card.changed', { reader: READER, reading });
    station.fire('enrollment.changed', cardRead());
    await settle();
    const region = readerRegion();
    const box = within(region).getByRole('searchbox');
    fireEvent.change(box, { target: { value: 'Dana' } });
    // A browser submits on Enter only if the form's default button is enabled (HTML "implicit submission").
    expect(within(region).getByRole('button', { name: 'Search' })).toHaveProperty('disabled', false);
    fireEvent.submit(box.closest('form')!);
    release();
    await settle();
    await settle();
    expect(station.callsTo('requests.search')).toEqual([
      { query: '', limit: 100 },
      { query: 'Dana', limit: 100 },
    ]);
    const choose = within(region).getAllByRole('button', { name: /^Choose request/ });
    expect(choose).toHaveLength(1);
    expect(document.activeElement).toBe(choose[0]);
    expect(choose[0]!.getAttribute('aria-label')).toMatch(/Dana Okafor$/);
  });
});
