#!/usr/bin/env node
// Builds the `kerberos` addon (GSSAPI on Linux/macOS, SSPI on Windows) for the Node that runs the
// station's CLI and host: the Negotiate sign-in of src/main/cm/negotiate-transport.ts.
//
// The package's own install script tries prebuild-install (downloads a binary) and then node-gyp
// (downloads headers); neither can reach its servers here, so the script is denied in
// package.json#allowScripts and this builds it as build-addon.mjs describes. The addon is N-API, so
// the same build loads in Electron's main process too. Linux needs libkrb5-dev to build.
import { buildAddon } from './build-addon.mjs';

// binding.gyp runs `node -p require('node-addon-api').include_dir`: the Node 24 binary must be first.
buildAddon({ tag: 'build-kerberos', packageName: 'kerberos', debianPackages: 'libkrb5-dev', nodeFirstOnPath: true });
