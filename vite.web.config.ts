import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { onwarn } from './build/vite-quiet'

/** The same renderer, built for the web host (browser tests, headless use). */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve(import.meta.dirname, 'out/web'), emptyOutDir: true, rollupOptions: { onwarn } },
  logLevel: 'warn',
})
