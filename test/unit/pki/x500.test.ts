import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeX500NameDer, parseX500 } from '../../../src/main/pki';
import { StationError } from '../../../src/shared/errors';

describe('parseX500', () => {
  it('reads the usual Windows form, most specific first', () => {
    expect(parseX500('CN=Ada Lovelace, OU=Staff, DC=corp, DC=example').map((rdn) => rdn.map((a) => `${a.oid}=${a.value}`))).toEqual([
      ['2.5.4.3=Ada Lovelace'],
      ['2.5.4.11=Staff'],
      ['0.9.2342.19200300.100.1.25=corp'],
      ['0.9.2342.19200300.100.1.25=example'],
    ]);
  });

  it.each([
    ['CN="Lovelace, Ada"', 'Lovelace, Ada'],
    ['CN="say ""hi"""', 'say "hi"'],
    ['CN=Lovelace\\, Ada', 'Lovelace, Ada'],
    ['CN=Zo\\C3\\AB', 'Zoë'],
    ['CN=Zoë  ', 'Zoë'],
    ['CN=Ada\\ ', 'Ada '],
    ['OID.2.5.4.3=Ada', 'Ada'],
    ['2.5.4.3=Ada', 'Ada'],
  ])('reads %s', (subject, value) => {
    expect(parseX500(subject)[0]?.[0]?.value).toBe(value);
  });

  it('reads multi-valued RDNs and semicolons', () => {
    expect(parseX500('CN=Ada+UID=ada; O=Example').map((rdn) => rdn.length)).toEqual([2, 1]);
    expect(parseX500('')).toEqual([]);
  });

  it.each(['CN', 'XX=1', 'CN=', 'CN="open', 'CN=a\\q', 'C=Fra nce!', 'E=zoë@example.org', 'CN=\\C3'])('refuses %j as CM_MALFORMED_RESPONSE', (subject) => {
    expect(() => parseX500(subject)).toThrow(expect.objectContaining({ code: 'CM_MALFORMED_RESPONSE' }));
  });

  it('encodes in X.500 order (the last RDN first) with the right string types', () => {
    const der = encodeX500NameDer('CN=Ada Lovelace, O=Example, C=FR, DC=example');
    const name = AsnConvert.parse(der, Name);
    expect(name.map((rdn) => rdn[0]?.type)).toEqual(['0.9.2342.19200300.100.1.25', '2.5.4.6', '2.5.4.10', '2.5.4.3']);
    expect(name[0]?.[0]?.value.ia5String).toBe('example');
    expect(name[1]?.[0]?.value.printableString).toBe('FR');
    expect(name[3]?.[0]?.value.utf8String).toBe('Ada Lovelace');
  });

  it('any string is a result or CM_MALFORMED_RESPONSE', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (subject) => {
        try {
          encodeX500NameDer(subject);
        } catch (err) {
          expect(err).toBeInstanceOf(StationError);
          expect((err as StationError).code).toBe('CM_MALFORMED_RESPONSE');
        }
      }),
      { numRuns: 500 },
    );
  });
});
