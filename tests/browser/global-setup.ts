import { execFileSync } from 'node:child_process'
import path from 'node:path'

/** Build the renderer once for all browser tests, exactly as `npm run web` serves it. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..')
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.web.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  })
}
