#!/usr/bin/env node
// Builds the @pokusew/pcsclite addon (the PC/SC binding, src/main/pcsc/binding.ts) for the Node that
// runs the station's code here; see build-addon.mjs. Packaging for Electron rebuilds it against
// Electron's headers (electron-builder npmRebuild): it is a NAN addon, tied to one ABI.
import { buildAddon } from './build-addon.mjs';

buildAddon({ tag: 'build-pcsclite', packageName: '@pokusew/pcsclite', debianPackages: 'libpcsclite-dev' });
