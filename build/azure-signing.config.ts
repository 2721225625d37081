import type { Configuration } from 'electron-builder';

/**
 * electron-builder configuration for Windows release builds signed with Azure Trusted Signing:
 *   electron-builder --win --config build/azure-signing.config.ts
 * It is electron-builder.yml plus win.azureSignOptions read from the environment.
 *
 * Why a script and not electron-builder.yml: electron-builder expands ${env.X} only in names and
 * paths, not inside azureSignOptions, and the presence of azureSignOptions alone switches Windows
 * signing to Azure. Keeping it here lets an unsigned local build (or certificate signing with
 * CSC_LINK) use electron-builder.yml untouched, while a release build that asked for Azure signing
 * fails up front when a variable is missing instead of producing an unsigned installer.
 *
 * Authentication to Microsoft Entra ID is the TrustedSigning module's own business
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, or another credential it supports).
 */
export const AZURE_SIGNING_ENV = {
  endpoint: 'AZURE_TRUSTED_SIGNING_ENDPOINT',
  codeSigningAccountName: 'AZURE_TRUSTED_SIGNING_ACCOUNT',
  certificateProfileName: 'AZURE_TRUSTED_SIGNING_PROFILE',
  publisherName: 'AZURE_TRUSTED_SIGNING_PUBLISHER',
} as const;

type AzureOption = keyof typeof AZURE_SIGNING_ENV;

export function azureSigningConfig(env: Readonly<Record<string, string | undefined>>): Configuration {
  const entries = Object.entries(AZURE_SIGNING_ENV) as [AzureOption, string][];
  const missing = entries.filter(([, name]) => (env[name] ?? '').trim() === '').map(([, name]) => name);
  if (missing.length > 0) {
    throw new Error(`Azure Trusted Signing is not configured: set ${missing.join(', ')} (see docs/deploying.md).`);
  }
  const options = Object.fromEntries(entries.map(([option, name]) => [option, (env[name] ?? '').trim()])) as Record<AzureOption, string>;
  return {
    extends: 'electron-builder.yml',
    // A release build must be signed: fail rather than ship an unsigned installer.
    forceCodeSigning: true,
    win: { azureSignOptions: options },
  };
}

export default function config(): Configuration {
  return azureSigningConfig(process.env);
}
