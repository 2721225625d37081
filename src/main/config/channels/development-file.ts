import { readFileSync } from 'node:fs';
import { invalidPolicy, NO_POLICY, parseJsonPolicy, type Policy } from '../policy';

/**
 * `--policy FILE` for the Node host and CLI: a policy document (the /etc JSON format) that a
 * developer or a test names. It is not the organisation's: it is labelled "development policy"
 * wherever it shows, and the Electron app never reads one. A file that is not there means "no
 * policy", which is how tests run a station without whatever policy the machine has.
 */
export function readDevelopmentPolicy(path: string, read: (path: string) => Uint8Array = readFileSync): Policy {
  const source = `${path} (development policy)`;
  let bytes: Uint8Array;
  try {
    bytes = read(path);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    if (code === 'ENOENT') return NO_POLICY;
    return invalidPolicy(source, 'development', [`the file cannot be read (${code})`]);
  }
  return parseJsonPolicy(bytes, source, 'development');
}
