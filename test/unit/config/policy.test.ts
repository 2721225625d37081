import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy, policyFilePath, readPolicy } from '../../../src/main/config';

const SOURCE = '/etc/enrollment-station/policy.json';
const utf8 = (text: string) => new TextEncoder().encode(text);
const parse = (json: unknown) => parsePolicy(utf8(JSON.stringify(json)), SOURCE);

describe('parsePolicy', () => {
  it('reads values and locked keys', () => {
    expect(
      parse({
        values: {
          cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0',
          allowedAuthDomains: ['*.Contoso.com'],
          trainingModeAllowed: false,
        },
        locked: ['cmBaseUrl', 'trainingModeAllowed', 'cmBaseUrl'],
      }),
    ).toEqual({
      status: 'ok',
      source: SOURCE,
      values: {
        // Normalised so relative CM routes resolve under the API path, not beside it.
        cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
        allowedAuthDomains: ['*.contoso.com'],
        trainingModeAllowed: false,
      },
      locked: ['cmBaseUrl', 'trainingModeAllowed'],
    });
  });

  it('accepts an empty policy and a UTF-8 byte order mark (Notepad, Out-File -Encoding utf8)', () => {
    expect(parse({})).toEqual({ status: 'ok', source: SOURCE, values: {}, locked: [] });
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"locked":["locale"]}')]);
    expect(parsePolicy(withBom, SOURCE)).toMatchObject({ status: 'ok', locked: ['locale'] });
  });

  it('reports malformed JSON with the parser position', () => {
    const policy = parsePolicy(utf8('{"values": {"locale": "fr",}}'), SOURCE);
    expect(policy.status).toBe('invalid');
    if (policy.status !== 'invalid') return;
    expect(policy.source).toBe(SOURCE);
    expect(policy.problems).toHaveLength(1);
    expect(policy.problems[0]).toMatch(/^not valid JSON: .*position \d+/);
  });

  it('reports an empty file as malformed JSON', () => {
    expect(parsePolicy(new Uint8Array(), SOURCE)).toMatchObject({
      status: 'invalid',
      problems: [expect.stringMatching(/^not valid JSON: /)],
    });
  });

  it('says a UTF-16 file (PowerShell 5 redirection) must be saved as UTF-8', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('{}', 'utf16le')]);
    expect(parsePolicy(utf16, SOURCE)).toEqual({
      status: 'invalid',
      source: SOURCE,
      problems: ['the file is UTF-16 encoded; save it as UTF-8'],
    });
  });

  it('names every unknown key, at the top level and among the values', () => {
    const policy = parse({ value: {}, values: { cmBaseURL: 'https://x.example/', locale: 'en', proxy: 'x' } });
    expect(policy).toEqual({
      status: 'invalid',
      source: SOURCE,
      problems: expect.arrayContaining(['value: unknown key', 'values.cmBaseURL: unknown key', 'values.proxy: unknown key']),
    });
    if (policy.status === 'invalid') expect(policy.problems).toHaveLength(3);
  });

  it('names each wrong type or value with its exact path', () => {
    const policy = parse({
      values: {
        cmTimeoutMs: '15000',
        readerExclude: ['*Hello*', 7],
        cmBaseUrl: 'http://cm.contoso.com/api/',
        locale: 'de',
        allowedAuthDomains: ['*'],
      },
    });
    expect(policy.status).toBe('invalid');
    if (policy.status !== 'invalid') return;
    expect(policy.problems).toHaveLength(5);
    expect(policy.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^values\.cmTimeoutMs: .*expected number, received string/),
        expect.stringMatching(/^values\.readerExclude\[1\]: .*expected string, received number/),
        'values.cmBaseUrl: must use https:// (got "http://cm.contoso.com/api/")',
        expect.stringMatching(/^values\.locale: .*"en"\|"fr"/),
        'values.allowedAuthDomains[0]: must be a host name such as "cm.contoso.com" or "*.contoso.com"',
      ]),
    );
  });

  it('reads the CM keys of issue #9 and names what is wrong with them', () => {
    expect(parse({ values: { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' }, retireReplacedCard: 'after-bind' } })).toMatchObject({
      status: 'ok',
      values: { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' }, retireReplacedCard: 'after-bind' },
    });
    const policy = parse({ values: { requestTypeNumbers: { two: 'Renew', '6': 'Replace' }, retireReplacedCard: 'sometimes' } });
    expect(policy.status).toBe('invalid');
    if (policy.status !== 'invalid') return;
    expect(policy.problems).toEqual([
      expect.stringMatching(/^values\.requestTypeNumbers\.6: .*"Recover"/),
      expect.stringMatching(/^values\.requestTypeNumbers\.two: /),
      expect.stringMatching(/^values\.retireReplacedCard: .*"when-new-card-active"/),
    ]);
    // 5 is documented as Unblock (MIMDocs/reference/get-request.md example 2): it cannot be remapped.
    expect(parse({ values: { requestTypeNumbers: { '5': 'Recover' } } })).toMatchObject({
      status: 'invalid',
      problems: ['values.requestTypeNumbers.5: 5 is documented by Microsoft as Unblock'],
    });
  });

  it('requires locked to name known settings', () => {
    expect(parse({ locked: ['cmBaseUrl', 'cmBaseURL', 42] })).toMatchObject({
      status: 'invalid',
      problems: [
        expect.stringMatching(/^locked\[1\]: "cmBaseURL" is not a setting \(known: cmBaseUrl, cmTimeoutMs, /),
        expect.stringMatching(/^locked\[2\]: 42 is not a setting/),
      ],
    });
  });

  it('refuses a policy that forbids training yet switches it on', () => {
    expect(parse({ values: { trainingModeAllowed: false, trainingMode: true } })).toMatchObject({
      status: 'invalid',
      problems: ['values.trainingMode: cannot be true while trainingModeAllowed is false'],
    });
  });

  it('reports a top-level value that is not an object', () => {
    expect(parse(['cmBaseUrl'])).toMatchObject({
      status: 'invalid',
      problems: [expect.stringMatching(/expected object, received array/)],
    });
  });
});

describe('readPolicy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('treats a missing file as no policy', () => {
    expect(readPolicy(join(dir, 'policy.json'))).toEqual({ status: 'none', source: null });
  });

  it('reads the file from disk', () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ values: { locale: 'fr' }, locked: ['locale'] }));
    expect(readPolicy(file)).toEqual({ status: 'ok', source: file, values: { locale: 'fr' }, locked: ['locale'] });
  });

  it('reports a folder where the file should be', () => {
    const file = join(dir, 'policy.json');
    mkdirSync(file);
    expect(readPolicy(file)).toEqual({ status: 'invalid', source: file, problems: ['the path is a folder, not a file'] });
  });

  it('reports a file it may not read instead of running without the policy', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const reader = {
      readFileSync: (): Uint8Array => {
        throw denied;
      },
    };
    expect(readPolicy(SOURCE, reader)).toEqual({
      status: 'invalid',
      source: SOURCE,
      problems: ["the file cannot be read (EACCES): give the station's users read access"],
    });
  });
});

describe('policyFilePath', () => {
  it('uses %ProgramData% on Windows, whatever the case of the variable name', () => {
    expect(policyFilePath({ platform: 'win32', env: { PROGRAMDATA: 'D:\\ProgramData' } })).toBe(
      'D:\\ProgramData\\Enrollment Station\\policy.json',
    );
    expect(policyFilePath({ platform: 'win32', env: {} })).toBe('C:\\ProgramData\\Enrollment Station\\policy.json');
  });

  it('uses /etc on Linux and /Library/Application Support on macOS', () => {
    expect(policyFilePath({ platform: 'linux', env: {} })).toBe('/etc/enrollment-station/policy.json');
    expect(policyFilePath({ platform: 'darwin', env: { ProgramData: 'ignored' } })).toBe(
      '/Library/Application Support/Enrollment Station/policy.json',
    );
  });
});
