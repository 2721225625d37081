import { StationError } from '../../shared/errors';
import { createListenerSet, type ListenerErrorReporter } from '../common';
import {
  DEFAULT_SETTINGS,
  isMachineOnlyKey,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type SettingsView,
  type UserSettings,
  settingsUpdateSchema,
  userSettingsSchema,
} from '../../shared/settings';
import { type Policy, SAFE_SETTINGS } from './policy';
import { describeIssues } from './problems';
import type { SettingsStore } from './user-settings';

export interface SettingsServiceDeps {
  /** Read once at start-up (readPolicy): a policy change takes effect when the station restarts. */
  policy: Policy;
  store: SettingsStore;
  /** Where a failing listener is reported: the diagnostic log, or stderr where there is none yet. */
  onListenerError: ListenerErrorReporter;
}

export type SettingsListener = (view: SettingsView) => void;

export interface SettingsService {
  view(): SettingsView;
  /** The values the station runs with: defaults <- policy values <- operator's (unmanaged) choices. */
  effective(): Settings;
  /**
   * Apply a `settings.update` payload. Throws StationError POLICY_INVALID (policy unreadable or
   * refused: all settings read-only), SETTINGS_INVALID, SETTING_MACHINE_ONLY (a key only machine
   * policy sets), SETTING_LOCKED (a key policy made mandatory), TRAINING_FORBIDDEN or STORAGE_IO;
   * nothing changes when it throws.
   */
  update(patch: unknown): SettingsView;
  /**
   * The OS reported a policy change (Windows). Policy applies at start, so the view says a restart
   * is needed; listeners are told.
   */
  policyChanged(): void;
  /** Listeners run after each successful update and must not throw. Returns an unsubscribe. */
  subscribe(listener: SettingsListener): () => void;
}

interface UserState {
  values: UserSettings;
  status: 'ok' | 'reset';
  problems: string[];
}

/** JSON payloads never hold undefined, but structured-cloned IPC ones can: `{key: undefined}` sets nothing. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function reset(store: SettingsStore, problems: string[]): UserState {
  try {
    problems.push(`the file was kept aside as ${store.setAside()}; defaults apply`);
  } catch (err) {
    problems.push(err instanceof StationError ? err.message : String(err));
  }
  return { values: {}, status: 'reset', problems };
}

/** Saved operator settings that cannot be used are reported and replaced by defaults, never fatal. */
function loadUser(store: SettingsStore): UserState {
  let raw: unknown;
  try {
    raw = store.get();
  } catch (err) {
    if (!(err instanceof StationError)) {
      return { values: {}, status: 'reset', problems: [err instanceof Error ? err.message : String(err)] };
    }
    const problem = typeof err.details.reason === 'string' ? `${err.message} ${err.details.reason}` : err.message;
    // Only data that was read but is unusable is moved aside; moving an unreadable file fixes nothing.
    if (err.code !== 'SETTINGS_INVALID') return { values: {}, status: 'reset', problems: [problem] };
    return reset(store, [problem]);
  }
  if (raw === undefined) return { values: {}, status: 'ok', problems: [] };
  // Saved by an earlier version, when the operator could still set them: machine policy decides now.
  const dropped: string[] = [];
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    raw = Object.fromEntries(
      Object.entries(raw).filter(([key]) => {
        if (!isMachineOnlyKey(key)) return true;
        dropped.push(`${key}: saved by the operator, now set only by machine policy; ignored`);
        return false;
      }),
    );
  }
  const parsed = userSettingsSchema.safeParse(raw);
  if (!parsed.success) return reset(store, [...dropped, ...describeIssues(parsed.error)]);
  return { values: definedOnly(parsed.data), status: 'ok', problems: dropped };
}

