// The support bundle: one zip an operator hands to IT when something is wrong, written into the
// export folder (the renderer never names a path). What goes in is decided by the caller (the CLI's
// `support-bundle` and the Diagnostics button) as named sections; this module redacts every JSON
// section, bounds the logs, adds a manifest and writes the zip owner-only and atomically.
//
// Library: fflate (pure JavaScript zip, no dependencies, bundles into the Electron main); the format
// is plain zip so IT opens it with the OS's own tools.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { redactText } from '../log';
import { redactDocument } from './redact-document';

export type BundleSection =
  /** A JSON document (redacted before it is written). */
  | { readonly path: string; readonly json: unknown }
  /** Text already redacted at the source (the diagnostic log's files). */
  | { readonly path: string; readonly text: string };

export interface BundleManifest {
  readonly createdAt: string;
  readonly version: string;
  readonly files: readonly string[];
  readonly redactions: string;
}

/** At most this much of the newest log files goes into a bundle. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;

const REDACTIONS =
  'Card identifiers are shortened to their last 4 hex digits, wherever they appear (free text included); names, accounts and request bodies ' +
  'are left out; tokens, the user part of principals (user@REALM) and of home folders are cut; outbox operations are summarised without their payloads.';

export function buildSupportBundle(sections: readonly BundleSection[], meta: { now: Date; version: string }): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const section of sections) {
    if (Object.hasOwn(files, section.path)) throw new Error(`support bundle: two sections named ${section.path}`);
    // Log text was redacted when written, but with what was known then: cut again with what is known now.
    files[section.path] = strToU8('json' in section ? `${JSON.stringify(redactDocument(section.json), null, 2)}\n` : redactText(section.text));
  }
  const manifest: BundleManifest = {
    createdAt: meta.now.toISOString(),
    version: meta.version,
    files: Object.keys(files),
    redactions: REDACTIONS,
  };
  files['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  return zipSync(files, { level: 6, mtime: meta.now });
}

/**
 * The newest diagnostic log files, newest last, up to `maxBytes` in all (a file that would pass the
 * limit is cut to its newest lines). Missing folder: no sections.
 */
export function logSections(logDir: string, maxBytes: number = MAX_LOG_BYTES): BundleSection[] {
  let names: string[];
  try {
    names = readdirSync(logDir).filter((name) => name.endsWith('.log'));
  } catch {
    // No log folder (no log written yet): the bundle simply has no logs.
    return [];
  }
  const byAge = names
    .map((name) => ({ name, mtime: statSync(join(logDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name, 'en', { numeric: true }));
  const sections: BundleSection[] = [];
  let left = maxBytes;
  for (const { name } of byAge) {
    if (left <= 0) break;
    let text = readFileSync(join(logDir, name), 'utf8');
    if (Buffer.byteLength(text) > left) {
      const tail = text.slice(-left);
      text = tail.slice(tail.indexOf('\n') + 1);
    }
    left -= Buffer.byteLength(text);
    sections.unshift({ path: `logs/${name}`, text });
  }
  return sections;
}

/** Writes the bundle next to its final name, fsyncs it, then renames: never a half-written zip. */
export function writeBundleFile(file: string, bytes: Uint8Array): void {
  const temp = `${file}.partial`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw err;
  }
  closeSync(fd);
  renameSync(temp, file);
}
