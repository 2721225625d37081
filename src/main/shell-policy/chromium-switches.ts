import { WEAKENING_CHROMIUM_SWITCHES, type WeakeningChromiumSwitch } from '../../shared/chromium-switches';
import type { Policy } from '../config';

/**
 * The weakening switches (shared/chromium-switches.ts) on a command line, the way Chromium reads
 * one: `--name`, `--name=value`, and on Windows also `-name` and `/name` (base::CommandLine accepts
 * those prefixes there); names are case-insensitive. The whole line is searched, in front of and
 * after `--cli`, and after a bare `--` too (refusing is the safe reading of an odd line).
 */
export function weakeningSwitchesIn(argv: readonly string[], platform: NodeJS.Platform): WeakeningChromiumSwitch[] {
  const prefixes = platform === 'win32' ? ['--', '-', '/'] : ['--'];
  const found = new Set<WeakeningChromiumSwitch>();
  for (const arg of argv) {
    const prefix = prefixes.find((p) => arg.startsWith(p));
    if (prefix === undefined) continue;
    const name = arg.slice(prefix.length).split('=', 1)[0]!.toLowerCase();
    const known = WEAKENING_CHROMIUM_SWITCHES.find((s) => s === name);
    if (known !== undefined) found.add(known);
  }
  return [...found];
}

/** What machine policy allows (`allowedChromiumSwitches`); nothing while the policy is absent or invalid. */
export function allowedSwitches(policy: Policy): readonly WeakeningChromiumSwitch[] {
  return policy.status === 'ok' ? (policy.values.allowedChromiumSwitches ?? []) : [];
}

/** The refusal the app prints (CLI) or shows (window) before it exits; null when every switch is allowed. */
export function switchRefusal(found: readonly WeakeningChromiumSwitch[], allowed: readonly WeakeningChromiumSwitch[]): string | null {
  const refused = found.filter((s) => !allowed.includes(s));
  if (refused.length === 0) return null;
  return (
    `Enrollment Station will not start with ${refused.map((s) => `--${s}`).join(', ')}: ` +
    'these switches weaken TLS checks, the proxy, name resolution, where Windows sign-in sends credentials, or the sandbox. ' +
    'Start it without them, or ask IT to allow them in machine policy (allowedChromiumSwitches).'
  );
}
