import { describe, expect, it } from 'vitest';
import { parseJsonPolicy, policyFromDocument } from '../../../src/main/config';

const SOURCE = '/etc/enrollment-station/policy.json';
const utf8 = (text: string) => new TextEncoder().encode(text);
const parse = (json: unknown) => parseJsonPolicy(utf8(JSON.stringify(json)), SOURCE, 'linux-etc');

describe('a policy document (the same for every channel)', () => {
  it('top-level keys are mandatory, Recommended ones are defaults; URLs are normalised', () => {
    expect(
      parse({ cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0', allowedAuthDomains: ['*.Contoso.com'], Recommended: { locale: 'fr' } }),
    ).toEqual({
      status: 'ok',
      source: SOURCE,
      channel: 'linux-etc',
      values: { locale: 'fr', cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/', allowedAuthDomains: ['*.contoso.com'] },
      locked: ['cmBaseUrl', 'allowedAuthDomains'],
    });
  });

  it('reads the CM keys of issue #9 and names what is wrong with them', () => {
    expect(parse({ requestTypeNumbers: { '2': 'Recover', '3': 'Renew' }, retireReplacedCard: 'after-bind' })).toMatchObject({
      status: 'ok',
      values: { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' }, retireReplacedCard: 'after-bind' },
    });
    const policy = parse({ requestTypeNumbers: { two: 'Renew', '6': 'Replace' }, retireReplacedCard: 'sometimes' });
    expect(policy.status).toBe('invalid');
    if (policy.status !== 'invalid') return;
    expect(policy.problems).toEqual([
      expect.stringMatching(/^requestTypeNumbers\.6: .*"Recover"/),
      expect.stringMatching(/^requestTypeNumbers\.two: /),
      expect.stringMatching(/^retireReplacedCard: .*"when-new-card-active"/),
    ]);
    // 5 is documented as Unblock (MIMDocs/reference/get-request.md example 2): it cannot be remapped.
    expect(parse({ requestTypeNumbers: { '5': 'Recover' } })).toMatchObject({
      status: 'invalid',
      problems: ['requestTypeNumbers.5: 5 is documented by Microsoft as Unblock'],
    });
  });

  it('a mandatory value wins over a recommended one for the same key', () => {
    expect(parse({ locale: 'en', Recommended: { locale: 'fr' } })).toMatchObject({ values: { locale: 'en' }, locked: ['locale'] });
  });

  it('accepts an empty policy and a UTF-8 byte order mark', () => {
    expect(parse({})).toMatchObject({ status: 'ok', values: {}, locked: [] });
    expect(parseJsonPolicy(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"locale":"fr"}')]), SOURCE, 'linux-etc')).toMatchObject({
      status: 'ok',
      locked: ['locale'],
    });
  });

  it('says what is wrong with the bytes: UTF-16, not UTF-8, not JSON, not an object', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('{}', 'utf16le')]);
    expect(parseJsonPolicy(utf16, SOURCE, 'linux-etc')).toMatchObject({ status: 'invalid', problems: ['the file is UTF-16 encoded; save it as UTF-8'] });
    expect(parseJsonPolicy(new Uint8Array([0x7b, 0xff, 0x7d]), SOURCE, 'linux-etc')).toMatchObject({ problems: ['the file is not valid UTF-8 text'] });
    expect(parseJsonPolicy(utf8('{"locale": "fr",}'), SOURCE, 'linux-etc')).toMatchObject({ problems: [expect.stringMatching(/^not valid JSON: /)] });
    expect(parseJsonPolicy(new Uint8Array(), SOURCE, 'linux-etc')).toMatchObject({ problems: [expect.stringMatching(/^not valid JSON: /)] });
    expect(parse(['cmBaseUrl'])).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/must be a set of named values/)] });
  });

  it('refuses a machine-only recommendation, a Recommended that is not a set, and training forced on while forbidden', () => {
    expect(parse({ Recommended: { allowedAuthDomains: ['x.example'] } })).toMatchObject({
      status: 'invalid',
      problems: ['Recommended.allowedAuthDomains: a machine-only setting cannot be a recommendation; set it at the top level'],
    });
    expect(parse({ Recommended: 'fr' })).toMatchObject({ status: 'invalid', problems: ['Recommended: must be a set of named values'] });
    expect(parse({ trainingModeAllowed: false, trainingMode: true })).toMatchObject({
      status: 'invalid',
      problems: ['trainingMode: cannot be true while trainingModeAllowed is false'],
    });
  });

  it('names every problem at once, including unknown keys and a bare * for Windows sign-in', () => {
    const policy = policyFromDocument({ cmTimeoutMs: 5, allowedAuthDomains: ['*'], colour: 'blue', Recommended: { size: 1 } }, SOURCE, 'development');
    expect(policy.status === 'invalid' && policy.problems).toEqual([
      'cmTimeoutMs: Too small: expected number to be >=1000',
      expect.stringMatching(/^allowedAuthDomains\[0\]: must be a host name/),
      'colour: unknown key',
      'Recommended.size: unknown key',
    ]);
  });
});
