// CM's `Subject` (certificaterequestgenerationoptions) is a Windows X.500 string, e.g.
// `CN=Ada Lovelace, OU=Staff, DC=corp, DC=example`. Parsed here without eval-like shortcuts: RDNs
// split on unquoted, unescaped `,` or `;`, multi-valued RDNs on `+`, values either quoted ("" is a
// quote inside) or with backslash escapes (\, \+ \" \\ \XX ...), as CertStrToName and RFC 4514 read them.
//
// Order [INF]: Windows and .NET write names most specific first and encode them reversed (the pages'
// certificatedata sample has a leaf whose DER subject starts with DC=com and ends with CN=..., shown
// by Windows as "CN=..., ..., DC=com"). So the last RDN of the string is the first one encoded.
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { StationError } from '../../shared/errors';

const TYPES: Readonly<Record<string, { oid: string; kind: 'utf8' | 'printable' | 'ia5' }>> = {
  CN: { oid: '2.5.4.3', kind: 'utf8' },
  SN: { oid: '2.5.4.4', kind: 'utf8' },
  SERIALNUMBER: { oid: '2.5.4.5', kind: 'printable' },
  C: { oid: '2.5.4.6', kind: 'printable' },
  L: { oid: '2.5.4.7', kind: 'utf8' },
  S: { oid: '2.5.4.8', kind: 'utf8' },
  ST: { oid: '2.5.4.8', kind: 'utf8' },
  STREET: { oid: '2.5.4.9', kind: 'utf8' },
  O: { oid: '2.5.4.10', kind: 'utf8' },
  OU: { oid: '2.5.4.11', kind: 'utf8' },
  T: { oid: '2.5.4.12', kind: 'utf8' },
  TITLE: { oid: '2.5.4.12', kind: 'utf8' },
  G: { oid: '2.5.4.42', kind: 'utf8' },
  GN: { oid: '2.5.4.42', kind: 'utf8' },
  GIVENNAME: { oid: '2.5.4.42', kind: 'utf8' },
  I: { oid: '2.5.4.43', kind: 'utf8' },
  DC: { oid: '0.9.2342.19200300.100.1.25', kind: 'ia5' },
  E: { oid: '1.2.840.113549.1.9.1', kind: 'ia5' },
  EMAIL: { oid: '1.2.840.113549.1.9.1', kind: 'ia5' },
  UID: { oid: '0.9.2342.19200300.100.1.1', kind: 'utf8' },
};

const MAX_SUBJECT = 4096;

export interface X500Attribute {
  readonly oid: string;
  readonly kind: 'utf8' | 'printable' | 'ia5';
  readonly value: string;
}

function bad(subject: string, reason: string): StationError {
  return new StationError('CM_MALFORMED_RESPONSE', `CM's certificate subject cannot be read: ${reason}.`, { subject: subject.slice(0, 200), reason });
}

function skipSpaces(subject: string, from: number): number {
  let i = from;
  while (subject[i] === ' ') i++;
  return i;
}

/** A known type name, `OID.n.n...` or a bare dotted OID (unknown ones as UTF8String). */
function attributeType(subject: string, typeText: string): Omit<X500Attribute, 'value'> {
  const type = typeText.toUpperCase();
  const oidText = type.startsWith('OID.') ? typeText.slice(4) : typeText;
  const attribute = TYPES[type] ?? (/^[0-2](\.(0|[1-9]\d*))+$/.test(oidText) ? { oid: oidText, kind: 'utf8' as const } : null);
  if (!attribute) throw bad(subject, `unknown attribute type "${typeText.slice(0, 40)}"`);
  return attribute;
}

/** A quoted value from just after its opening quote ("" is a quote inside); `end` is past the spaces after the closing one. */
function readQuoted(subject: string, from: number): { value: string; end: number } {
  let value = '';
  let i = from;
  for (;;) {
    if (i >= subject.length) throw bad(subject, 'unterminated quote');
    if (subject[i] !== '"') {
      value += subject[i];
      i++;
    } else if (subject[i + 1] === '"') {
      value += '"';
      i += 2;
    } else {
      return { value, end: skipSpaces(subject, i + 1) };
    }
  }
}

