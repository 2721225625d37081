// Which renderer file calls which bridge channel (docs/security.md: the bridge carries only what a
// screen uses). Read by the `station/bridge-surface` lint rule; test/unit/lint checks that it names
// every channel of src/shared/channels.ts and nothing else. A channel no screen uses has an empty
// list only if it is read-only (it changes nothing and names nothing outside the station).
export const BRIDGE_SCREENS = {
  'station.snapshot': ['store.ts'],
  'card.read': ['components/enrollment/ReadAgainButton.tsx'],
  'requests.search': ['components/enrollment/RequestSearch.tsx'],
  'enrollment.choose': ['components/enrollment/RequestSearch.tsx'],
  'enrollment.bind': ['components/enrollment/Confirmation.tsx'],
  // Back to the card: from the result, a refused operation (attention) and the confirmation (cancel).
  'enrollment.reset': ['components/enrollment/Result.tsx', 'components/enrollment/Attention.tsx', 'components/enrollment/Confirmation.tsx'],
  // The outbox screen, and the store's first load (the navigation counts pending operations).
  'outbox.list': ['components/outbox/OutboxView.tsx', 'store.ts'],
  'outbox.retry': ['components/outbox/OutboxItem.tsx'],
  'outbox.replay': ['components/outbox/OutboxView.tsx'],
  'outbox.discard': ['components/outbox/DiscardForm.tsx'],
  'audit.query': ['components/audit/AuditView.tsx'],
  'audit.exportCsv': ['components/audit/AuditView.tsx'],
  'settings.get': ['components/settings/SettingsPage.tsx'],
  'settings.update': ['components/settings/SettingsForm.tsx'],
  // The Diagnostics screen's runner (diagnostics.ts, used by DiagnosticsView.tsx).
  'diagnostics.run': ['diagnostics.ts'],
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
  // Read-only look-ups that change nothing (the CLI's bind uses readers.list); no screen calls them.
  'readers.list': [],
  'requests.get': [],
  // Desk issuance: the enrollment screen after the bind (offer, progress, PIN hand-over, result).
  // Issue now, Resume (paused), Try again (failed: the engine continues from its journal).
  'issuance.start': ['components/issuance/IssuanceOffer.tsx', 'components/issuance/IssuanceProgress.tsx', 'components/issuance/IssuanceResult.tsx'],
  'issuance.skip': ['components/issuance/IssuanceOffer.tsx'],
  'issuance.submitPin': ['components/issuance/PinEntry.tsx'],
  'issuance.pinSeen': ['components/issuance/PinShown.tsx'],
  'issuance.cancel': ['components/issuance/IssuanceProgress.tsx'],
  // The screens follow the snapshot and issuance.changed; the look-up is read-only (the CLI uses it).
  'issuance.get': [],
};

/** Channels allowed on the bridge with no screen (read-only). */
export const READ_ONLY_WITHOUT_SCREEN = ['readers.list', 'requests.get', 'issuance.get'];

/** Files that pass a channel through without naming it (the client itself). */
export const BRIDGE_PASS_THROUGH = ['client.ts', 'bridge/ws-bridge.ts', 'bridge/index.ts'];
