#!/usr/bin/env node
// Runs a command inside private namespaces prepared for the pcscd + vpcd test stack:
//
//   node native/netns-run.mjs -- vitest run --project integration
//
// - network: vpcd listens on 0.0.0.0:35963/35964, so its ports stay inside. Loopback gets a `quickack`
//   route: bookworm's vpcd sends length and payload separately, and Nagle + delayed ACK would cost
//   ~45 ms per APDU otherwise.
// - mount: pcscd's socket is a file at the fixed path /run/pcscd/pcscd.comm, so any process on the
//   machine could talk to the test pcscd (and, say, send APDUs to a test's mute card, stalling its
//   slot). Inside, /run/pcscd is a private tmpfs: only processes in the namespace see the test stack,
//   and the stack never sees a system pcscd.
// - PID: when the command ends (or crashes, or netns-run is killed) every process it left behind
//   (pcscd, virtual cards) dies with it, so no orphaned pcscd lingers into the next run.
// Every run first takes a machine-wide exclusive lock, so parallel suites and engineers queue instead
// of clobbering each other's stack. The exit code (or 128 + signal) of the command is passed through.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readlinkSync } from 'node:fs';

const LOCK_FILE = '/run/lock/enrollment-station-pcsc.lock';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** Holds the namespace id (`net:[inode]`) so nested calls and the stack can tell they are inside. */
const MARKER = 'ENROLLMENT_STATION_NETNS';

function fail(message) {
  console.error(`netns-run: ${message}`);
  process.exit(2);
}

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function currentNetns() {
  return readlinkSync('/proc/self/ns/net');
}

/** Runs argv with inherited stdio and exits with its status; signals reach the child too. */
function runAndExit(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => fail(`cannot start ${argv[0]}: ${err.message}`));
  child.on('exit', (code, signal) => {
    if (signal) {
      const number = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
      process.exit(128 + number);
    }
    process.exit(code ?? 1);
  });
}

const separator = process.argv.indexOf('--');
const command = separator === -1 ? [] : process.argv.slice(separator + 1);
if (command.length === 0) fail('usage: node native/netns-run.mjs -- <command> [args...]');

if (process.env[MARKER] && process.env[MARKER] === currentNetns()) {
  // Already inside (e.g. a suite started from a shell that netns-run opened): the lock is held by the
  // outer call, taking it again would deadlock.
  runAndExit(command, process.env);
} else {
  if (process.platform !== 'linux') fail('the pcscd + vpcd test stack needs Linux.');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    fail('must run as root (unshare --net, ip route and pcscd need it).');
  }
  const missing = ['flock', 'unshare', 'mount', 'ip', 'pcscd'].filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    fail(`missing ${missing.join(', ')}: apt-get install --no-install-recommends util-linux iproute2 pcscd`);
  }
  try {
    accessSync(VPCD_DRIVER, constants.R_OK);
  } catch {
    fail(`missing the vpcd driver ${VPCD_DRIVER}: apt-get install --no-install-recommends vsmartcard-vpcd`);
  }
  const inner = [
    'set -e',
    'mkdir -p /run/pcscd',
    'mount -t tmpfs -o mode=0755,size=1m enrollment-station-pcscd /run/pcscd',
    'ip link set lo up',
    'ip route replace local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1',
    `export ${MARKER}="$(readlink /proc/self/ns/net)"`,
    // Not exec: the shell stays PID 1 of the namespace and reaps processes orphaned there (a pcscd
    // whose parent test worker ended), so a killed pcscd never lingers as a zombie.
    '"$@"',
  ].join('\n');
  runAndExit(
    [
      'flock',
      '--exclusive',
      LOCK_FILE,
      'unshare',
      '--net',
      '--mount',
      '--propagation',
      'private',
      '--pid',
      '--mount-proc',
      '--fork',
      '--kill-child',
      '--',
      'sh',
      '-c',
      inner,
      'netns-run',
      ...command,
    ],
    process.env,
  );
}
