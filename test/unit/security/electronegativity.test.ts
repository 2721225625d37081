import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The electronegativity gate (scripts/electronegativity.mjs), run as `npm test` would: in its own
 * Node process, since it patches the module loader and sockets to keep the tool off the network.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Finding {
  rule: string;
  file: string | null;
  line: number | null;
  justified: boolean;
  reason: string | null;
}
interface GateResult {
  ok: boolean;
  findings: Finding[];
  parseErrors: unknown[];
  unusedJustifications: unknown[];
  networkAttempts: string[];
}

interface GateRun {
  status: number | null;
  result: GateResult;
  report: string;
}

function gate(...args: string[]): GateRun {
  const script = join(root, 'scripts', 'electronegativity.mjs');
  const run = spawnSync(process.execPath, [script, '--json', ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, result: JSON.parse(run.stdout) as GateResult, report: run.stderr };
}

describe('electronegativity over the shell sources and the compiled main + preload', () => {
  let status: GateRun['status'];
  let result: GateResult;
  let report: string;
  beforeAll(() => ({ status, result, report } = gate()), 60_000);

  it('has no unjustified finding and no file it could not parse', () => {
    expect(
      result.findings.filter((f) => !f.justified),
      report,
    ).toEqual([]);
    expect(result.parseErrors).toEqual([]);
    expect(result.unusedJustifications).toEqual([]);
    expect(result.ok).toBe(true);
    expect(status).toBe(0);
  });

  it('really scanned both: sources (window.ts) and the bundle (code only it contains)', () => {
    const where = result.findings.map((f) => `${f.rule} ${f.file}`);
    expect(where).toContain('SANDBOX_JS_CHECK src/main/electron/window.ts');
    expect(where).toContain('DANGEROUS_FUNCTIONS_JS_CHECK src/main/pcsc/service-probe.ts');
  });

  it('sent nothing to the network (the only attempt, its translation fetch, was refused)', () => {
    expect(result.networkAttempts.every((url) => url.startsWith('https://electronegativity-i18n.'))).toBe(true);
  });
});

describe('the gate fails on what is not justified (test/fixtures/insecure-shell)', () => {
  let status: GateRun['status'];
  let result: GateResult;
  let report: string;
  beforeAll(() => ({ status, result, report } = gate('--input', 'test/fixtures/insecure-shell')), 60_000);
  const fixture = 'test/fixtures/insecure-shell/main.js';
  const finding = (rule: string) => result.findings.find((f) => f.rule === rule);

  it('reports nodeIntegration: true at its line, unjustified, and exits 1 with a readable list', () => {
    expect(finding('NODE_INTEGRATION_JS_CHECK')).toMatchObject({ file: fixture, line: 6, justified: false });
    expect(report).toContain(`UNJUSTIFIED NODE_INTEGRATION_JS_CHECK ${fixture}:6`);
    expect(result.ok).toBe(false);
    expect(status).toBe(1);
  });

  it('accepts a justification with a reason on the line above, and not one without a reason', () => {
    expect(finding('OPEN_EXTERNAL_JS_CHECK')).toMatchObject({
      file: fixture,
      justified: true,
      reason: 'fixture, proves a justified finding passes',
    });
    expect(finding('CONTEXT_ISOLATION_JS_CHECK')).toMatchObject({ file: fixture, line: 8, justified: false });
  });

  it('fails global findings (no location) that nothing justifies', () => {
    expect(finding('PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK')).toMatchObject({ file: null, justified: false });
  });
});
