import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createConfSettingsStore,
  createSettingsService,
  type Policy,
  SAFE_SETTINGS,
  type SettingsServiceDeps,
  type SettingsStore,
} from '../../../src/main/config';
import { DEFAULT_SETTINGS, POLICY_ONLY_KEYS, SETTING_KEYS, type UserSettings, settingsViewSchema } from '../../../src/shared/settings';
import { thrown } from './thrown';
import { reportListenerErrorToStderr } from '../../../src/main/common';

const NO_POLICY: Policy = { status: 'none', source: null, channel: null };
const SOURCE = 'HKLM\\SOFTWARE\\Policies\\EnrollmentStation';

function policy(values: Extract<Policy, { status: 'ok' }>['values'], locked: Extract<Policy, { status: 'ok' }>['locked'] = []): Policy {
  return { status: 'ok', source: SOURCE, channel: 'windows-registry', values, locked };
}

/** The service under test; a failing listener is reported on stderr (these tests have no diagnostic log). */
function serviceWith(deps: Omit<SettingsServiceDeps, 'onListenerError'>) {
  return createSettingsService({ onListenerError: reportListenerErrorToStderr, ...deps });
}

/** An in-memory store that records what the service saved. */
function memoryStore(saved: unknown = undefined): SettingsStore & { saves: UserSettings[]; asides: number } {
  let current = saved;
  const store = {
    saves: [] as UserSettings[],
    asides: 0,
    get: () => current,
    set(values: UserSettings) {
      store.saves.push(values);
      current = values;
    },
    setAside() {
      store.asides += 1;
      current = undefined;
      return 'settings.json.invalid-20261123T000000Z';
    },
  };
  return store;
}

describe('settings service: merging', () => {
  it('uses built-in defaults without policy or saved settings', () => {
    const service = serviceWith({ policy: NO_POLICY, store: memoryStore() });
    expect(service.effective()).toEqual(DEFAULT_SETTINGS);
    const view = service.view();
    expect(settingsViewSchema.parse(view)).toEqual(view);
    expect(view.policy).toEqual({ source: null, status: 'none', problems: [], channel: null, keys: [], changedSinceStart: false });
    expect(view.user).toEqual({ status: 'ok', problems: [] });
    // Policy-only keys are the organisation's even when it has deployed no policy.
    expect(
      Object.entries(view.managed)
        .filter(([, managed]) => managed)
        .map(([key]) => key)
        .sort(),
    ).toEqual([...POLICY_ONLY_KEYS].sort());
  });

  it('lets the operator override unlocked policy values, and locked policy values win', () => {
    const service = serviceWith({
      policy: policy({ cmBaseUrl: 'https://cm.contoso.com/api/', locale: 'fr', cmTimeoutMs: 20_000 }, ['cmBaseUrl', 'readerExclude']),
      store: memoryStore({
        cmBaseUrl: 'https://rogue.example/api/',
        locale: 'en',
        readerExclude: [],
        outboxRetentionDays: 7,
      }),
    });
    expect(service.effective()).toEqual({
      ...DEFAULT_SETTINGS,
      cmBaseUrl: 'https://cm.contoso.com/api/', // locked policy value beats the saved one
      readerExclude: DEFAULT_SETTINGS.readerExclude, // locked without a value: the built-in default
      cmTimeoutMs: 20_000, // policy default, not overridden
      locale: 'en', // unlocked: the operator's choice beats the policy default
      outboxRetentionDays: 7,
    });
    const { managed } = service.view();
    expect(managed.cmBaseUrl).toBe(true);
    expect(managed.readerExclude).toBe(true);
    expect(managed.locale).toBe(false);
  });

  it('switches stored training mode off once the organisation forbids training', () => {
    const service = serviceWith({
      policy: policy({ trainingModeAllowed: false }),
      store: memoryStore({ trainingMode: true }),
    });
    expect(service.effective().trainingMode).toBe(false);
  });

  it('hands out copies: changing a returned value changes nothing inside', () => {
    const service = serviceWith({ policy: NO_POLICY, store: memoryStore() });
    service.effective().readerExclude.push('*');
    service.view().values.readerExclude.push('*');
    expect(service.effective().readerExclude).toEqual(['*Windows Hello*']);
    expect(DEFAULT_SETTINGS.readerExclude).toEqual(['*Windows Hello*']);
  });
});

