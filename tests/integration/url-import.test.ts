import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../src/core/app-core'
import { downloadsDirOf } from '../../src/core/media/url-import'
import type { UrlImport } from '../../src/shared/calls/url-import-calls'
import { dispatch } from '../../src/shared/dispatch'
import { makeMedia } from '../helpers/media'
import { startMediaSite, type MediaSite } from '../helpers/media-site'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
// a title with what file names must not hold (":" and "/"), letters outside ASCII and dots inside
const TITLE = "Ayşe'nin konuşması: bölüm 1/2 v2.1"
let site: MediaSite
let mediaDir: string

beforeAll(async () => {
  mediaDir = tempDir()
  site = await startMediaSite(makeMedia(mediaDir, 'talk.mp3', { seconds: 2 }), TITLE)
})
afterAll(() => site.close())

/** A core whose yt-dlp is the system's (Debian's /usr/bin/yt-dlp), or none: PATH without it. */
async function open(opts: { ytDlp: boolean; maxMB?: number }): Promise<{ core: Core; dir: string; model: string }> {
  const noTools = tempDir()
  const env = opts.ytDlp ? { PATH: process.env.PATH } : { PATH: noTools }
  const got = await openTranscribeCore(tempDir(), { core: { env } })
  await got.core.store.mutate((db) => {
    db.settings.urlImportNoticeAcknowledged = true
    if (opts.maxMB) db.settings.urlImportMaxMB = opts.maxMB
  })
  return got
}

/** The import once it has stopped (done, failed, cancelled). */
function over(core: Core, id: string): Promise<UrlImport> {
  return new Promise((resolve) => {
    const check = (s: UrlImport) => {
      if (s.id === id && s.status !== 'running') {
        off()
        resolve(s)
      }
    }
    const off = core.events.subscribe((name, p) => name === 'urlImport.progress' && check(p as UrlImport))
    const now = core.handlers['urlImport.list']({}).then((l) => l.forEach(check))
    void now
  })
}

