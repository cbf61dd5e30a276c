import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { onwarn } from './build/vite-quiet'

/** The same renderer, built for the web host (browser tests, headless use). */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  // WEB_OUT_DIR: one build per checkout user, so two test runs side by side do not empty each other's
  build: {
    outDir: process.env.WEB_OUT_DIR ?? resolve(import.meta.dirname, 'out/web'),
    emptyOutDir: true,
    rollupOptions: { onwarn },
  },
  logLevel: 'warn',
})
