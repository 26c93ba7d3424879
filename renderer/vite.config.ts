/**
 * The renderer's build: static files the Electron shell serves over `app://` and the browser mode
 * over loopback HTTP. No dev server in the product path; `npm run build:renderer` writes `dist/`.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The app is loaded from disk on a LAN PC: one chunk per screen would only add round trips.
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    rolldownOptions: {
      // The component library marks its modules "use client" (for server components, which we do not use).
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
});
