import { isAppUrl } from './app-url';

/**
 * The BrowserWindow's webPreferences, as a plain object so tests can assert every checklist item
 * without Electron. Electron's own type is applied where the shell uses it.
 */
export function secureWebPreferences(preloadPath: string, options: { devTools: boolean }) {
  return {
    preload: preloadPath,
    sandbox: true, // checklist 4
    contextIsolation: true, // 3
    nodeIntegration: false, // 2
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true, // 6
    allowRunningInsecureContent: false, // 8
    experimentalFeatures: false, // 9
    webviewTag: false, // 11-12
    // Middle-click (auxclick) opens links in new windows; the open handler denies them, this stops
    // the event from existing at all (electronegativity AUXCLICK_JS_CHECK).
    disableBlinkFeatures: 'Auxclick',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // Operators never need DevTools; developers running unpackaged do.
    devTools: options.devTools,
  } as const;
}

/**
 * Permission requests and checks (checklist 5): everything is denied except writing plain text to
 * the clipboard from our own page, so the operator can copy a card id or a CM correlation id with
 * one click (quality.md, usability). Reading the clipboard stays denied.
 */
export function permissionDecision(permission: string, requestingUrl: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && typeof requestingUrl === 'string' && isAppUrl(requestingUrl);
}
