import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is built once and served unchanged by both the Electron app:// protocol and the
// station host, so asset URLs are relative and nothing is inlined that the CSP would refuse.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../out/renderer',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