async function start(core: Core, url: string, model: string): Promise<UrlImport> {
  const r = await dispatch(core.handlers, 'urlImport.start', { url, options: { model } })
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.key}: ${r.error.message}`)
  return r.value as UrlImport
}

/** Files in the data folder's downloads (the partial folder is looked into: nothing may be left there). */
function downloaded(dir: string): string[] {
  const d = downloadsDirOf(dir)
  if (!existsSync(d)) return []
  const partial = path.join(d, '.partial')
  const left = existsSync(partial) ? readdirSync(partial, { recursive: true }).map((f) => `.partial/${String(f)}`) : []
  return [...readdirSync(d).filter((f) => f !== '.partial'), ...left]
}

describe('import from a link', () => {
  it('is refused until the notice was acknowledged, and for anything but http(s)', async () => {
    const { core, model } = await openTranscribeCore(tempDir(), { core: { env: { PATH: process.env.PATH } } })
    try {
      const first = await dispatch(core.handlers, 'urlImport.start', { url: `${site.url}/page.html`, options: { model } })
      expect(first).toMatchObject({
        ok: false,
        error: { code: 'needs-confirmation', key: 'url-notice', params: { host: new URL(site.url).host } },
      })
      await core.handlers['settings.set']({ urlImportNoticeAcknowledged: true })
      for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/a.mp3', 'not a link', 'javascript:alert(1)']) {
        const r = await dispatch(core.handlers, 'urlImport.start', { url, options: { model } })
        expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', key: 'url-not-http' } })
      }
    } finally {
      await core.close()
    }
  })

  it("fetches a page's <video> with yt-dlp's generic extractor, keeps it named from the title and transcribes it", async () => {
    const { core, dir, model } = await open({ ytDlp: true })
    try {
      const tool = await core.handlers['urlImport.tool']({})
      expect(tool.ytDlp).toBeTruthy()
      const started = await start(core, `${site.url}/page.html`, model)
      const end = await over(core, started.id)
      expect(end.error).toBeNull()
      expect(end).toMatchObject({ status: 'done', method: 'yt-dlp' })
      expect(end.receivedBytes).toBeGreaterThan(0)
      const name = path.basename(end.file!)
      // ":" and "/" are gone, the Turkish letters and the dots inside stay, the extension is the media's
      expect(name.startsWith("Ayşe'nin konuşması bölüm 1 2 v2.1")).toBe(true)
      expect(name.endsWith('.mp3')).toBe(true)
      expect(path.dirname(end.file!)).toBe(downloadsDirOf(dir))
      expect(downloaded(dir)).toEqual([name])
      const job = await finished(core, end.jobId!, 170_000)
      expect(job.status).toBe('done')
      expect(job.fileName).toBe(name)
    } finally {
      await core.close()
    }
    // yt-dlp, then the engine: both heavy on a shared machine
  }, 180_000)

  it('downloads a direct media link without yt-dlp (PATH without it), named from the link', async () => {
    const { core, dir, model } = await open({ ytDlp: false })
    try {
      expect((await core.handlers['urlImport.tool']({})).ytDlp).toBeNull()
      const started = await start(core, `${site.url}/media/${encodeURIComponent('Konuşma v2.1.mp3')}`, model)
      const end = await over(core, started.id)
      expect(end).toMatchObject({ status: 'done', method: 'direct', error: null })
      expect(end.totalBytes).toBe(end.receivedBytes)
      expect(downloaded(dir)).toEqual(['Konuşma v2.1.mp3'])
      expect((await finished(core, end.jobId!, 170_000)).status).toBe('done')
      // the same link again is kept beside the first, not over it
      const again = await over(core, (await start(core, `${site.url}/media/${encodeURIComponent('Konuşma v2.1.mp3')}`, model)).id)
      expect(path.basename(again.file!)).toBe('Konuşma v2.1 (2).mp3')
      await finished(core, again.jobId!, 170_000)
    } finally {
      await core.close()
    }
  }, 180_000)

  it('says how to install yt-dlp when a page needs it', async () => {
    const { core, dir, model } = await open({ ytDlp: false })
    try {
      const end = await over(core, (await start(core, `${site.url}/page.html`, model)).id)
      expect(end).toMatchObject({
        status: 'failed',
        error: { key: 'url-ytdlp-missing', params: { command: 'sudo apt install yt-dlp' } },
      })
      expect(downloaded(dir)).toEqual([])
    } finally {
      await core.close()
    }
  })

  it('words a 404 and a page without media, with and without yt-dlp', async () => {
    for (const ytDlp of [true, false]) {
      const { core, dir, model } = await open({ ytDlp })
      try {
        const missing = await over(core, (await start(core, `${site.url}/media-gone/talk.mp3`, model)).id)
        expect(missing).toMatchObject({ status: 'failed', error: { code: 'not-found', key: 'url-not-found' } })
        if (ytDlp) {
          const plain = await over(core, (await start(core, `${site.url}/plain.html`, model)).id)
          expect(plain).toMatchObject({ status: 'failed', method: 'yt-dlp', error: { key: 'url-not-media' } })
        }
        expect(downloaded(dir)).toEqual([])
      } finally {
        await core.close()
      }
    }
  }, 120_000)

  it('refuses a body over the size limit: early from Content-Length, and an endless one stopped at the limit, leaving no file', async () => {
    const { core, dir, model } = await open({ ytDlp: false, maxMB: 1 })
    try {
      const huge = await over(core, (await start(core, `${site.url}/huge.mp3`, model)).id)
      expect(huge).toMatchObject({ status: 'failed', receivedBytes: 0, error: { key: 'url-too-big', params: { limitMB: 1 } } })
      const endless = await over(core, (await start(core, `${site.url}/endless.mp3`, model)).id)
      expect(endless).toMatchObject({ status: 'failed', method: 'direct', error: { key: 'url-too-big' } })
      expect(endless.receivedBytes).toBeGreaterThan(1024 * 1024)
      // stopped by the read that crossed the limit (the stack may join the server's writes into larger reads)
      expect(endless.receivedBytes).toBeLessThan(2 * 1024 * 1024)
      expect(downloaded(dir)).toEqual([])
      expect(core.transcription.jobs()).toEqual([])
    } finally {
      await core.close()
    }
  })

  it("stops yt-dlp at the size limit when a page's media never ends, leaving no file", async () => {
    const { core, dir, model } = await open({ ytDlp: true, maxMB: 1 })
    try {
      const end = await over(core, (await start(core, `${site.url}/endless-page.html`, model)).id)
      expect(end).toMatchObject({ status: 'failed', method: 'yt-dlp', error: { key: 'url-too-big' } })
      expect(downloaded(dir)).toEqual([])
    } finally {
      await core.close()
    }
  })

  it('cancels a download mid-way: the request is aborted and no half-written file is kept', async () => {
    const { core, dir, model } = await open({ ytDlp: false })
    try {
      const started = await start(core, `${site.url}/stalled.mp3`, model)
      const ended = over(core, started.id)
      await until('some bytes', async () =>
        (await core.handlers['urlImport.list']({})).find((s) => s.id === started.id && s.receivedBytes > 0),
      )
      expect(await core.handlers['urlImport.cancel']({ id: started.id })).toEqual({ cancelled: true })
      expect(await ended).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } })
      expect(downloaded(dir)).toEqual([])
      expect(core.transcription.jobs()).toEqual([])
    } finally {
      await core.close()
    }
  })
})

// a partial folder left by a process that is gone is swept when the next one opens the data folder
describe('what a crashed import left', () => {
  it('is removed at the next start', async () => {
    const dir = tempDir()
    const left = path.join(downloadsDirOf(dir), '.partial', '999999999-abc')
    mkdirSync(left, { recursive: true })
    const { core } = await openTranscribeCore(dir)
    try {
      expect(existsSync(left)).toBe(false)
    } finally {
      await core.close()
    }
  })
})
