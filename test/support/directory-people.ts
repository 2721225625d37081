import { seedGuid } from '../../src/main/training/cm-sim';
import type { SeedUser } from './slapd';

/**
 * The people the test directory holds: the CM simulator's seeded users under the same GUIDs (so
 * real mode names the simulator's requests), and names that prove filter escaping: accents,
 * quotes, and RFC 4515's special characters `*`, `(`, `)` and `\`.
 */
export const DIRECTORY_PEOPLE: readonly SeedUser[] = [
  { uid: 'alice', displayName: 'Alice Martin', guid: seedGuid('user/alice'), mail: 'alice@contoso.test' },
  { uid: 'bram', displayName: 'Bram de Vries', guid: seedGuid('user/bram') },
  { uid: 'chen', displayName: 'Chen Wei', guid: seedGuid('user/chen') },
  { uid: 'dana', displayName: 'Dana Okafor', guid: seedGuid('user/dana'), mail: 'dana@contoso.test' },
  { uid: 'emil', displayName: 'Emil Lindqvist', guid: seedGuid('user/emil') },
  { uid: 'farah', displayName: 'Farah Haddad', guid: seedGuid('user/farah') },
  { uid: 'zoe', displayName: 'Zoë Ångström-Łukasiewicz', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b01' },
  { uid: 'sinead', displayName: 'Sinéad O\'Brien "Shay"', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b02' },
  { uid: 'star', displayName: 'Star*Name', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b03' },
  { uid: 'paren', displayName: 'Paren (Contractor)', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b04' },
  { uid: 'backslash', displayName: 'Back\\Slash', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b05' },
  // Would match a search for "Star" if `*` were not escaped: it must never turn up for "Star*".
  { uid: 'starling', displayName: 'Starling Person', guid: '6f0c1a52-8d3e-4b7a-9c21-3e5d7f9a1b06' },
];
