import { expect } from 'vitest';
import type { CmSimulator } from '../../../src/main/training/cm-sim';

/**
 * What cm-check asked CM, as the simulator received it: the templates, then only the statuses it
 * reports (issue #17, part 8: never `GET requests` unfiltered, the list of every request CM ever
 * held), then desk issuance's reads (each template's smart card configuration, one options probe):
 * GETs only. Shared by the cm-check command's test and the support bundle's, which runs cm-check.
 */
export function expectCmCheckReadsOnly(sim: CmSimulator): void {
  const received = sim.admin.received().map((r) => `${r.method} ${r.path.replace(/^.*api\/v1\.0\//, '')}`);
  expect(received.slice(0, 4)).toEqual([
    'GET profiletemplates',
    'GET requests?status=Approved',
    'GET requests?status=Executing',
    'GET requests?status=Pending',
  ]);
  expect(received.every((r) => r.startsWith('GET '))).toBe(true);
  expect(received).not.toContain('GET requests');
}
