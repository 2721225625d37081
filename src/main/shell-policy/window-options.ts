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
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // Operators never need DevTools; developers running unpackaged do.
    devTools: options.devTools,
  } as const;
}

/** Permission requests and checks are all denied (checklist 5): the station needs none of them. */
export function permissionDecision(_permission: string): false {
  return false;
}