describe('settings service: update', () => {
  it('saves the operator change, notifies subscribers and returns the new view', () => {
    const store = memoryStore({ locale: 'fr' });
    const service = serviceWith({ policy: NO_POLICY, store });
    const listener = vi.fn();
    const unsubscribe = service.subscribe(listener);
    const view = service.update({ readerInclude: ['ACS ACR39U*'], trainingMode: true, cmTimeoutMs: undefined });
    expect(view.values).toMatchObject({ readerInclude: ['ACS ACR39U*'], trainingMode: true, locale: 'fr' });
    expect(store.saves).toEqual([{ locale: 'fr', readerInclude: ['ACS ACR39U*'], trainingMode: true }]);
    expect(listener).toHaveBeenCalledExactlyOnceWith(view);
    unsubscribe();
    service.update({ locale: 'en' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('refuses a locked key with SETTING_LOCKED naming it, and changes nothing', () => {
    const store = memoryStore({ locale: 'fr' });
    const service = serviceWith({ policy: policy({ cmTimeoutMs: 20_000 }, ['cmTimeoutMs']), store });
    const listener = vi.fn();
    service.subscribe(listener);
    const before = service.view();
    const err = thrown(() => service.update({ locale: 'en', cmTimeoutMs: 30_000 }));
    expect(err.code).toBe('SETTING_LOCKED');
    expect(err.details).toEqual({ key: 'cmTimeoutMs', keys: ['cmTimeoutMs'] });
    expect(err.message).toContain('"cmTimeoutMs" is managed by your organisation');
    expect(store.saves).toEqual([]);
    expect(listener).not.toHaveBeenCalled();
    expect(service.view()).toEqual(before);
  });

  it('refuses machine-only keys with SETTING_MACHINE_ONLY, with or without a policy, and saves nothing', () => {
    for (const p of [NO_POLICY, policy({ locale: 'fr' })]) {
      const store = memoryStore();
      const service = serviceWith({ policy: p, store });
      for (const patch of [
        { cmBaseUrl: 'https://evil.example/' },
        { allowedAuthDomains: ['*.evil.example'] },
        { auditExportFolder: '\\\\evil.example\\share' },
        { trainingModeAllowed: true },
        { updateFeedUrl: 'https://updates.example/' },
        { requestTypeNumbers: { '2': 'Recover' } },
        { retireReplacedCard: 'after-bind' },
      ]) {
        const err = thrown(() => service.update({ locale: 'en', ...patch }));
        expect(err.code).toBe('SETTING_MACHINE_ONLY');
        expect(err.details).toEqual({ key: Object.keys(patch)[0], keys: Object.keys(patch) });
      }
      expect(store.saves).toEqual([]);
    }
  });

  it('says when the OS reported a policy change (applied at the next start), and tells listeners', () => {
    const service = serviceWith({
      policy: policy({ cmTimeoutMs: 20_000 }, ['cmTimeoutMs']),
      store: memoryStore(),
    });
    const listener = vi.fn();
    service.subscribe(listener);
    const before = service.effective();
    service.policyChanged();
    expect(listener).toHaveBeenCalledExactlyOnceWith(expect.objectContaining({ policy: expect.objectContaining({ changedSinceStart: true }) }));
    expect(service.view().policy.changedSinceStart).toBe(true);
    expect(service.effective()).toEqual(before);
  });

  it('ignores (and reports) machine-only keys an older version saved for the operator', () => {
    const service = serviceWith({
      policy: NO_POLICY,
      store: memoryStore({ locale: 'fr', cmBaseUrl: 'https://old.example/' }),
    });
    expect(service.effective()).toMatchObject({ locale: 'fr', cmBaseUrl: '' });
    expect(service.view().user.problems).toEqual(['cmBaseUrl: saved by the operator, now set only by machine policy; ignored']);
  });

  it('refuses training mode where the organisation forbids it', () => {
    const store = memoryStore();
    const service = serviceWith({ policy: policy({ trainingModeAllowed: false }), store });
    const err = thrown(() => service.update({ trainingMode: true }));
    expect(err.code).toBe('TRAINING_FORBIDDEN');
    expect(store.saves).toEqual([]);
    // Switching it off is always fine.
    expect(service.update({ trainingMode: false }).values.trainingMode).toBe(false);
  });

  it('refuses an invalid payload with every problem and changes nothing', () => {
    const store = memoryStore();
    const service = serviceWith({ policy: NO_POLICY, store });
    for (const payload of [null, 'x', [], { cmTimeoutMs: -1, colour: 'red' }, { cmBaseUrl: 'https://u:p@cm.example/' }]) {
      expect(thrown(() => service.update(payload)).code).toBe('SETTINGS_INVALID');
    }
    const err = thrown(() => service.update({ cmTimeoutMs: -1, colour: 'red' }));
    expect(err.details.problems).toEqual(['cmTimeoutMs: Too small: expected number to be >=1000', 'colour: unknown key']);
    expect(store.saves).toEqual([]);
  });

  it('wraps a store failure that is not a StationError as STORAGE_IO', () => {
    const store: SettingsStore = {
      get: () => undefined,
      set: () => {
        throw new Error('disk full');
      },
      setAside: () => 'unused',
    };
    const service = serviceWith({ policy: NO_POLICY, store });
    const err = thrown(() => service.update({ locale: 'fr' }));
    expect(err.code).toBe('STORAGE_IO');
    expect(service.effective().locale).toBe('en');
  });
});

describe('settings service: invalid policy (safe state)', () => {
  const invalid: Policy = { status: 'invalid', source: SOURCE, channel: 'windows-registry', problems: ['cmTimeoutMs: Invalid input'] };

  it('runs on safe settings, every key managed, and shows the problems', () => {
    const service = serviceWith({
      policy: invalid,
      store: memoryStore({ locale: 'fr', cmBaseUrl: 'https://cm.contoso.com/', trainingMode: true }),
    });
    expect(service.effective()).toEqual({ ...SAFE_SETTINGS, locale: 'fr' });
    expect(service.effective()).toMatchObject({
      cmBaseUrl: '',
      allowedAuthDomains: [],
      trainingModeAllowed: false,
      trainingMode: false,
      auditExportFolder: '',
      updateFeedUrl: '',
    });
    const view = service.view();
    expect(SETTING_KEYS.every((key) => view.managed[key])).toBe(true);
    expect(view.policy).toEqual({
      source: SOURCE,
      status: 'invalid',
      problems: ['cmTimeoutMs: Invalid input'],
      channel: 'windows-registry',
      keys: [],
      changedSinceStart: false,
    });
  });

  it('makes every setting read-only with POLICY_INVALID carrying the problems', () => {
    const store = memoryStore();
    const service = serviceWith({ policy: invalid, store });
    const err = thrown(() => service.update({ locale: 'fr' }));
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.details).toEqual({ source: SOURCE, problems: ['cmTimeoutMs: Invalid input'] });
    expect(store.saves).toEqual([]);
  });
});

describe('settings service: unusable saved settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const at = new Date('2026-11-23T10:45:12.345Z');

  it('keeps a file that is not JSON aside, reports it, and uses defaults', () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, '{"locale": "fr"');
    const service = serviceWith({
      policy: NO_POLICY,
      store: createConfSettingsStore({ dataDir: dirname(file), now: () => at }),
    });
    expect(service.effective()).toEqual(DEFAULT_SETTINGS);
    const { user } = service.view();
    expect(user.status).toBe('reset');
    expect(user.problems[0]).toMatch(/^The settings file .*settings\.json is not valid JSON\. /);
    expect(user.problems[1]).toBe(`the file was kept aside as ${file}.invalid-20261123T104512Z; defaults apply`);
    expect(readFileSync(`${file}.invalid-20261123T104512Z`, 'utf8')).toBe('{"locale": "fr"');
    expect(existsSync(file)).toBe(false);
    service.update({ locale: 'fr' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ values: { locale: 'fr' } });
  });

  it('keeps a file with wrong values aside, naming them', () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ values: { locale: 'de', colour: 'blue' } }));
    const service = serviceWith({
      policy: NO_POLICY,
      store: createConfSettingsStore({ dataDir: dirname(file), now: () => at }),
    });
    expect(service.view().user).toEqual({
      status: 'reset',
      problems: [
        'locale: Invalid option: expected one of "en"|"fr"',
        'colour: unknown key',
        `the file was kept aside as ${file}.invalid-20261123T104512Z; defaults apply`,
      ],
    });
    expect(readdirSync(dir)).toEqual(['settings.json.invalid-20261123T104512Z']);
    expect(service.effective()).toEqual(DEFAULT_SETTINGS);
  });
});
