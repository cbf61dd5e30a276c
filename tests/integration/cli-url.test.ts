import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadsDirOf } from '../../src/core/media/url-import'
import { makeMedia } from '../helpers/media'
import { startMediaSite, type MediaSite } from '../helpers/media-site'
import { useTempDirs } from '../helpers/temp-dir'
import { installMiniModel } from '../helpers/transcribe-env'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
let site: MediaSite

beforeAll(async () => {
  site = await startMediaSite(makeMedia(tempDir(), 'talk.mp3', { seconds: 2 }), 'Toplantı notları v1.2')
})
afterAll(() => site.close())

/** The real bin, as a user runs it, in `cwd`. */
function mp4totext(
  cwd: string,
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), ...args], { cwd, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('mp4totext transcribe URL', () => {
  it('fetches a page with yt-dlp, keeps the media in downloads and writes the transcript in the working folder', async () => {
    const dataDir = tempDir()
    const cwd = tempDir()
    const model = await installMiniModel(dataDir)
    const r = await mp4totext(
      cwd,
      { ...process.env, MP4TOTEXT_DATA_DIR: dataDir },
      'transcribe',
      `${site.url}/page.html`,
      '--model',
      model,
      '--format',
      'txt,srt',
    )
    expect(r.stderr).toContain(`sends a request to ${new URL(site.url).host}`)
    expect(r.code, r.stderr).toBe(0)
    const kept = readdirSync(downloadsDirOf(dataDir)).filter((f) => f !== '.partial')
    expect(kept).toHaveLength(1)
    expect(kept[0]!.startsWith('Toplantı notları v1.2')).toBe(true)
    const base = kept[0]!.replace(/\.mp3$/, '')
    expect(readdirSync(cwd).sort()).toEqual([`${base}.srt`, `${base}.txt`])
    expect(r.stdout).toContain(`→ ${path.join(cwd, `${base}.txt`)}`)
    expect(readFileSync(path.join(cwd, `${base}.srt`), 'utf8')).toMatch(/^1\r?\n00:00:0/)
    // a process start, yt-dlp, then the engine: heavy on a shared machine
  }, 180_000)

  it('a direct link without yt-dlp on PATH; a 404 fails with its reason and exit 1, writing nothing', async () => {
    const dataDir = tempDir()
    const cwd = tempDir()
    const model = await installMiniModel(dataDir)
    const env = { ...process.env, MP4TOTEXT_DATA_DIR: dataDir, MP4TOTEXT_YTDLP: path.join(cwd, 'no-yt-dlp') }
    const ok = await mp4totext(cwd, env, 'transcribe', `${site.url}/media/ses%20kayd%C4%B1.mp3`, '--model', model)
    expect(ok.code, ok.stderr).toBe(0)
    expect(existsSync(path.join(cwd, 'ses kaydı.txt'))).toBe(true)
    const missing = await mp4totext(cwd, env, 'transcribe', `${site.url}/gone.mp3`, '--model', model)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('was not found')
    expect(readdirSync(cwd)).toEqual(['ses kaydı.txt'])
  }, 180_000)
})
