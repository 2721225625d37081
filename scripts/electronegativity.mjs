#!/usr/bin/env node
// The electronegativity gate (docs/security.md). Electronegativity exits 0 whatever it finds, so this
// runs it, reads its SARIF, maps every finding back to a source line, and fails on any finding that
// is not justified, and on any file it could not parse (a file it cannot parse is a file it did not
// check).
//
// What is scanned, and why both:
// - the shell's TypeScript sources (src/main/electron, src/preload): electronegativity's checks
//   match `new BrowserWindow(...)` by name, and esbuild's CommonJS output turns that into
//   `new import_electron.BrowserWindow(...)`, which the checks skip; only the sources show them;
// - the compiled main and preload, built with the shipped options (scripts/build-config.mjs), so
//   every Electron API call in the whole program is seen, including code outside the shell. Two
//   changes, neither touching a call or an option literal: syntax lowered to ES2019 (its parser
//   stops at private class fields, and then silently skips the whole bundle), and a `.js` name
//   (it lists .js/.ts files, not .cjs). Findings are mapped to the source through the source map.
//
// A finding is justified by a comment on the flagged source line or the line above it:
//   // electronegativity-justify RULE_ID[, RULE_ID...]: reason
// A finding with no location (a global check) is justified by such a comment anywhere in the
// scanned sources. Where a comment cannot be written (code this project does not own),
// security/electronegativity-justifications.json lists { rule, file, contains, reason }, `contains`
// being text of the flagged source line; an entry that matches nothing fails the gate too.
//
// No network: electronegativity fetches translations and Electron's release list with `got`; both
// are refused here, and so is any socket. AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK, which needs the
// release list, is left out (docs/security.md, item 16).
//
// Usage: node scripts/electronegativity.mjs [--input DIR] [--json]   (exit code 1 when it fails)
//   --input DIR  scan DIR (sources only) instead of the shell; used by the test's insecure fixture
//   --json       print the result as JSON on stdout (the test reads it), the report on stderr
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire, SourceMap } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { projectRoot, shellBuildOptions } from './build-config.mjs';

const SHELL_SOURCES = ['src/main/electron', 'src/preload'];
const JUSTIFICATIONS_FILE = join(projectRoot, 'security', 'electronegativity-justifications.json');
const JUSTIFY = /electronegativity-justify\s+([A-Z0-9_]+(?:\s*,\s*[A-Z0-9_]+)*)\s*:\s*(\S.*)$/;

const require = createRequire(import.meta.url);
const toPosix = (path) => path.split(sep).join('/');

/** Refuses every outgoing request for the rest of this process, recording what was attempted. */
function blockNetwork() {
  const attempts = [];
  const refuse = (what) => {
    attempts.push(String(what));
    return Promise.reject(new Error('network access is disabled in the electronegativity gate'));
  };
  const got = Object.assign((url) => refuse(url), { head: (url) => refuse(url), get: (url) => refuse(url) });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'got' ? got : load.call(this, request, ...rest);
  };
  net.Socket.prototype.connect = function (...args) {
    attempts.push(`socket ${JSON.stringify(args[0])}`);
    throw new Error('network access is disabled in the electronegativity gate');
  };
  return attempts;
}

/** Copies the shell sources and writes the compiled bundles (+ source maps) into `stage`. */
async function stageShell(stage) {
  for (const dir of SHELL_SOURCES) cpSync(join(projectRoot, dir), join(stage, dir), { recursive: true });
  for (const options of shellBuildOptions(join(stage, 'compiled'))) {
    const outfile = options.outfile.replace(/\.cjs$/, '.js');
    await build({ ...options, outfile, target: 'es2019', sourcemap: 'external', logLevel: 'error' });
  }
}

/**
 * Where a finding is in the project: { file, line } (file relative to the project), or null for a
 * global finding. The staged sources mirror the project's layout; compiled code goes through its map.
 */
function locate(scanRoot, stage, uri, line, column) {
  if (!uri || uri.startsWith('file:')) return null;
  const scanned = join(scanRoot, uri);
  if (!stage || !toPosix(uri).startsWith('compiled/')) {
    return { file: toPosix(relative(projectRoot, join(stage ? projectRoot : scanRoot, uri))), line };
  }
  const map = new SourceMap(JSON.parse(readFileSync(`${scanned}.map`, 'utf8')));
  const entry = map.findEntry(line - 1, Math.max(column - 1, 0));
  if (!entry?.originalSource) return { file: toPosix(uri), line };
  const source = isAbsolute(entry.originalSource) ? entry.originalSource : resolve(dirname(scanned), entry.originalSource);
  return { file: toPosix(relative(projectRoot, source)), line: entry.originalLine + 1 };
}

function sourceLines(file) {
  const path = join(projectRoot, file);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
}

/** Rules justified by a comment on `line` (1-based) or the line above, with the reasons. */
function inlineJustification(file, line, rule) {
  const lines = sourceLines(file);
  for (const text of [lines[line - 1], lines[line - 2]]) {
    const match = text?.match(JUSTIFY);
    if (match?.[1].split(/\s*,\s*/).includes(rule)) return match[2].trim();
  }
  return null;
}

