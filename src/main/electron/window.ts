import { BrowserWindow, session, shell } from 'electron';
import { APP_ENTRY_URL, externalUrlAllowed, navigationAllowed, permissionDecision, secureWebPreferences } from '../shell-policy';
import { reportFailure } from '../common';

/** Checklist 5: deny permission requests and checks (but clipboard writes from our page). */
export function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionDecision(permission, details.requestingUrl)));
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionDecision(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
}

export function createMainWindow(options: { preloadPath: string; devTools: boolean; externalHosts: () => readonly string[] }): BrowserWindow {
  // electronegativity-justify SANDBOX_JS_CHECK, CONTEXT_ISOLATION_JS_CHECK, AUXCLICK_JS_CHECK: set by secureWebPreferences(), which it cannot follow; compiled-shell.test.ts asserts them on the compiled window.
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Enrollment Station',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  });
  const contents = win.webContents;

  // Checklist 13: no navigation away from the page; 14: no new windows; 11-12: no webviews.
  contents.on('will-navigate', (event, url) => {
    if (!navigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!navigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Checklist 15: only allow-listed https links, and only in the system browser.
    // electronegativity-justify OPEN_EXTERNAL_JS_CHECK: only https URLs on the policy's host allow-list (externalUrlAllowed).
    if (externalUrlAllowed(url, options.externalHosts())) shell.openExternal(url).catch(reportFailure('window: open external link'));
    return { action: 'deny' };
  });

  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_ENTRY_URL).catch(reportFailure('window: load the screens'));
  return win;
}
