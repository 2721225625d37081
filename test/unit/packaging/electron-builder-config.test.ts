import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as BuilderConfig from 'app-builder-lib/out/util/config/config';
import type * as BuilderUtil from 'builder-util';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { AZURE_SIGNING_ENV, azureSigningConfig } from '../../../build/azure-signing.config';

// electron-builder's own loader and validator: the same code `electron-builder` runs before it
// builds anything (js-yaml load, `extends` merge, ajv against app-builder-lib/scheme.json), so a
// config that passes here passes there, and every schema error fails this test.
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as typeof BuilderConfig;
const { DebugLogger } = require('builder-util') as typeof BuilderUtil;

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function load(configPath: string): Promise<Configuration> {
  const config = await getConfig(projectDir, configPath, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

const AZURE_ENV = {
  AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net/',
  AZURE_TRUSTED_SIGNING_ACCOUNT: 'badge-office',
  AZURE_TRUSTED_SIGNING_PROFILE: 'enrollment-station',
  AZURE_TRUSTED_SIGNING_PUBLISHER: 'Contoso Ltd',
};

/** Target names per platform, whatever form (string or {target, arch}) the config uses. */
function targetNames(platform: { target?: unknown } | null | undefined): string[] {
  const targets = Array.isArray(platform?.target) ? platform.target : [platform?.target];
  return targets.map((t: unknown) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(load('electron-builder.yml')).resolves.toBeDefined();
  });

  it('is validated for real: the same validator rejects a misspelt or mistyped option', async () => {
    const config = await getConfig(projectDir, 'electron-builder.yml', null);
    const misspelt = { ...config, nsis: { ...config.nsis, oneclick: false } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/^Invalid configuration object[^]*configuration\.nsis /);
    const mistyped = { ...config, electronFuses: { ...config.electronFuses, runAsNode: 'no' } } as unknown as Configuration;
    await expect(validateConfiguration(mistyped, new DebugLogger(false))).rejects.toThrow(/electronFuses\.runAsNode/);
  });

  it('builds NSIS and MSI for Windows, deb and AppImage for Linux, dmg for macOS', async () => {
    const config = await load('electron-builder.yml');
    expect(config.appId).toBe('io.enrollmentstation.station');
    expect(config.productName).toBe('Enrollment Station');
    expect(targetNames(config.win)).toEqual(['nsis', 'msi']);
    expect(targetNames(config.linux)).toEqual(['deb', 'AppImage']);
    expect(targetNames(config.mac)).toEqual(['dmg']);
    expect(config.artifactName).toBe('${name}-${version}-${os}-${arch}.${ext}');
    expect(config.nsis?.artifactName).toBe('${name}-${version}-${os}-${arch}-setup.${ext}');
    expect(config.deb?.artifactName).toBe('${name}_${version}_${arch}.${ext}');
  });

  it('installs per machine with an assisted installer that starts nothing after a silent install', async () => {
    const { nsis, msi, win } = await load('electron-builder.yml');
    expect(nsis).toMatchObject({ oneClick: false, perMachine: true, allowElevation: true, runAfterFinish: false });
    // A custom folder (/D=) is made admin-only by this include (installer-include.test.ts).
    expect(nsis?.include).toBe('build/installer.nsh');
    expect(msi).toMatchObject({ oneClick: false, perMachine: true, runAfterFinish: false });
    expect(win?.requestedExecutionLevel).toBe('asInvoker');
  });

  it('makes the deb depend on pcscd and the PC/SC library, keeping Electron’s own dependencies', async () => {
    const { deb } = await load('electron-builder.yml');
    expect(deb?.depends).toEqual(expect.arrayContaining(['pcscd', 'libpcsclite1', 'libgtk-3-0', 'libnss3', 'libgbm1']));
  });

  it('publishes nothing, so no updater feed exists in the package', async () => {
    const config = await load('electron-builder.yml');
    expect(config.publish).toBeNull();
    expect(config.detectUpdateChannel).toBe(false);
    for (const platform of [config.win, config.linux, config.mac, config.nsis, config.msi, config.deb, config.dmg]) {
      expect(platform?.publish ?? null).toBeNull();
    }
  });

  it('rebuilds the PC/SC addon for Electron from source and unpacks it from the asar', async () => {
    const config = await load('electron-builder.yml');
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node']);
    // electron-builder normalises the list into one file set.
    expect(config.files).toEqual([{ filter: expect.arrayContaining(['out/**/*', 'package.json', '!**/*.map', '!**/*.{ts,mts,cts,tsx}']) }]);
  });

  it('sets all six security fuses', async () => {
    const { electronFuses } = await load('electron-builder.yml');
    expect(electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('signs nothing by itself: no certificate, Azure options or identity in the file', async () => {
    const config = await load('electron-builder.yml');
    expect(config.forceCodeSigning ?? false).toBe(false);
    expect(config.cscLink ?? null).toBeNull();
    expect(config.win?.azureSignOptions ?? null).toBeNull();
    expect(config.win?.cscLink ?? null).toBeNull();
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    expect(config.mac?.identity ?? null).toBeNull();
  });
});

describe('build/azure-signing.config.ts', () => {
  it('extends electron-builder.yml with Azure Trusted Signing from the environment and forces signing', async () => {
    const names = Object.values(AZURE_SIGNING_ENV);
    const saved = names.map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, AZURE_ENV);
    try {
      // Loaded the way `electron-builder --config build/azure-signing.config.ts` loads it.
      const config = await load('build/azure-signing.config.ts');
      expect(config.forceCodeSigning).toBe(true);
      expect(config.win?.azureSignOptions).toEqual({
        endpoint: 'https://weu.codesigning.azure.net/',
        codeSigningAccountName: 'badge-office',
        certificateProfileName: 'enrollment-station',
        publisherName: 'Contoso Ltd',
      });
      // Everything else still comes from electron-builder.yml.
      expect(targetNames(config.win)).toEqual(['nsis', 'msi']);
      expect(config.nsis?.perMachine).toBe(true);
      expect(config.electronFuses?.runAsNode).toBe(false);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuses to build when a variable is missing, naming every missing one', () => {
    expect(() => azureSigningConfig({ AZURE_TRUSTED_SIGNING_ENDPOINT: AZURE_ENV.AZURE_TRUSTED_SIGNING_ENDPOINT, AZURE_TRUSTED_SIGNING_ACCOUNT: ' ' })).toThrow(
      'Azure Trusted Signing is not configured: set AZURE_TRUSTED_SIGNING_ACCOUNT, AZURE_TRUSTED_SIGNING_PROFILE, AZURE_TRUSTED_SIGNING_PUBLISHER',
    );
  });
});
