// npm run bench: every benchmark, one after another.
export {}
await import('./enhance')
await import('./transcribe')
