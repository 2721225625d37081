import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  externalUrlAllowed,
  isAppUrl,
  navigationAllowed,
  permissionDecision,
  resolveStaticPath,
  secureWebPreferences,
  senderAllowed,
} from '../../../src/main/shell-policy';
import { removeDir } from '../../support/temp-dir';

describe('app URL checks compare parsed parts, not prefixes', () => {
  it.each([
    ['app://station/index.html', true],
    ['app://station/', true],
    ['app://station.evil.example/index.html', false],
    ['app://station:8080/index.html', false],
    ['app://user@station/index.html', false],
    ['https://station/index.html', false],
    ['file:///app://station/index.html', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it('blocks every navigation away from the page', () => {
    const here = 'app://station/index.html';
    expect(navigationAllowed('https://example.com/', here)).toBe(false);
    expect(navigationAllowed('app://station/other.html', here)).toBe(false);
    expect(navigationAllowed('app://station/index.html#x', here)).toBe(true);
  });

  it('accepts IPC only from our own top-level page', () => {
    expect(senderAllowed('app://station/index.html', true)).toBe(true);
    expect(senderAllowed('app://station/index.html', false)).toBe(false);
    expect(senderAllowed('https://evil.example/', true)).toBe(false);
    expect(senderAllowed(undefined, true)).toBe(false);
  });

  it('opens only allow-listed https hosts externally', () => {
    expect(externalUrlAllowed('https://help.contoso.com/x', ['help.contoso.com'])).toBe(true);
    expect(externalUrlAllowed('http://help.contoso.com/x', ['help.contoso.com'])).toBe(false);
    expect(externalUrlAllowed('https://help.contoso.com.evil.example/', ['help.contoso.com'])).toBe(false);
    expect(externalUrlAllowed('https://u:p@help.contoso.com/', ['help.contoso.com'])).toBe(false);
  });
});

describe('window and session policy', () => {
  it('applies every webPreferences item of the checklist', () => {
    const prefs = secureWebPreferences('/p/preload.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('denies every permission but clipboard writes from our own page', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'usb', 'anything']) {
      expect(permissionDecision(p, 'app://station/index.html')).toBe(false);
    }
    expect(permissionDecision('clipboard-sanitized-write', 'app://station/index.html')).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'app://station')).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(permissionDecision('clipboard-sanitized-write', undefined)).toBe(false);
  });

  it('has a strict CSP', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe('static file resolution stays inside the renderer folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'static-'));
  afterAll(() => removeDir(root));
  it.each(['/../etc/passwd', '/..%2f..%2fetc/passwd', '/%2e%2e/x', '/a\\..\\..\\x', '/x%00.html', '/%E0%A4%A'])('refuses %s', (path) => {
    expect(resolveStaticPath(root, path)).toBeNull();
  });
  it('maps / to index.html and nested paths inside', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/a.js')).toBe(join(root, 'assets', 'a.js'));
  });
});
