export { APP_ENTRY_URL, APP_HOST, APP_ORIGIN, APP_SCHEME, externalUrlAllowed, isAppUrl, navigationAllowed, senderAllowed } from './app-url';
export { contentSecurityPolicy } from './csp';
export { contentTypeFor, resolveStaticPath } from './static-files';
export { permissionDecision, secureWebPreferences } from './window-options';
export { allowedSwitches, switchRefusal, weakeningSwitchesIn } from './chromium-switches';