function globalJustification(files, rule) {
  for (const file of files) {
    for (const text of sourceLines(file)) {
      const match = text.match(JUSTIFY);
      if (match?.[1].split(/\s*,\s*/).includes(rule)) return `${match[2].trim()} (${file})`;
    }
  }
  return null;
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(toPosix(relative(projectRoot, path)));
    }
  };
  walk(dir);
  return out;
}

/** Electronegativity writes its SARIF with a fire-and-forget fs.writeFile: wait until it is whole. */
async function readSarif(path) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  throw new Error(`electronegativity wrote no readable SARIF at ${path}`);
}

async function runGate(input) {
  const networkAttempts = blockNetwork();
  const work = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  try {
    const stage = input ? null : join(work, 'scan');
    const scanRoot = input ? resolve(projectRoot, input) : stage;
    if (stage) await stageShell(stage);
    const sarifPath = join(work, 'electronegativity.sarif');

    const run = require('@doyensec/electronegativity');
    const log = console.log;
    console.log = console.error; // its chatter goes to stderr; stdout is this gate's report
    let outcome;
    try {
      outcome = await (run.default ?? run)({
        input: scanRoot,
        output: sarifPath,
        isSarif: true,
        isRelative: true,
        customScan: [],
        excludeFromScan: ['availablesecurityfixesglobalcheck'],
        // The Electron we build with, rather than its worst-case guess (0.1.0) from a folder with no
        // package.json: checks then weigh defaults for a modern Electron.
        electronVersionOverride: require('electron/package.json').version,
        parserPlugins: [],
      });
    } finally {
      console.log = log;
    }
    const sarif = await readSarif(sarifPath);

    const sources = input ? listFiles(scanRoot) : SHELL_SOURCES.flatMap((dir) => listFiles(join(projectRoot, dir)));
    const listed = existsSync(JUSTIFICATIONS_FILE) ? JSON.parse(readFileSync(JUSTIFICATIONS_FILE, 'utf8')) : [];
    const used = new Set();
    const seen = new Set();
    const findings = [];
    for (const result of sarif.runs[0].results) {
      const physical = result.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri;
      const where = locate(scanRoot, stage, uri, physical?.region?.startLine ?? 1, physical?.region?.startColumn ?? 1);
      const key = `${result.ruleId} ${where ? `${where.file}:${where.line}` : ''}`;
      if (seen.has(key)) continue; // the same line seen in the sources and in the bundle
      seen.add(key);
      let reason = where ? inlineJustification(where.file, where.line, result.ruleId) : globalJustification(sources, result.ruleId);
      if (!reason && where) {
        const text = sourceLines(where.file)[where.line - 1] ?? '';
        const entry = listed.find((e) => e.rule === result.ruleId && e.file === where.file && text.includes(e.contains));
        if (entry) {
          used.add(entry);
          reason = `${entry.reason} (${toPosix(relative(projectRoot, JUSTIFICATIONS_FILE))})`;
        }
      }
      findings.push({
        rule: result.ruleId,
        file: where?.file ?? null,
        line: where?.line ?? null,
        message: result.message.text,
        justified: reason !== null,
        reason,
      });
    }
    const parseErrors = outcome.errors.filter((e) => !e.tolerable).map((e) => ({ file: toPosix(relative(scanRoot, e.file)), message: e.message }));
    const unusedJustifications = input ? [] : listed.filter((e) => !used.has(e));
    const ok = findings.every((f) => f.justified) && parseErrors.length === 0 && unusedJustifications.length === 0;
    return {
      ok,
      scanned: input ? toPosix(input) : [...SHELL_SOURCES, 'compiled main + preload'],
      findings,
      parseErrors,
      unusedJustifications,
      networkAttempts,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function report(result) {
  const lines = [`electronegativity over ${[result.scanned].flat().join(', ')}`];
  for (const f of result.findings) {
    const where = f.file ? `${f.file}:${f.line}` : '(global)';
    lines.push(`  ${f.justified ? 'justified ' : 'UNJUSTIFIED'} ${f.rule} ${where}`);
    lines.push(`      ${f.justified ? f.reason : f.message}`);
  }
  for (const e of result.parseErrors) lines.push(`  NOT SCANNED ${e.file}: ${e.message}`);
  for (const e of result.unusedJustifications) lines.push(`  UNUSED justification ${e.rule} ${e.file} ("${e.contains}")`);
  lines.push(`  network requests refused: ${result.networkAttempts.length ? result.networkAttempts.join(', ') : 'none'}`);
  lines.push(result.ok ? 'OK: every finding is justified.' : 'FAILED: justify or fix the findings above.');
  return lines.join('\n');
}

const { values } = parseArgs({ options: { input: { type: 'string' }, json: { type: 'boolean' } } });
const result = await runGate(values.input);
if (values.json) {
  console.log(JSON.stringify(result));
  console.error(report(result));
} else {
  console.log(report(result));
}
process.exitCode = result.ok ? 0 : 1;
