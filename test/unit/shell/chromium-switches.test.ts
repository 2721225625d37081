import { describe, expect, it } from 'vitest';
import { allowedSwitches, switchRefusal, weakeningSwitchesIn } from '../../../src/main/shell-policy/chromium-switches';
import { NO_POLICY, invalidPolicy, policyFromDocument } from '../../../src/main/config';
import { settingsSchema } from '../../../src/shared/settings';

describe('weakening Chromium switches on the command line', () => {
  it('finds --name and --name=value anywhere, in front of --cli and after it, case-insensitively', () => {
    const argv = [
      'C:\\Program Files\\Enrollment Station\\Enrollment Station.exe',
      '--Ignore-Certificate-Errors',
      '--cli',
      'outbox',
      'list',
      '--proxy-server=http://10.0.0.1:8080',
    ];
    expect(weakeningSwitchesIn(argv, 'linux')).toEqual(['ignore-certificate-errors', 'proxy-server']);
  });

  it("reads -name and /name as switches on Windows only (base::CommandLine's prefixes there)", () => {
    const argv = ['station.exe', '-host-resolver-rules=MAP * 10.0.0.1', '/remote-debugging-port=9222'];
    expect(weakeningSwitchesIn(argv, 'win32')).toEqual(['host-resolver-rules', 'remote-debugging-port']);
    expect(weakeningSwitchesIn(argv, 'linux')).toEqual([]);
  });

  it('leaves harmless switches and CLI values alone', () => {
    expect(weakeningSwitchesIn(['station', '--cli', 'bind', '--reader', 'proxy-server', '--request', 'x', '--lang=fr', '--enable-logging'], 'win32')).toEqual(
      [],
    );
  });

  it('allows only what a valid machine policy lists; refuses the rest by name', () => {
    const ok = policyFromDocument({ allowedChromiumSwitches: ['log-net-log'] }, 'test', 'development');
    expect(allowedSwitches(ok)).toEqual(['log-net-log']);
    expect(allowedSwitches(NO_POLICY)).toEqual([]);
    expect(allowedSwitches(invalidPolicy('test', 'development', ['x']))).toEqual([]);
    expect(switchRefusal(['log-net-log'], ['log-net-log'])).toBeNull();
    expect(switchRefusal(['log-net-log', 'no-sandbox'], ['log-net-log'])).toMatch(/^Enrollment Station will not start with --no-sandbox: /);
  });

  it('accepts only known switch names in policy (a typo makes the policy invalid)', () => {
    expect(settingsSchema.shape.allowedChromiumSwitches.safeParse(['proxy-server']).success).toBe(true);
    expect(settingsSchema.shape.allowedChromiumSwitches.safeParse(['--proxy-server']).success).toBe(false);
    expect(policyFromDocument({ allowedChromiumSwitches: ['proxy-servr'] }, 'test', 'development').status).toBe('invalid');
  });
});
