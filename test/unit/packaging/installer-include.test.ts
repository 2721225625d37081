import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINDOWS_EVENT_SOURCE } from '../../../src/shared/os-events';
import { projectRoot } from '../../../scripts/build-config.mjs';

/**
 * Issue 18, item 10: the NSIS installer makes a custom install folder admin-only. No Windows (and
 * no makensis) here: the include is read and its commands checked; electron-builder-config.test.ts
 * validates `nsis.include` with electron-builder's own schema.
 */
const script = readFileSync(join(projectRoot, 'build', 'installer.nsh'), 'utf8');
const code = script
  .split(/\r?\n/)
  .filter((line) => !line.trim().startsWith(';'))
  .join('\n');
const icaclsCalls = [...code.matchAll(/!insertmacro esIcacls `([^`]*)`/g)].map((m) => m[1]!);

describe('build/installer.nsh', () => {
  it('hooks customInstall (after the files are copied), for a folder other than %ProgramFiles% only', () => {
    expect(code).toMatch(/!macro customInstall\n\s+\$\{if\} \$INSTDIR != "\$PROGRAMFILES64\\\$\{APP_FILENAME\}"/);
    // esIcacls, customInstall and customUnInstall (the Event Log source, below).
    expect(code.match(/!macroend/g)).toHaveLength(3);
  });

  it('starts icacls by absolute path from the system folder only', () => {
    expect(code).toContain('nsExec::ExecToLog `"$SYSDIR\\icacls.exe" ${ARGS}`');
    // Every program the include names is that one path; nothing else is started.
    expect([...code.matchAll(/"?[^\s"`]*icacls\.exe"?/gi)].map((m) => m[0])).toEqual(['"$SYSDIR\\icacls.exe"']);
    expect([...code.matchAll(/\b(nsExec|ExecWait|Exec|ExecShell)\b::?/g)].map((m) => m[1])).toEqual(['nsExec']);
  });

  it('drops planted ACEs, takes ownership for Administrators, removes inheritance and grants admin-only access by SID', () => {
    expect(icaclsCalls).toEqual([
      '"$INSTDIR" /reset /T /C /Q',
      '"$INSTDIR" /setowner *S-1-5-32-544 /T /C /Q',
      '"$INSTDIR" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX *S-1-15-2-1:(OI)(CI)RX /C /Q',
    ]);
    // Nobody but Administrators and SYSTEM gets more than read and execute.
    const grants = [...icaclsCalls[2]!.matchAll(/\*(S-[\d-]+):\(OI\)\(CI\)(\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(grants.filter((g) => !g.endsWith('=RX'))).toEqual(['S-1-5-32-544=F', 'S-1-5-18=F']);
  });

  it('fails the installation (exit code 2) when icacls fails, rather than leave a writable folder', () => {
    expect(code).toMatch(/Pop \$0\n\s+\$\{if\} \$0 != 0\n\s+SetErrorLevel 2\n\s+Abort /);
  });

  it('registers the Event Log source the station writes under (the name os-events.ts uses), and removes it on uninstall', () => {
    const key = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\' + WINDOWS_EVENT_SOURCE;
    expect(code).toContain(`!define ES_EVENT_SOURCE_KEY "${key}"`);
    expect(code).toMatch(/WriteRegExpandStr HKLM "\$\{ES_EVENT_SOURCE_KEY\}" "EventMessageFile" "%SystemRoot%\\System32\\EventCreate.exe"/);
    expect(code).toMatch(/WriteRegDWORD HKLM "\$\{ES_EVENT_SOURCE_KEY\}" "CustomSource" 1/);
    expect(code).toMatch(/!macro customUnInstall\n\s+DeleteRegKey HKLM "\$\{ES_EVENT_SOURCE_KEY\}"/);
  });
});
