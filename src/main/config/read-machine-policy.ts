import { readDevelopmentPolicy } from './channels/development-file';
import { readLinuxPolicy } from './channels/linux-etc';
import type { Policy } from './policy';

export interface MachinePolicyOptions {
  platform: NodeJS.Platform;
  /** `--policy FILE` (Node host and CLI only): replaces the OS channel, labelled development policy. */
  developmentFile?: string | undefined;
  /** Told when the OS reports a policy change (Windows); the station applies policy at start. */
  onChange?: (policy: Policy) => void;
}

export interface MachinePolicy {
  policy: Policy;
  dispose(): void;
}

/**
 * The machine policy through the OS's own channel: the registry on Windows, managed preferences on
 * macOS, root-owned /etc on Linux and other POSIX systems. No environment variable and no
 * user-writable path is consulted.
 */
export async function readMachinePolicy(options: MachinePolicyOptions): Promise<MachinePolicy> {
  if (options.developmentFile !== undefined) return { policy: readDevelopmentPolicy(options.developmentFile), dispose: () => undefined };
  switch (options.platform) {
    case 'win32': {
      // The registry channel is loaded here, on Windows only (start-up: bench/startup.ts).
      const { readRegistryWithRegExe, readWindowsPolicy, watchPolicyChanges } = await import('./channels/windows-registry');
      const policy = readWindowsPolicy(await readRegistryWithRegExe());
      const onChange = options.onChange;
      if (!onChange) return { policy, dispose: () => undefined };
      const watch = watchPolicyChanges(() => {
        readRegistryWithRegExe().then(
          (registry) => onChange(readWindowsPolicy(registry)),
          // readRegistryWithRegExe reports failures as an unreadable registry; it does not reject.
          () => undefined,
        );
      });
      return { policy, dispose: watch.dispose };
    }
    case 'darwin': {
      // Its property-list parser is loaded here, on macOS only (start-up: bench/startup.ts).
      const { readMacPolicy } = await import('./channels/macos-managed-prefs');
      return { policy: readMacPolicy(), dispose: () => undefined };
    }
    default:
      return { policy: readLinuxPolicy(), dispose: () => undefined };
  }
}
