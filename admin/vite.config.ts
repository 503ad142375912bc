// The admin console's build: `npm run build:admin` (run by `npm install` through `prepare`) writes
// admin/dist, which the server reads at startup and serves under /admin/.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  plugins: [react()],
  // The server puts a fresh nonce in place of this on every page (src/http/admin-console.ts).
  html: { cspNonce: 'ADMIN_CONSOLE_NONCE' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
  },
});