export function createSettingsService({ policy, store, onListenerError }: SettingsServiceDeps): SettingsService {
  let user = loadUser(store);
  let changedSinceStart = false;
  const listeners = createListenerSet<Parameters<SettingsListener>>('settings', onListenerError);

  function isManaged(key: SettingKey): boolean {
    if (policy.status === 'invalid') return true;
    if (isMachineOnlyKey(key)) return true;
    return policy.status === 'ok' && policy.locked.includes(key);
  }

  function effectiveFor(values: UserSettings): Settings {
    if (policy.status === 'invalid') {
      return structuredClone({ ...SAFE_SETTINGS, locale: values.locale ?? SAFE_SETTINGS.locale });
    }
    const operator = Object.fromEntries(Object.entries(values).filter(([key]) => !isManaged(key as SettingKey))) as Partial<Settings>;
    const merged: Settings = {
      ...DEFAULT_SETTINGS,
      ...(policy.status === 'ok' ? definedOnly(policy.values) : {}),
      ...operator,
    };
    // Stored "training on" must not outlive the organisation withdrawing permission for it.
    merged.trainingMode = merged.trainingModeAllowed && merged.trainingMode;
    return structuredClone(merged);
  }

  function view(): SettingsView {
    return {
      values: effectiveFor(user.values),
      managed: Object.fromEntries(SETTING_KEYS.map((key) => [key, isManaged(key)])) as Record<SettingKey, boolean>,
      policy: {
        source: policy.source,
        status: policy.status,
        problems: policy.status === 'invalid' ? [...policy.problems] : [],
        channel: policy.channel,
        keys: policy.status === 'ok' ? (Object.keys(policy.values) as SettingKey[]) : [],
        changedSinceStart,
      },
      user: { status: user.status, problems: [...user.problems] },
    };
  }

  function update(patch: unknown): SettingsView {
    if (policy.status === 'invalid') {
      throw new StationError('POLICY_INVALID', `Settings are read-only because the machine policy ${policy.source} is invalid: ${policy.problems.join('; ')}`, {
        source: policy.source,
        problems: [...policy.problems],
      });
    }
    const parsed = settingsUpdateSchema.safeParse(patch);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error);
      throw new StationError('SETTINGS_INVALID', `Settings not saved: ${problems.join('; ')}`, { problems });
    }
    const changes = definedOnly(parsed.data);
    const machineOnly = Object.keys(changes).filter(isMachineOnlyKey);
    const [firstMachineOnly] = machineOnly;
    if (firstMachineOnly !== undefined) {
      throw new StationError('SETTING_MACHINE_ONLY', `"${firstMachineOnly}" is set only by your organisation's machine policy, never on the station.`, {
        key: firstMachineOnly,
        keys: machineOnly,
      });
    }
    const lockedKeys = (Object.keys(changes) as SettingKey[]).filter(isManaged);
    const [firstLocked] = lockedKeys;
    if (firstLocked !== undefined) {
      throw new StationError('SETTING_LOCKED', `"${firstLocked}" is managed by your organisation and cannot be changed on this station.`, {
        key: firstLocked,
        keys: lockedKeys,
      });
    }
    // Managed keys were refused above, so what is left is exactly the operator's own settings.
    const merged = userSettingsSchema.safeParse({ ...user.values, ...changes });
    if (!merged.success) {
      const problems = describeIssues(merged.error);
      throw new StationError('SETTINGS_INVALID', `Settings not saved: ${problems.join('; ')}`, { problems });
    }
    const next = merged.data;
    if (changes.trainingMode === true && !effectiveFor(next).trainingModeAllowed) {
      throw new StationError('TRAINING_FORBIDDEN', 'Training mode is not allowed on this station.', {
        key: 'trainingMode',
      });
    }
    try {
      store.set(next);
    } catch (err) {
      if (err instanceof StationError) throw err;
      throw new StationError('STORAGE_IO', `Settings not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
    user = { ...user, values: next };
    listeners.emit(view());
    return view();
  }

  return {
    view,
    effective: () => effectiveFor(user.values),
    update,
    policyChanged() {
      changedSinceStart = true;
      listeners.emit(view());
    },
    subscribe: (listener) => listeners.add(listener),
  };
}
