// tsconfig does not load vite/client; the one form of Vite's import.meta.glob the locales use.
export {}
declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>
  }
}
