// Vite's `?worker&url` import (the URL of a separately bundled worker chunk); the renderer's
// tsconfig does not load vite/client, so the one form this folder uses is declared here.
declare module '*?worker&url' {
  const src: string
  export default src
}
