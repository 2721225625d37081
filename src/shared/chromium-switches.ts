/**
 * Chromium and Electron command-line switches that weaken what the station relies on: TLS checks,
 * which proxy and which name resolution CM traffic takes, where integrated Windows sign-in sends
 * credentials, the renderer sandbox and same-origin policy, and debugging ports that hand the
 * process to whoever connects. The packaged app refuses to start with any of them (anywhere on its
 * command line, in front of `--cli` too) unless machine policy lists it in `allowedChromiumSwitches`
 * (src/main/shell-policy/chromium-switches.ts, docs/security.md).
 *
 * Sources: Chromium's net/base/net_switches, services/network/public/cpp/network_switches,
 * content/public/common/content_switches and Electron's "Supported Command Line Switches" page.
 */
export const WEAKENING_CHROMIUM_SWITCHES = [
  // TLS
  'ignore-certificate-errors',
  'ignore-certificate-errors-spki-list',
  'ignore-urlfetcher-cert-requests',
  'allow-insecure-localhost',
  'ssl-version-min',
  'cipher-suite-blacklist',
  'ssl-key-log-file',
  'unsafely-treat-insecure-origin-as-secure',
  // Proxy
  'proxy-server',
  'proxy-pac-url',
  'proxy-bypass-list',
  'no-proxy-server',
  'proxy-auto-detect',
  'winhttp-proxy-resolver',
  // Name resolution
  'host-resolver-rules',
  'host-rules',
  // Integrated Windows sign-in: where credentials go, and delegation
  'auth-server-allowlist',
  'auth-server-whitelist',
  'auth-negotiate-delegate-allowlist',
  'auth-negotiate-delegate-whitelist',
  'disable-auth-negotiate-cname-lookup',
  'enable-auth-negotiate-port',
  // Same-origin policy and the sandbox
  'disable-web-security',
  'disable-site-isolation-trials',
  'no-sandbox',
  'disable-gpu-sandbox',
  // Debugging and traffic capture
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'js-flags',
  'log-net-log',
  'net-log-capture-mode',
] as const;

export type WeakeningChromiumSwitch = (typeof WEAKENING_CHROMIUM_SWITCHES)[number];
