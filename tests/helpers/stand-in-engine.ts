import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const script = path.join(import.meta.dirname, 'stand-in-engine-process.mjs')

/**
 * An executable in `dir` that starts the stand-in whisper-server process (stand-in-engine-process.mjs)
 * with this script; point MP4TOTEXT_WHISPER_SERVER at it.
 */
export function standInEngine(dir: string, opts: { delaySec?: number; crashOn?: number; refuseOn?: number } = {}): string {
  const file = path.join(dir, 'stand-in-whisper-server')
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      `STAND_IN_DELAY_SEC=${opts.delaySec ?? 0} STAND_IN_CRASH_ON=${opts.crashOn ?? 0} STAND_IN_REFUSE_ON=${opts.refuseOn ?? 0} exec ${q(process.execPath)} ${q(script)} "$@"`,
      '',
    ].join('\n'),
  )
  chmodSync(file, 0o755)
  return file
}
