import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../../src/shared/channels';

/**
 * The bridge carries only what a screen uses (docs/security.md): every invoke channel is listed
 * here with the screen that calls it, and the renderer's sources must actually call it there. A
 * channel no screen uses is not on the bridge; in-process callers (the CLI) call the station
 * directly, as `npm run station -- retire` does with Station.retireCard.
 */
const SCREENS: Record<(typeof INVOKE_CHANNELS)[number], string[]> = {
  'station.snapshot': ['store.ts'],
  'card.read': ['components/enrollment/ReadAgainButton.tsx'],
  'requests.search': ['components/enrollment/RequestSearch.tsx'],
  'enrollment.choose': ['components/enrollment/RequestSearch.tsx'],
  'enrollment.bind': ['components/enrollment/Confirmation.tsx'],
  'enrollment.reset': ['components/enrollment/Result.tsx'],
  'outbox.list': ['components/outbox/OutboxView.tsx'],
  'outbox.retry': ['components/outbox/OutboxItem.tsx'],
  'outbox.replay': ['components/outbox/OutboxView.tsx'],
  'outbox.discard': ['components/outbox/DiscardForm.tsx'],
  'audit.query': ['components/audit/AuditView.tsx'],
  'audit.exportCsv': ['components/audit/AuditView.tsx'],
  'settings.get': ['components/settings/SettingsPage.tsx'],
  'settings.update': ['components/settings/SettingsForm.tsx'],
  'diagnostics.run': ['components/diagnostics/DiagnosticsView.tsx'],
  'training.info': ['components/enrollment/TrainingCards.tsx'],
  'training.insertCard': ['components/enrollment/TrainingCards.tsx'],
  'training.removeCard': ['components/enrollment/TrainingCards.tsx'],
  'training.reset': ['components/enrollment/TrainingCards.tsx'],
  'batch.set': ['components/enrollment/RequestSearch.tsx'],
  'batch.clear': ['components/enrollment/BatchPanel.tsx'],
  'directory.resolve': ['people.ts'],
  'outbox.releaseHold': ['components/outbox/HeldRetire.tsx'],
  'cm.check': ['components/diagnostics/CmCheckSection.tsx'],
  'diagnostics.supportBundle': ['components/diagnostics/SupportBundleSection.tsx'],
  // Not a screen: every screen's uncaught errors (window.onerror, unhandled rejections, React's).
  'diagnostics.reportError': ['report-errors.ts'],
  // Read-only look-ups that change nothing and name nothing outside the station (the CLI's bind
  // uses readers.list); no screen calls them yet.
  'readers.list': [],
  'requests.get': [],
  // Desk issuance: the enrollment screen after the bind (offer, progress, PIN hand-over, result).
  'issuance.start': ['components/issuance/IssuanceOffer.tsx', 'components/issuance/IssuanceProgress.tsx'],
  'issuance.skip': ['components/issuance/IssuanceOffer.tsx'],
  'issuance.submitPin': ['components/issuance/PinEntry.tsx'],
  'issuance.pinSeen': ['components/issuance/PinShown.tsx'],
  'issuance.cancel': ['components/issuance/IssuanceProgress.tsx'],
  // The screens follow the snapshot and issuance.changed; the look-up is read-only (no screen calls it yet).
  'issuance.get': [],
};
const READ_ONLY_WITHOUT_SCREEN = new Set(['readers.list', 'requests.get', 'issuance.get']);

const RENDERER = join(import.meta.dirname, '..', '..', '..', 'src', 'renderer');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !dir.includes(`${join('renderer', 'i18n')}`) ? [path] : [];
  });
}
const files = new Map(sources(RENDERER).map((path) => [relative(RENDERER, path).split('\\').join('/'), readFileSync(path, 'utf8')]));

describe('the renderer bridge', () => {
  it('lists every channel with the screen that uses it, and nothing else is exposed', () => {
    expect(Object.keys(SCREENS).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it.each(Object.entries(SCREENS))('%s is called where the table says', (channel, screens) => {
    const callers = [...files].filter(([, text]) => text.includes(`'${channel}'`)).map(([path]) => path);
    if (READ_ONLY_WITHOUT_SCREEN.has(channel)) {
      expect(callers).toEqual([]);
      return;
    }
    expect(screens.length).toBeGreaterThan(0);
    for (const screen of screens) expect(callers, `${channel} in ${screen}`).toContain(screen);
  });

  it('does not carry enrollment.retire: retiring a card outside an enrollment is the CLI\'s, in-process', () => {
    expect(INVOKE_CHANNELS as readonly string[]).not.toContain('enrollment.retire');
  });
});
