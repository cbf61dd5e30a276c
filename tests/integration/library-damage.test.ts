// library.db holds the jobs and the transcript index: a damaged one — cut short, not a database
// at all, or written by a newer version — is never replaced. The app stops with a message worded
// in the user's language (an error key), and every file of the data folder stays as it was.
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { AppError } from '../../src/shared/errors'
import type { Segment } from '../../src/shared/transcribe-types'
import { messages } from '../../src/renderer/src/i18n/messages'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const open = (dataDir: string) => openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: {} })

/** A data folder with a few transcripts, so library.db spans many pages. */
async function library(): Promise<string> {
  const dir = tempDir()
  const core = await open(dir)
  const now = new Date().toISOString()
  for (let i = 0; i < 40; i++) {
    const segments: Segment[] = Array.from({ length: 30 }, (_, k) => ({
      id: k,
      start: k,
      end: k + 1,
      text: `kayıt ${i} bölüm ${k} İstanbul`,
    }))
    await core.transcripts.save(
      {
        jobId: `j${i}`,
        fileName: `kayıt ${i}.mp4`,
        mediaPath: `/m/${i}.mp4`,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 30,
        language: 'tr',
        model: 'base',
      },
      segments,
    )
  }
  await core.close()
  return dir
}

const snapshot = (dir: string) =>
  new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.parentPath.includes('instances'))
      .map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), readFileSync(path.join(e.parentPath, e.name))]),
  )

const tr = messages.tr as unknown as { errors: { keys: Record<string, string> } }
const en = messages.en as unknown as { errors: { keys: Record<string, string> } }

const damages: [string, string, (file: string) => void][] = [
  ['cut short', 'library-unreadable', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
  [
    'not a database at all',
    'library-unreadable',
    (file) => writeFileSync(file, 'these are not the bytes of a database\n'.repeat(300)),
  ],
  [
    'written by a newer version',
    'library-newer',
    (file) => {
      const db = new DatabaseSync(file)
      db.exec('UPDATE schema_version SET version = 999')
      db.close()
    },
  ],
]

describe('a damaged library.db', { timeout: 60_000 }, () => {
  for (const [what, key, damage] of damages) {
    it(`${what}: the app stops with a worded message and changes nothing`, async () => {
      const dir = await library()
      const file = path.join(dir, 'library.db')
      damage(file)
      const before = snapshot(dir)
      const err = await open(dir).then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('store-failed')
      expect((err as AppError).toShape()).toMatchObject({ key, params: { file } })
      expect((err as AppError).message).toContain(file)
      // worded in both languages, and differently
      expect(en.errors.keys[key]).toBeTruthy()
      expect(tr.errors.keys[key]).toBeTruthy()
      expect(tr.errors.keys[key]).not.toBe(en.errors.keys[key])
      // nothing overwritten, nothing new beside it (no fresh, empty library in its place)
      expect(snapshot(dir)).toEqual(before)
      // and it says the same the next time
      await expect(open(dir)).rejects.toMatchObject({ code: 'store-failed' })
      expect(snapshot(dir)).toEqual(before)
    })
  }
})
