import { within } from '@testing-library/react';
import type { ErrorPayload } from '../../../../src/shared/errors';
import { ISSUANCE_STEPS, type IssuanceState, type IssuanceStepState, type IssueAtDesk } from '../../../../src/shared/issuance';
import { CARD_ID, cardRead, NEW_CARD, OPERATION_ID, READER, reading, readersWithCard, REQUEST_ID, settingsView, snapshot, submitted } from './fixtures';
import { region, renderStation, settle } from './station';

/** Issuance states as the station sends them (checked against the contract by the scripted station). */

/** The reader's panel's step heading. */
export const stepHeading = () => within(region()).getByRole('heading', { level: 4 });

const base = { reader: READER, requestId: REQUEST_ID, cardId: CARD_ID };
const T0 = Date.parse('2026-11-23T09:05:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

/**
 * Steps up to `upTo`: those before it done (one second each, `skipped` for admin-key), `upTo` in
 * `status` (started at its start time, ended unless running/pending), the rest pending.
 */
export function steps(upTo: IssuanceStepState['step'] | null, status: IssuanceStepState['status'] = 'running'): IssuanceStepState[] {
  const stop = upTo === null ? ISSUANCE_STEPS.length : ISSUANCE_STEPS.indexOf(upTo);
  return ISSUANCE_STEPS.map((step, i) => {
    if (i < stop) {
      if (step === 'admin-key') return { step, status: 'skipped', startedAt: null, endedAt: null };
      return { step, status: 'done', startedAt: at(i * 1000), endedAt: at(i * 1000 + 1000) };
    }
    if (i === stop) {
      const ended = status === 'done' || status === 'failed';
      return { step, status, startedAt: status === 'pending' ? null : at(i * 1000), endedAt: ended ? at(i * 1000 + 2500) : null };
    }
    return { step, status: 'pending', startedAt: null, endedAt: null };
  });
}

/** The time `step` started at in `steps()` (its index in seconds after T0). */
export function startOf(step: IssuanceStepState['step']): number {
  return T0 + ISSUANCE_STEPS.indexOf(step) * 1000;
}

export const offer = (): IssuanceState => ({ phase: 'offer', ...base, steps: steps('admin-auth', 'pending') });
export const running = (step: IssuanceStepState['step'], cancellable = true): IssuanceState => ({
  phase: 'running',
  ...base,
  steps: steps(step),
  cancellable,
});
export const pinEntry = (notice: ErrorPayload | null = null): IssuanceState => ({
  phase: 'pin-entry',
  ...base,
  steps: steps('pin'),
  rules: { minLength: 6, maxLength: 8 },
  notice,
});
export const pinShown = (pin = '40817253'): IssuanceState => ({ phase: 'pin-shown', ...base, steps: steps('pin'), pin });
export const paused = (step: IssuanceStepState['step'], error: ErrorPayload): IssuanceState => ({
  phase: 'paused',
  ...base,
  steps: steps(step, 'failed'),
  error,
});
export const failed = (step: IssuanceStepState['step'], error: ErrorPayload): IssuanceState => ({
  phase: 'failed',
  ...base,
  steps: steps(step, 'failed'),
  error,
});
export const canceled = (): IssuanceState => ({ phase: 'canceled', ...base, steps: steps('sign-requests', 'pending') });
export const idle = (): IssuanceState => ({ phase: 'idle', reader: READER });

export const CERTIFICATES = [
  {
    slot: '9a' as const,
    subject: 'CN=Alice Martin, OU=Users, DC=contoso, DC=com',
    issuer: 'CN=Contoso Issuing CA 1, DC=contoso, DC=com',
    serialNumber: '5a000000123abc',
    notAfter: '2027-11-23T09:06:00.000Z',
    template: 'SmartcardLogon',
  },
  {
    slot: '9c' as const,
    subject: 'CN=Alice Martin, OU=Users, DC=contoso, DC=com',
    issuer: 'CN=Contoso Issuing CA 1, DC=contoso, DC=com',
    serialNumber: '5a000000123abd',
    notAfter: '2027-11-23T09:06:00.000Z',
    template: null,
  },
];
export const issued = (): IssuanceState => ({ phase: 'done', ...base, steps: steps(null), certificates: CERTIFICATES });

export const boundDone = () => submitted('done', { state: 'done', operationId: OPERATION_ID, smartcardUuid: NEW_CARD });
export const boundQueued = () => submitted('done', { state: 'queued', operationId: OPERATION_ID, reason: 'offline', error: null });

export function snapshotWith(policy: IssueAtDesk, locale: 'en' | 'fr' = 'en') {
  return snapshot({ settings: settingsView({ values: { ...settingsView().values, issueAtDesk: policy, locale } }) });
}

export const error = (code: ErrorPayload['code'], correlationId?: string): ErrorPayload => ({
  code,
  message: `${code} (English, for logs)`,
  details: correlationId ? { correlationId } : {},
});

/** A station after a finished bind on READER, with the policy (and locale) given; `issuance` fired after the bind's done. */
export async function renderAfterBind(
  policy: IssueAtDesk,
  handlers: Record<string, (request: never) => unknown> = {},
  options: { locale?: 'en' | 'fr'; bind?: 'done' | 'queued' } = {},
) {
  const station = await renderStation({
    'station.snapshot': () => snapshotWith(policy, options.locale),
    'outbox.list': () => [],
    'requests.search': () => ({ requests: [], source: 'live', syncedAt: null }),
    'enrollment.reset': () => cardRead(),
    ...handlers,
  });
  station.fire('readers.changed', readersWithCard());
  station.fire('card.changed', { reader: READER, reading });
  station.fire('enrollment.changed', options.bind === 'queued' ? boundQueued() : boundDone());
  await settle();
  return station;
}
