import type { UserSettings } from '../../shared/settings';
import type { SettingsStore } from './user-settings';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The operator's settings while the station is in training: they start from the real ones, but
 * whatever is changed in training stays in training's own store, so nothing tried out there (a
 * reader filter, a language) carries into real mode. The one exception is `trainingMode` itself,
 * which is how the operator leaves training: it is written to the real store.
 */
export function trainingSettingsStore(real: SettingsStore, training: SettingsStore): SettingsStore {
  const realValues = (): Record<string, unknown> => {
    try {
      const values = real.get();
      return isRecord(values) ? values : {};
    } catch {
      // The real store's problems are reported by the real station; training starts from defaults.
      return {};
    }
  };
  return {
    get() {
      const own = training.get();
      const base = realValues();
      if (own !== undefined && !isRecord(own)) return own; // let the service report and reset it
      const merged: Record<string, unknown> = { ...base, ...(own ?? {}) };
      if ('trainingMode' in base) merged['trainingMode'] = base['trainingMode'];
      else delete merged['trainingMode'];
      return own === undefined && Object.keys(base).length === 0 ? undefined : merged;
    },
    set(values: UserSettings) {
      const { trainingMode, ...rest } = values;
      training.set(rest);
      const base = realValues();
      if (trainingMode !== undefined && base['trainingMode'] !== trainingMode) real.set({ ...base, trainingMode } as UserSettings);
    },
    setAside: () => training.setAside(),
  };
}
