import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { onwarn } from './build/vite-quiet'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // the native engines' child process: emitted beside index.js, where native-child.ts looks
          'native-host': resolve(import.meta.dirname, 'src/core/runtime/native-host.mjs'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but 'electron': bundle zod and the contract into it.
      externalizeDeps: false,
      rollupOptions: {
        // ...and it cannot load ES modules: emit CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: { rollupOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html'), onwarn } },
    plugins: [react()],
  },
})
