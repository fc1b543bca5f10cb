import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run dev` serves the app with hot reload and hands /api, /healthz and /docs to a running
// twinloop server (TWINLOOP_URL, default the port of `make run`), WebSockets included.
const server = process.env.TWINLOOP_URL ?? 'http://127.0.0.1:7777';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.TWINLOOP_WEB_OUT ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': { target: server, ws: true, changeOrigin: true },
      '/healthz': { target: server },
      '/docs': { target: server },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
