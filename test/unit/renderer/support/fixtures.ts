import type { StationSnapshot } from '../../../../src/shared/contract';
import type { CmRequest } from '../../../../src/shared/cm';
import type { CmCheckReport } from '../../../../src/shared/cm-check';
import type { CardReading, EnrollmentState, Replacement } from '../../../../src/shared/enrollment';
import type { OutboxOperation } from '../../../../src/shared/outbox';
import { DEFAULT_SETTINGS, POLICY_ONLY_KEYS, SETTING_KEYS, type SettingKey, type SettingsView } from '../../../../src/shared/settings';

export const READER = 'Virtual PCD 00 00';
export const OTHER_READER = 'Virtual PCD 00 01';
export const ATR = '3b8d0180fba000000397425446590301c8';
export const CARD_ID = 'bc88f13f4e2a4b1c9d0e1f2a3b4c5d6e';
export const REQUEST_ID = '7b7f0c1c-3c3a-4f43-9d4e-1a2b3c4d5e6f';
export const OLD_CARD = '11111111-2222-4333-8444-555555555555';
export const NEW_CARD = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
export const OPERATION_ID = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const RETIRE_OPERATION_ID = '1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/** A CM check that reached CM, with Negotiate accepted, and found nothing: each test adds what it shows. */
export function cmCheckReport(overrides: Partial<CmCheckReport> = {}): CmCheckReport {
  return {
    target: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
    reachable: true,
    apiEnabled: true,
    auth: { result: 'accepted', schemes: [], scheme: 'Negotiate' },
    latencyMs: 42,
    problem: null,
    requestTypes: [],
    requestStatuses: [],
    skippedRequests: 0,
    suggestedRequestTypeNumbers: {},
    checkedAt: '2026-11-23T09:00:00.000Z',
    ...overrides,
  };
}

/** The `managed` map: true for the keys given, false for every other. */
export function managedKeys(...keys: SettingKey[]): Record<SettingKey, boolean> {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, keys.includes(key)])) as Record<SettingKey, boolean>;
}

export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    values: { ...DEFAULT_SETTINGS, cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/' },
    managed: managedKeys(...POLICY_ONLY_KEYS),
    policy: { source: null, status: 'none', problems: [], channel: null, keys: [], changedSinceStart: false },
    user: { status: 'ok', problems: [] },
    ...overrides,
  };
}

export function readersWithCard(reader = READER, insertion = 1) {
  return {
    service: 'up' as const,
    readers: [READER, OTHER_READER].map((name) => ({
      name,
      card: name === reader ? { atr: ATR, insertion, insertedAt: '2026-11-23T09:00:00.000Z' } : null,
    })),
  };
}

export function snapshot(overrides: Partial<StationSnapshot> = {}): StationSnapshot {
  return {
    version: '0.1.0',
    training: false,
    readers: {
      service: 'up',
      readers: [
        { name: READER, card: null },
        { name: OTHER_READER, card: null },
      ],
    },
    cards: [],
    enrollment: [],
    batch: { pending: [], reserved: [], submitted: [], skipped: [] },
    connection: { mode: 'online', since: '2026-11-23T08:00:00.000Z' },
    settings: settingsView(),
    directory: { kind: 'none' },
    issuance: [],
    ...overrides,
  };
}

export const reading: CardReading = {
  reader: READER,
  atr: ATR,
  insertion: 1,
  atrSummary: 'T=1, direct convention, PIV card',
  model: 'YubiKey 5 NFC',
  identifier: { kind: 'piv-guid', value: CARD_ID },
  cm: { state: 'unknown' },
};

export function request(overrides: Partial<CmRequest> = {}): CmRequest {
  return {
    uuid: REQUEST_ID,
    type: 'Enroll',
    status: 'Approved',
    targetUserUuid: '99999999-8888-4777-8666-555555555555',
    targetUserDisplayName: 'Alice Martin',
    originatorUserUuid: null,
    profileTemplateUuid: '44444444-3333-4222-8111-000000000000',
    profileTemplateName: 'Smart card logon',
    oldSmartcardUuid: null,
    newSmartcardUuid: null,
    submitted: '2026-11-22T14:30:00.000Z',
    completed: null,
    priority: 0,
    isSmartcard: true,
    dataCollection: [],
    comment: '',
    ...overrides,
  };
}

export const payload = { requestid: REQUEST_ID, cardid: CARD_ID, atr: ATR };

export function cardRead(): EnrollmentState {
  return { step: 'card-read', reader: READER, card: reading, notice: null };
}

export function chosen(replacement: Replacement | null = null): EnrollmentState {
  return { step: 'request-chosen', reader: READER, card: reading, request: request(), replacement, payload, notice: null };
}

export function submitted(
  step: 'binding' | 'retiring' | 'done' | 'attention',
  bind: Extract<EnrollmentState, { step: 'done' }>['bind'],
  retire: Extract<EnrollmentState, { step: 'done' }>['retire'] = null,
): EnrollmentState {
  return { step, reader: READER, card: reading, request: request(), replacement: null, payload, bind, retire };
}

/** An outbox operation as the station sends it: a bind by default, a retire when `kind: 'retire'`. */
export function operation(overrides: Partial<OutboxOperation> = {}): OutboxOperation {
  const what =
    overrides.kind === 'retire'
      ? { kind: 'retire', requestId: REQUEST_ID, smartcardUuid: OLD_CARD, waitFor: null }
      : { kind: 'bind', requestId: REQUEST_ID, cardId: CARD_ID, atr: ATR, reader: READER };
  return {
    ...what,
    id: OPERATION_ID,
    createdAt: '2026-11-23T09:01:00.000Z',
    updatedAt: '2026-11-23T09:02:00.000Z',
    state: 'needs-attention',
    attempts: 3,
    nextAttemptAt: null,
    lastError: { code: 'CM_SERVER_ERROR', message: 'CM answered 500.', correlationId: 'corr-5f0e', serverMessage: null },
    result: null,
    outcomeUnknown: false,
    refusals: 0,
    waiting: null,
    ...overrides,
  } as OutboxOperation;
}
