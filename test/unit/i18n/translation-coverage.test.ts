import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSettingsService, NO_POLICY, type PolicyFs, readDevelopmentPolicy, readLinuxPolicy } from '../../../src/main/config';
import { parseJsonPolicy, type Policy } from '../../../src/main/config/policy';
import { createConnectivity } from '../../../src/main/connectivity';
import { en } from '../../../src/renderer/i18n/en';
import { fr } from '../../../src/renderer/i18n/fr';
import { connectionReasonText, errorText, problemKey, problemText } from '../../../src/renderer/wording';
import { DIRECTORY_FAILURES } from '../../../src/shared/directory';
import { ERROR_CODES } from '../../../src/shared/errors';
import { DEFAULT_SETTINGS, SETTING_KEYS, type SettingKey } from '../../../src/shared/settings';
import { reportListenerErrorToStderr } from '../../../src/main/common';
import { testTempDir } from '../../support/temp-dir';

/**
 * Everything the main process reports in words must be worded by the renderer in both locales:
 * every error code (read from src/shared/errors.ts, so a code added anywhere fails here until it is
 * translated), every connection and directory reason, and every problem the settings schema, the
 * policy reader and zod can produce for any setting.
 */

const translators: Record<'en' | 'fr', TFunction> = {} as never;

beforeAll(async () => {
  for (const lng of ['en', 'fr'] as const) {
    const instance = i18next.createInstance();
    await instance.init({ lng, resources: { [lng]: { translation: lng === 'en' ? en : fr } }, interpolation: { escapeValue: false } });
    translators[lng] = instance.t;
  }
});

const messages = { en: en.errors.message as Record<string, string>, fr: fr.errors.message as Record<string, string> };

