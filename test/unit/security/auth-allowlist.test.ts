import { describe, expect, it } from 'vitest';
import { integratedAuthAllowlist, NO_AUTH_SERVER } from '../../../src/main/electron/auth-allowlist';

describe('integratedAuthAllowlist: the string Chromium gets, never empty', () => {
  it.each([
    // Empty list: exactly the CM host (lower-case, no port, no wildcard).
    ['https://cm.contoso.com/CertificateManagement/api/v1.0/', [], 'cm.contoso.com'],
    ['https://CM.Contoso.COM:8443/CertificateManagement/api/v1.0/', [], 'cm.contoso.com'],
    ['https://[fd00::10]/CertificateManagement/api/v1.0/', [], '[fd00::10]'],
    // A list: exactly it, as Chromium reads it (comma-separated), whatever the CM address.
    ['https://cm.contoso.com/CertificateManagement/api/v1.0/', ['cm.contoso.com'], 'cm.contoso.com'],
    ['https://cm.contoso.com/CertificateManagement/api/v1.0/', ['cm.contoso.com', '*.corp.contoso.com'], 'cm.contoso.com,*.corp.contoso.com'],
    ['', ['*.contoso.com'], '*.contoso.com'],
    // No CM address and no list: a name that never resolves, so no host gets credentials.
    ['', [], NO_AUTH_SERVER],
    ['not a url', [], NO_AUTH_SERVER],
  ] as const)('%j with %j -> %j', (cmBaseUrl, domains, expected) => {
    const allowlist = integratedAuthAllowlist(cmBaseUrl, domains);
    expect(allowlist).toBe(expected);
    expect(allowlist).not.toBe('');
  });

  it('the "no host" name is under .invalid (RFC 6761: never resolves)', () => {
    expect(NO_AUTH_SERVER.endsWith('.invalid')).toBe(true);
  });
});
