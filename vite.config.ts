import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into dist/console, which the reference server serves. In development
// (`npm run dev`) Vite serves it on :5173 and proxies the API to the server on :8080.
const API = process.env.API_ORIGIN ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  publicDir: 'public',
  build: {
    outDir: 'dist/console',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/w/': API,
      '/.well-known/': API,
      '/config.json': API,
    },
  },
});
