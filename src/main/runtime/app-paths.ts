import { posix, win32 } from 'node:path';

/**
 * Where the station keeps its own data when it runs outside Electron (host, CLI). The Electron
 * shell uses app.getPath('userData'), which resolves to the same places.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'win32':
      return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), 'Enrollment Station');
    case 'darwin':
      return posix.join(home, 'Library', 'Application Support', 'Enrollment Station');
    default:
      return posix.join(env.XDG_DATA_HOME || posix.join(home, '.local', 'share'), 'enrollment-station');
  }
}
