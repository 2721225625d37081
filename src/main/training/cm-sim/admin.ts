import { z } from 'zod';
import { StationError } from '../../../shared/errors';
import type { ActivationSchedule } from './activation';
import type { RecordedRequest, RequestRecord } from './api-server';
import { faultRuleSchema, type FaultBook, type FaultRule } from './faults';
import { activateSmartcard, approveRequest, normalizeGuid, type SimState } from './state';
import type { SimStore } from './store';
import { pem } from './execution/pem';
import type { SimExecution } from './execution/handle';

export interface CmSimulatorAdmin {
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  faults(): FaultRule[];
  received(): RecordedRequest[];
  clearReceived(): void;
  state(): SimState;
  /** A CM client wrote the card: Assigned (2) becomes Active (3). False when it was not Assigned. */
  activate(smartcardUuid: string): Promise<boolean>;
  /** The CM portal's approval of a Pending request (no REST route exists). False when it was not Pending. */
  approve(requestUuid: string): Promise<boolean>;
  /** Scope card lookups to one user (the caller), or null for all. */
  setLookupScope(userUuid: string | null): void;
  /** The throw-away CA's root and issuing certificates (PEM), made on first use: for `openssl verify`. */
  caCertificates(): Promise<{ root: string; issuing: string }>;
  /** Back to the seed directory (saved), no faults, empty record, no lookup scope. */
  reset(): Promise<void>;
}

/** A CM client wrote the card: Assigned (2) becomes Active (3), saved. False when it was not Assigned. */
export async function activateCard(store: SimStore, uuid: string): Promise<boolean> {
  const next = activateSmartcard(store.current(), uuid);
  if (next === null) return false;
  await store.commit(next);
  return true;
}

export interface SimulatorAdminDeps {
  store: SimStore;
  seed: () => SimState;
  faultBook: FaultBook;
  record: RequestRecord;
  execution: SimExecution;
  activations: ActivationSchedule;
  lookupScope: { get(): string | null; set(userUuid: string | null): void };
  /** The scope reset() returns to (the one the simulator started with). */
  initialLookupScope: string | null;
}

/** The simulator's controls, for tests in this process (and over HTTP: admin-routes.ts). */
export function createSimulatorAdmin(deps: SimulatorAdminDeps): CmSimulatorAdmin {
  const { store, faultBook, record } = deps;
  return {
    setFaults(rules) {
      const parsed = z.array(faultRuleSchema).safeParse(rules);
      if (!parsed.success) throw new StationError('BAD_REQUEST', 'Invalid CM simulator fault rules.', { issues: parsed.error.message });
      faultBook.set(parsed.data);
    },
    clearFaults: () => faultBook.set([]),
    faults: () => faultBook.list(),
    received: () => record.list(),
    clearReceived: () => record.clear(),
    state: () => structuredClone(store.current()),
    activate: (uuid) => activateCard(store, uuid),
    async caCertificates() {
      const { root, issuing } = await deps.execution.caCertificates();
      return { root: pem(root), issuing: pem(issuing) };
    },
    async approve(requestUuid) {
      const uuid = normalizeGuid(requestUuid);
      const next = uuid === null ? null : approveRequest(store.current(), uuid);
      if (next === null) return false;
      await store.commit(next);
      return true;
    },
    setLookupScope(userUuid) {
      deps.lookupScope.set(userUuid === null ? null : normalizeGuid(userUuid));
    },
    async reset() {
      faultBook.set([]);
      record.clear();
      deps.lookupScope.set(deps.initialLookupScope);
      deps.activations.cancelAll();
      await store.commit(deps.seed());
    },
  };
}
