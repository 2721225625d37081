import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSchemes } from '../../../src/main/cm/check';
import { startCmSimulator, type CmSimulator } from '../../../src/main/training/cm-sim';
import { cmCheckReportSchema } from '../../../src/shared/cm-check';
import { expectCmCheckReadsOnly } from './cm-check-reads';
import { testTempDir } from '../../support/temp-dir';

let sim: CmSimulator;
beforeAll(async () => {
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
});
afterAll(() => sim.close());

function cmCheck(args: string[], policy: unknown = null): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = testTempDir('cm-check-');
  const policyFile = join(dir, 'policy.json');
  if (policy !== null) writeFileSync(policyFile, JSON.stringify(policy));
  const argv = ['--import', 'tsx', 'src/main/cli/station.ts', 'cm-check', ...args, '--data-dir', dir, '--policy', policyFile];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('npm run station -- cm-check', { timeout: 60_000 }, () => {
  it('reports reachability, sign-in, latency and every request type and status seen, with only GETs sent', async () => {
    await sim.admin.reset();
    // The CM root, as the CM portal shows it: normalised to the API root.
    const root = sim.baseUrl.replace(/api\/v1\.0\/$/, '');
    const run = await cmCheck(['--json', '--cm-url', root]);
    expect(run.code, run.stderr).toBe(0);
    const { result } = JSON.parse(run.stdout) as { result: unknown };
    const report = cmCheckReportSchema.parse(result);
    expect(report).toMatchObject({ target: sim.baseUrl, reachable: true, apiEnabled: true, auth: { result: 'accepted', schemes: [] }, problem: null });
    expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    // Wire values of the fixtures: 1 Enroll and 5 Unblock documented; 2 and 3 unconfirmed, likely Recover and Renew.
    expect(report.requestTypes).toEqual([
      { raw: '1', count: 8, reading: 'Enroll', confirmedBy: 'documented', likely: null, bindable: true },
      { raw: '2', count: 1, reading: null, confirmedBy: 'unconfirmed', likely: 'Recover', bindable: null },
      { raw: '3', count: 1, reading: null, confirmedBy: 'unconfirmed', likely: 'Renew', bindable: null },
      { raw: '5', count: 1, reading: 'Unblock', confirmedBy: 'documented', likely: null, bindable: false },
    ]);
    expect(report.suggestedRequestTypeNumbers).toEqual({ '2': 'Recover', '3': 'Renew' });
    expect(report.requestStatuses).toEqual([
      { raw: '3', count: 9, reading: 'Approved' },
      { raw: '16', count: 1, reading: 'Pending' },
      { raw: '18', count: 1, reading: 'Executing' },
    ]);
    expectCmCheckReadsOnly(sim);
    expect(report.issuance?.executionRoutes.result).toBe('allowed');
  });

  it('reads numbers IT confirmed in policy as confirmed, and prints the suggestion for the rest', async () => {
    const run = await cmCheck(['--cm-url', sim.baseUrl], { requestTypeNumbers: { '2': 'Recover' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ {2}2: +1 {2}Recover \(confirmed: policy\)/);
    expect(run.stdout).toMatch(/Unconfirmed type \(3\), likely Renew/);
    expect(run.stdout).toContain('"requestTypeNumbers": {"3":"Renew"}');
  });

  it('a 401 reports the schemes offered; a disabled API and a redirect are named; exit 3', async () => {
    sim.admin.setFaults([{ fault: { kind: 'unauthorized' } }]);
    const unauthorized = JSON.parse((await cmCheck(['--json', '--cm-url', sim.baseUrl])).stdout) as { exitCode: number; result: { auth: unknown } };
    expect(unauthorized).toMatchObject({ exitCode: 3, result: { auth: { result: 'rejected', schemes: ['Negotiate', 'NTLM'] } } });
    // Worded by the schemes offered, as every 401 is (auth-challenge.ts).
    expect(unauthorized).toMatchObject({ result: { problem: { code: 'CM_AUTH_FAILED' } } });
    sim.admin.setFaults([{ fault: { kind: 'api-disabled' } }]);
    const disabled = await cmCheck(['--json', '--cm-url', sim.baseUrl]);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ exitCode: 3, result: { apiEnabled: false, problem: { code: 'CM_API_DISABLED' } } });
    sim.admin.setFaults([{ fault: { kind: 'redirect', status: 302, location: 'https://sts.contoso.com/adfs/ls' } }]);
    const redirected = await cmCheck(['--cm-url', sim.baseUrl]);
    expect(redirected.code).toBe(3);
    expect(redirected.stderr).toContain('https://sts.contoso.com/adfs/ls');
    sim.admin.clearFaults();
  });

  it('a timeout is a timeout (exit 1, "Timed out"), and a 503 page is CM not answering, never "refused"', async () => {
    sim.admin.setFaults([{ fault: { kind: 'no-answer' }, route: 'GET /requests' }]);
    const slow = await cmCheck(['--cm-url', sim.baseUrl], { cmTimeoutMs: 1000 });
    expect(slow.code).toBe(1);
    expect(slow.stdout + slow.stderr).toMatch(/Timed out: +CM_TIMEOUT: CM did not answer within 1 s/);
    expect(slow.stdout + slow.stderr).not.toMatch(/refused/i);
    sim.admin.setFaults([{ fault: { kind: 'gateway', status: 503 } }]);
    const down = JSON.parse((await cmCheck(['--json', '--cm-url', sim.baseUrl])).stdout) as unknown;
    expect(down).toMatchObject({ exitCode: 1, result: { reachable: false, problem: { code: 'CM_UNAVAILABLE' } } });
    sim.admin.clearFaults();
  });

  it('an unreachable CM exits 1 and says so', async () => {
    const run = await cmCheck(['--json', '--cm-url', 'http://127.0.0.1:9/CertificateManagement/']);
    expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: 1, result: { reachable: false, problem: { code: 'CM_OFFLINE' } } });
  });
});

describe('authSchemes', () => {
  it('takes the first token of each challenge, skipping parameters', () => {
    expect(authSchemes('Negotiate, NTLM')).toEqual(['Negotiate', 'NTLM']);
    expect(authSchemes('Bearer realm="cm", error="invalid_token", Negotiate')).toEqual(['Bearer', 'Negotiate']);
    expect(authSchemes('Negotiate oYH1MIHyoAMKAQChCwYJKoZIgvcSAQICooHd==')).toEqual(['Negotiate']);
    expect(authSchemes(null)).toEqual([]);
  });
});