describe('translation coverage', () => {
  it.each(ERROR_CODES.map((code) => [code]))('error code %s is worded in English and French', (code) => {
    expect(messages.en[code], `en.errors.message.${code}`).toMatch(/\S/);
    expect(messages.fr[code], `fr.errors.message.${code}`).toMatch(/\S/);
    expect(messages.fr[code], `fr.errors.message.${code} is a copy of the English`).not.toBe(messages.en[code]);
    expect(errorText(translators.fr, code)).toBe(messages.fr[code]);
  });

  it('no message is worded for a code that does not exist (a renamed code leaves nothing behind)', () => {
    expect(Object.keys(messages.en).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(messages.fr).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every reason the connectivity monitor reports is worded', async () => {
    const reasons = new Set<string>();
    for (const failure of [
      Object.assign(new Error('t'), { name: 'TimeoutError' }),
      Object.assign(new Error('a'), { name: 'AbortError' }),
      new Error('ECONNREFUSED'),
    ]) {
      const connectivity = createConnectivity({
        onListenerError: reportListenerErrorToStderr,
        baseUrl: 'https://cm.example/',
        transport: () => Promise.reject(failure),
        now: () => new Date(),
        probeIntervalMs: 60_000,
        probe: () => Promise.resolve(),
      });
      await connectivity.transport('https://cm.example/x', {} as never).catch(() => undefined);
      const state = connectivity.state();
      if (state.mode === 'offline') reasons.add(state.reason);
      connectivity.close();
    }
    // A 503 page from IIS: CM unavailable (issue #17, part 4).
    const gateway = createConnectivity({
      onListenerError: reportListenerErrorToStderr,
      baseUrl: 'https://cm.example/',
      transport: () => Promise.resolve({ status: 503, headers: { get: () => null }, text: () => Promise.resolve('') }),
      now: () => new Date(),
      probeIntervalMs: 60_000,
      probe: () => Promise.resolve(),
    });
    await gateway.transport('https://cm.example/x', {} as never);
    const gatewayState = gateway.state();
    expect(gatewayState).toMatchObject({ mode: 'offline', reason: 'unavailable' });
    if (gatewayState.mode === 'offline') reasons.add(gatewayState.reason);
    gateway.close();
    expect(reasons.size).toBeGreaterThan(2);
    for (const reason of reasons) {
      for (const lng of ['en', 'fr'] as const) {
        expect(connectionReasonText(translators[lng], reason), `${lng}: ${reason}`).not.toBe(translators[lng]('reasons.connection.unknown'));
      }
    }
  });

  it('every directory failure reason is worded', () => {
    for (const reason of DIRECTORY_FAILURES) {
      expect(en.people.failure[reason]).toMatch(/\S/);
      expect(fr.people.failure[reason]).toMatch(/\S/);
      expect(fr.people.failure[reason]).not.toBe(en.people.failure[reason]);
    }
  });

  it('every problem the settings schema and the policy reader produce is worded, for every setting', () => {
    const wrongValues: unknown[] = [
      {},
      'not-valid ',
      -1,
      1.5,
      10 ** 9,
      true,
      [''],
      ['x'.repeat(300)],
      ['*'],
      ['/(unclosed/'],
      ['A\u0007B'],
      'http://x',
      'https://u:p@x/',
      'https://x/?q',
      'relative\\path',
      'ldap:x',
      '1bad',
      'x'.repeat(600),
    ];
    const lines = new Set<string>();
    for (const key of SETTING_KEYS) {
      for (const value of wrongValues) {
        const policy = parseJsonPolicy(Buffer.from(JSON.stringify({ [key]: value })), 'policy.json', 'development');
        if (policy.status === 'invalid') policy.problems.forEach((p) => lines.add(p));
        // The same problems through the operator's path (settings.update), for the keys they own.
        const service = createSettingsService({
          onListenerError: reportListenerErrorToStderr,
          policy: NO_POLICY,
          store: { get: () => undefined, set: () => undefined, setAside: () => '' } as never,
        });
        try {
          service.update({ [key]: value } as never);
        } catch (err) {
          const problems = (err as { details?: { problems?: unknown } }).details?.problems;
          if (Array.isArray(problems)) problems.forEach((p) => lines.add(String(p)));
        }
      }
    }
    const collect = (policy: Policy) => {
      if (policy.status === 'invalid') policy.problems.forEach((p) => lines.add(p));
    };
    for (const doc of [
      { nope: 1 },
      [1],
      { Recommended: 5 },
      { Recommended: { cmBaseUrl: 'https://cm.contoso.com/' } },
      { trainingModeAllowed: false, trainingMode: true },
    ]) {
      collect(parseJsonPolicy(Buffer.from(JSON.stringify(doc)), 'policy.json', 'development'));
    }
    for (const bytes of [Buffer.from([0xff, 0xfe, 0x7b, 0]), Buffer.from([0xc3, 0x28]), Buffer.from('{x')]) {
      collect(parseJsonPolicy(bytes, 'policy.json', 'linux-etc'));
    }
    collect(readDevelopmentPolicy(testTempDir('policy-')));
    // /etc refusals: wrong owner, writable by others, a symbolic link, not a regular file.
    const stat = (over: Partial<{ uid: number; mode: number; file: boolean; dir: boolean; link: boolean }>) => ({
      uid: over.uid ?? 0,
      mode: over.mode ?? 0o644,
      isFile: () => over.file ?? true,
      isDirectory: () => over.dir ?? false,
      isSymbolicLink: () => over.link ?? false,
    });
    for (const [file, folder] of [
      [stat({ uid: 1000 }), stat({ dir: true, file: false, uid: 1000, mode: 0o777 })],
      [stat({ link: true }), stat({ dir: true, file: false })],
      [stat({ file: false }), stat({ dir: true, file: false })],
    ] as const) {
      const fs: PolicyFs = {
        lstatSync: (path) => (path.endsWith('.json') ? file : folder),
        readFileSync: () => Buffer.from('{}'),
      };
      collect(readLinuxPolicy({ fs }));
    }

    expect(lines.size).toBeGreaterThan(20);
    // All at once, so one run lists every problem that still needs a wording.
    expect(
      [...lines].filter((line) => problemKey(line) === null),
      'problems with no wording',
    ).toEqual([]);
    const keysSeen = new Set<SettingKey>();
    for (const line of lines) {
      const french = problemText(translators.fr, line);
      expect(french, line).not.toMatch(/\{\{|problems\./);
      expect(french.replace(/^[\w.[\]]+: /, ''), `${line} stays English in French`).not.toBe(line.replace(/^[\w.[\]]+: /, ''));
      for (const key of SETTING_KEYS) if (line.includes(key)) keysSeen.add(key);
    }
    // Every setting was exercised, so a new setting with a new kind of problem is caught here too.
    expect([...keysSeen].sort()).toEqual(SETTING_KEYS.filter((k) => typeof DEFAULT_SETTINGS[k] !== 'undefined').sort());
  });
});

describe('training samples', () => {
  it('every sample card the training station offers is named in both languages', async () => {
    const { SAMPLE_CARDS } = await import('../../../src/main/training/sample-cards');
    for (const card of SAMPLE_CARDS) {
      expect((en.trainingSamples as Record<string, string>)[card.id], card.id).toBe(card.label);
      expect((fr.trainingSamples as Record<string, string>)[card.id], card.id).toMatch(/\S/);
    }
  });
});

describe('the audit screen', () => {
  it('words every audit action and result in both languages', async () => {
    const { AUDIT_ACTIONS, AUDIT_RESULTS } = await import('../../../src/shared/audit');
    for (const action of AUDIT_ACTIONS) {
      expect((en.auditWords.actions as Record<string, string>)[action], action).toMatch(/\S/);
      expect((fr.auditWords.actions as Record<string, string>)[action], action).toMatch(/\S/);
    }
    for (const result of AUDIT_RESULTS) {
      expect((en.auditWords.results as Record<string, string>)[result], result).toMatch(/\S/);
      expect((fr.auditWords.results as Record<string, string>)[result], result).toMatch(/\S/);
    }
  });
});

describe("CM's vocabulary", () => {
  it('words every request status and type and smart card status in both languages', async () => {
    const { REQUEST_STATUSES, REQUEST_TYPES, SMARTCARD_STATUSES } = await import('../../../src/shared/cm');
    const groups = { requestStatus: REQUEST_STATUSES, requestType: REQUEST_TYPES, smartcardStatus: SMARTCARD_STATUSES } as const;
    for (const [group, values] of Object.entries(groups) as [keyof typeof groups, readonly string[]][]) {
      for (const value of values) {
        expect((en.cmWords[group] as Record<string, string>)[value], `${group}.${value}`).toMatch(/\S/);
        expect((fr.cmWords[group] as Record<string, string>)[value], `${group}.${value}`).toMatch(/\S/);
      }
    }
    const { cmWord } = await import('../../../src/renderer/wording');
    expect(cmWord(translators.fr, 'requestStatus', 'Approved')).toBe('Approuvée');
    expect(cmWord(translators.fr, 'requestType', 'Unknown(42)')).toBe('Inconnu (42)');
  });
});