/** An unquoted value up to the next unescaped `,` `;` or `+`; `end` is that separator's index (or the end). */
function readPlain(subject: string, from: number): { value: string; end: number } {
  // Bytes, so that \XX escapes (UTF-8 octets) and literal characters combine into one UTF-8 string.
  const bytes: Buffer[] = [];
  let spaces = 0;
  const push = (chunk: Buffer) => {
    if (spaces > 0) bytes.push(Buffer.alloc(spaces, 0x20));
    spaces = 0;
    bytes.push(chunk);
  };
  let i = from;
  while (i < subject.length && !',;+'.includes(subject[i] ?? '')) {
    const char = subject[i] ?? '';
    const next = subject[i + 1] ?? '';
    if (char === '\\' && /^[0-9a-fA-F]{2}$/.test(subject.slice(i + 1, i + 3))) {
      push(Buffer.from([Number.parseInt(subject.slice(i + 1, i + 3), 16)]));
      i += 3;
    } else if (char === '\\') {
      if (next === '' || !',+"\\<>;=# '.includes(next)) throw bad(subject, 'a backslash escapes nothing');
      push(Buffer.from(next, 'utf8'));
      i += 2;
    } else if (char === ' ') {
      // Unescaped trailing spaces are not part of the value.
      spaces++;
      i++;
    } else {
      const whole = String.fromCodePoint(subject.codePointAt(i) ?? 0);
      push(Buffer.from(whole, 'utf8'));
      i += whole.length;
    }
  }
  try {
    return { value: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(bytes)), end: i };
  } catch {
    throw bad(subject, 'an escaped value is not UTF-8');
  }
}

/** One `type=value` from `from` (spaces before it skipped); `end` is the index of the separator after it (or the end). */
function readAttribute(subject: string, from: number): { attribute: X500Attribute; end: number } {
  const start = skipSpaces(subject, from);
  const equals = subject.indexOf('=', start);
  if (equals < 0) throw bad(subject, 'an attribute has no "="');
  const typeText = subject.slice(start, equals).trim();
  const type = attributeType(subject, typeText);
  const valueStart = skipSpaces(subject, equals + 1);
  const { value, end } = subject[valueStart] === '"' ? readQuoted(subject, valueStart + 1) : readPlain(subject, valueStart);
  if (value.length === 0) throw bad(subject, `"${typeText}" has an empty value`);
  if (type.kind === 'printable' && !/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw bad(subject, `"${typeText}" is not a printable string`);
  if (type.kind === 'ia5' && ![...value].every((char) => char.charCodeAt(0) < 0x80)) throw bad(subject, `"${typeText}" is not ASCII`);
  return { attribute: { ...type, value }, end };
}

/** The RDNs as written (most specific first), each a list of attributes. */
export function parseX500(subject: string): X500Attribute[][] {
  if (subject.length > MAX_SUBJECT) throw bad(subject, 'too long');
  if (subject.trim() === '') return [];
  const rdns: X500Attribute[][] = [];
  let rdn: X500Attribute[] = [];
  let i = 0;
  for (;;) {
    const { attribute, end } = readAttribute(subject, i);
    rdn.push(attribute);
    const separator = subject[end];
    if (separator === undefined) {
      rdns.push(rdn);
      return rdns;
    }
    i = end + 1;
    // `+` joins attributes into one multi-valued RDN; `,` or `;` ends the RDN.
    if (separator !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
  }
}

/** The subject as a DER Name, encoded in X.500 order (the string's last RDN first). */
export function encodeX500Name(subject: string): Name {
  const rdns = parseX500(subject).reverse();
  return new Name(
    rdns.map(
      (rdn) =>
        new RelativeDistinguishedName(
          rdn.map(
            (attribute) =>
              new AttributeTypeAndValue({
                type: attribute.oid,
                value: new AttributeValue(
                  attribute.kind === 'printable'
                    ? { printableString: attribute.value }
                    : attribute.kind === 'ia5'
                      ? { ia5String: attribute.value }
                      : { utf8String: attribute.value },
                ),
              }),
          ),
        ),
    ),
  );
}

export function encodeX500NameDer(subject: string): Buffer {
  return Buffer.from(AsnConvert.serialize(encodeX500Name(subject)));
}
