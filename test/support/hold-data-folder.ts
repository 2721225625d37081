// A separate process that takes the data-folder lock and keeps it until killed: what a desktop app or
// a long-running host looks like to a CLI started beside it.
//   tsx test/support/hold-data-folder.ts <dataDir> <platform>
import { acquireDataFolderLock } from '../../src/main/runtime/data-folder-lock';

const [dataDir, platform] = process.argv.slice(2);
if (!dataDir || !platform) throw new Error('usage: hold-data-folder.ts <dataDir> <platform>');
const attempt = await acquireDataFolderLock(dataDir, 'test holder', { platform: platform as NodeJS.Platform });
process.stdout.write(attempt.ok ? 'held\n' : 'refused\n');
// Keep the process (and so the lock) alive until the test kills it.
setInterval(() => undefined, 60_000);
