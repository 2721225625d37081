// Real certificates and CMS for the PKI tests, made by the openssl command line (Debian package
// "openssl"), so the station's parsers are judged against a real implementation, not their own twin.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeElement } from '../../../src/main/pki/der';

export function openssl(args: readonly string[], options: { input?: Buffer; cwd?: string } = {}): Buffer {
  try {
    return execFileSync('openssl', args, { input: options.input, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is missing: install the Debian package "openssl"', { cause: err });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr}`, { cause: err });
  }
}

export interface TestPki {
  readonly dir: string;
  /** PEM files in `dir`. */
  readonly caCert: string;
  readonly caKey: string;
  /** Issues a certificate for a public key (PEM SPKI) with the CA; returns its DER. */
  issue(publicKeyPem: string, subject: string): Buffer;
  /** A CMC response (SignedData over `content`, eContentType id-cct-PKIResponse) signed by the CA, as DER. */
  signCmc(content: Buffer, certificatesPem: readonly string[], options?: { withoutSignerCertificate?: boolean; bySubjectKeyIdentifier?: boolean }): Buffer;
}

let serial = 100;

export function createTestPki(caKeyType: 'ec' | 'rsa' = 'ec'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  const keyArgs = caKeyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  openssl(['req', '-x509', ...keyArgs, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Station Test CA', '-days', '2'], { cwd: dir });
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    issue(publicKeyPem, subject) {
      const id = ++serial;
      writeFileSync(join(dir, `pub-${id}.pem`), publicKeyPem);
      // A throw-away key only to make the request; -force_pubkey puts the wanted key in the certificate.
      openssl(
        [
          'req',
          '-new',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          `tmp-${id}.key`,
          '-subj',
          subject,
          '-out',
          `req-${id}.pem`,
        ],
        { cwd: dir },
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `req-${id}.pem`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(id),
          '-days',
          '2',
          '-force_pubkey',
          `pub-${id}.pem`,
          '-outform',
          'DER',
          '-out',
          `cert-${id}.der`,
        ],
        { cwd: dir },
      );
      return readFileSync(join(dir, `cert-${id}.der`));
    },
    signCmc(content, certificatesPem, options = {}) {
      const id = ++serial;
      writeFileSync(join(dir, `content-${id}.der`), content);
      writeFileSync(join(dir, `chain-${id}.pem`), certificatesPem.join('\n'));
      openssl(
        [
          'cms',
          '-sign',
          '-in',
          `content-${id}.der`,
          '-binary',
          '-nodetach',
          '-econtent_type',
          '1.3.6.1.5.5.7.12.3',
          '-signer',
          'ca.pem',
          '-inkey',
          'ca.key',
          '-certfile',
          `chain-${id}.pem`,
          ...(options.withoutSignerCertificate ? ['-nocerts'] : []),
          // RFC 5652 §5.3 SignerIdentifier: subjectKeyIdentifier instead of issuerAndSerialNumber.
          ...(options.bySubjectKeyIdentifier ? ['-keyid'] : []),
          '-outform',
          'DER',
          '-out',
          `cms-${id}.der`,
        ],
        { cwd: dir },
      );
      return readFileSync(join(dir, `cms-${id}.der`));
    },
  };
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** An RFC 5272 PKIResponse with one CMCStatusInfo (status, bodyList [1], statusString), as a CA answers. */
export function pkiResponse(status: number, text: string): Buffer {
  const int = (value: number) => encodeElement(0x02, Buffer.from([value]));
  const statusInfo = encodeElement(0x30, Buffer.concat([int(status), encodeElement(0x30, int(1)), encodeElement(0x0c, Buffer.from(text))]));
  // id-cmc-statusInfo 1.3.6.1.5.5.7.7.1
  const control = encodeElement(0x30, Buffer.concat([int(1), encodeElement(0x06, Buffer.from('2b06010505070701', 'hex')), encodeElement(0x31, statusInfo)]));
  return encodeElement(0x30, Buffer.concat([encodeElement(0x30, control), encodeElement(0x30, Buffer.alloc(0)), encodeElement(0x30, Buffer.alloc(0))]));
}
