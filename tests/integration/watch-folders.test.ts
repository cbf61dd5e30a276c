import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { promises as fsPromises } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore } from '../../src/core/app-core'
import type { Db } from '../../src/core/store/db-schema'
import { readLibrary } from '../helpers/library-rows'
import { installMiniModel } from '../helpers/transcribe-env'
import { makeMedia } from '../helpers/media'
import { processGone } from '../helpers/processes'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const bin = path.join(root, 'bin/mp4totext.mjs')
const children = new Set<ChildProcess>()

afterEach(() => {
  for (const c of children) c.kill('SIGKILL')
  children.clear()
})

/** db.json and library.db together: the data folder as a whole */
const readDb = (dataDir: string) => {
  const db = JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8')) as Db
  const lib = readLibrary(dataDir)
  return { ...db, ...lib, owners: { ...db.owners, ...lib.owners } }
}
/**
 * The separate CLI processes decode with temperature fallback, which is slow on the random
 * weights: their data folders have speech detection on, so tones go through decode and speech
 * detection quickly (an empty transcript). The app's core in the last test runs whisper itself.
 */
const quickModel = (dataDir: string) => installMiniModel(dataDir, { vad: true })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A `mp4totext watch` process; its output so far is in `out()`. */
function startWatch(args: string[]) {
  const child = spawn(process.execPath, [bin, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let text = ''
  child.stdout!.on('data', (c: Buffer) => (text += c))
  child.stderr!.on('data', (c: Buffer) => (text += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => text, exited }
}

/** Copy a file the way a slow copy or download does: in pieces, with pauses. */
async function copySlowly(from: string, to: string, pieces: number, afterEach: () => void) {
  const data = readFileSync(from)
  const fh = await open(to, 'w')
  const size = Math.ceil(data.length / pieces)
  for (let i = 0; i < pieces; i++) {
    await fh.write(data.subarray(i * size, (i + 1) * size))
    await fh.sync()
    afterEach()
    await sleep(400)
  }
  await fh.close()
}

/**
 * Another process writes `from` to `to` as a copy that stalls does: the first `firstBytes`, a
 * pause of `pauseMs`, then the rest. Resolves when it has written all and exited.
 */
function writeInAnotherProcess(from: string, to: string, firstBytes: number, pauseMs: number): Promise<number | null> {
  const script = `
    const fs = require('node:fs')
    const [from, to, first, pause] = process.argv.slice(1)
    const data = fs.readFileSync(from)
    const fd = fs.openSync(to, 'w')
    fs.writeSync(fd, data.subarray(0, Number(first)))
    fs.fsyncSync(fd)
    setTimeout(() => {
      fs.writeSync(fd, data.subarray(Number(first)))
      fs.closeSync(fd)
    }, Number(pause))`
  const child = spawn(process.execPath, ['-e', script, from, to, String(firstBytes), String(pauseMs)], { stdio: 'ignore' })
  children.add(child)
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}

describe('watch folders and folder runs', () => {
  it('transcribe DIR --recursive: media by extension, others skipped; a second run transcribes nothing again', async () => {
    const dataDir = tempDir()
    const media = tempDir()
    const model = await quickModel(dataDir)
    mkdirSync(path.join(media, 'sub'))
    makeMedia(media, 'a.wav', { seconds: 2 })
    makeMedia(path.join(media, 'sub'), 'Toplantı 2025.11.03.mp3', { seconds: 2 })
    writeFileSync(path.join(media, 'notes.txt'), 'not media')
    // the user's own file where an output would go: kept, the output takes a free name
    writeFileSync(path.join(media, 'a.srt'), 'mine')
    const run = () =>
      spawnSync(
        process.execPath,
        [bin, 'transcribe', media, '--recursive', '--format', 'txt,srt', '--model', model, '--data-dir', dataDir],
        {
          encoding: 'utf8',
        },
      )
    const first = run()
    expect(first.status, first.stderr).toBe(0)
    expect(first.stderr).toContain(`skipped: ${path.join(media, 'notes.txt')} (not a media file)`)
    expect(first.stderr).toContain('2 transcribed, 0 already done, 0 failed')
    expect(readFileSync(path.join(media, 'a.srt'), 'utf8')).toBe('mine')
    const expected = ['a (2).srt', 'a.srt', 'a.txt', 'a.wav', 'notes.txt', 'sub']
    expect(readdirSync(media).sort()).toEqual(expected)
    expect(readdirSync(path.join(media, 'sub')).sort()).toEqual([
      'Toplantı 2025.11.03.mp3',
      'Toplantı 2025.11.03.srt',
      'Toplantı 2025.11.03.txt',
    ])
    // speech detection heard none in the tone: an empty transcript, written all the same
    expect(readFileSync(path.join(media, 'a.txt'), 'utf8').trim()).toBe('')

    const second = run()
    expect(second.status, second.stderr).toBe(0)
    expect(second.stdout).toContain(`= ${path.join(media, 'a.wav')}: already transcribed`)
    expect(second.stderr).toContain('0 transcribed, 2 already done, 0 failed')
    expect(readdirSync(media).sort()).toEqual(expected)
    const db = readDb(dataDir)
    expect(db.transcripts).toHaveLength(2)
    expect(db.watchedFiles.map((r) => r.status)).toEqual(['done', 'done'])
  })

  it("transcribe DIR again after a failed run: the failed file is retried with the new run's model and formats", async () => {
    const dataDir = tempDir()
    const media = tempDir()
    const model = await quickModel(dataDir)
    makeMedia(media, 'ses.wav', { seconds: 2 })
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, [bin, 'transcribe', media, '--data-dir', dataDir, ...extra], { encoding: 'utf8' })
    // a model that is not installed: the file fails
    const first = run('--model', 'base')
    expect(first.status).toBe(1)
    expect(first.stderr).toContain('0 transcribed, 0 already done, 1 failed')
    // the user runs it again with a model they have, and asks for subtitles too
    const second = run('--model', model, '--format', 'txt,srt')
    expect(second.stderr).not.toContain('"base" is not installed')
    expect(second.status, second.stderr).toBe(0)
    expect(second.stderr).toContain('1 transcribed, 0 already done, 0 failed')
    expect(readdirSync(media).sort()).toEqual(['ses.srt', 'ses.txt', 'ses.wav'])
    const db = readDb(dataDir)
    expect(db.watchedFiles).toHaveLength(1)
    expect(db.watchedFiles[0]).toMatchObject({ status: 'done', model, formats: ['txt', 'srt'] })
    expect(db.transcripts).toHaveLength(1)
    expect(db.transcripts[0]!.model).toBe(model)
  })

  it('watch: a file copied in slowly is queued once, when complete; killed mid-way and started again, nothing is done twice', async () => {
    const dataDir = tempDir()
    const watched = tempDir()
    const outDir = path.join(tempDir(), 'out')
    const staging = tempDir()
    const model = await quickModel(dataDir)
    // long enough that the kill below comes while it is still being decoded
    const first = makeMedia(staging, 'first take.d.wav', { seconds: 40, sampleRate: 16_000 })
    const second = makeMedia(staging, 'ikinci çekim.mp3', { seconds: 2 })
    const args = [watched, '--out', outDir, '--recursive', '--model', model, '--data-dir', dataDir]

    const w1 = startWatch(args)
    await until('the watcher to start', () => w1.out().includes('Watching'))
    mkdirSync(path.join(watched, 'day 1'))
    const target = path.join(watched, 'day 1', 'first take.d.wav')
    // nothing is queued while the file still grows
    await copySlowly(first, target, 6, () => expect(readDb(dataDir).watchedFiles).toEqual([]))
    await until('the file to be queued', () => w1.out().includes(`+ queued: ${target}`))
    const queued = readDb(dataDir)
    expect(queued.watchedFiles).toHaveLength(1)
    expect(queued.watchedFiles[0]!.size).toBe(readFileSync(first).length)
    expect(queued.jobs).toHaveLength(1)

    w1.child.kill('SIGKILL')
    await until('the watcher to be gone', () => processGone(w1.child.pid!))
    // killed before the transcript was done: no output yet
    const killed = readDb(dataDir)
    expect(['queued', 'running']).toContain(killed.jobs[0]!.status)
    expect(killed.watchedFiles[0]!.status).toBe('queued')
    // a file that arrives while nothing watches is taken at the next start
    copyFileSync(second, path.join(watched, 'ikinci çekim.mp3'))

    const w2 = startWatch(args)
    await until('both files to be done', () => (w2.out().match(/✓ /g)?.length ?? 0) >= 2)
    const db = readDb(dataDir)
    expect(db.watchedFiles.map((r) => r.status)).toEqual(['done', 'done'])
    // the interrupted job ran again; no second job, no second transcript
    expect(db.jobs).toHaveLength(2)
    expect(db.transcripts).toHaveLength(2)
    expect(readdirSync(outDir).sort()).toEqual(['day 1', 'ikinci çekim.srt', 'ikinci çekim.txt'])
    expect(readdirSync(path.join(outDir, 'day 1')).sort()).toEqual(['first take.d.srt', 'first take.d.txt'])
    // outputs only in the out folder; the watched folder holds what the user put there
    expect(readdirSync(watched).sort()).toEqual(['day 1', 'ikinci çekim.mp3'])

    w2.child.kill('SIGTERM')
    expect(await w2.exited).toBe(0)
    expect(readDb(dataDir).owners).toEqual({})
  })

  it('watch: a copy that stalls longer than the settle time is taken once, whole; written again later, its outputs are replaced', async () => {
    const dataDir = tempDir()
    const watched = tempDir()
    const staging = tempDir()
    const model = await quickModel(dataDir)
    const whole = makeMedia(staging, 'toplantı.wav', { seconds: 6, sampleRate: 16_000 })
    const size = readFileSync(whole).length
    const w = startWatch([watched, '--model', model, '--data-dir', dataDir])
    await until('the watcher to start', () => w.out().includes('Watching'))
    const target = path.join(watched, 'toplantı.wav')
    // a third of the file, then nothing for twice the 2 s settle time: size and time stand still
    expect(await writeInAnotherProcess(whole, target, Math.floor(size / 3), 4_000)).toBe(0)
    const done = await until('the whole file to be done', () =>
      readDb(dataDir).watchedFiles.find((r) => r.size === size && r.status === 'done'),
    )
    let db = readDb(dataDir)
    // the stalled third was never taken: one file, one job, one transcript, not partial
    expect(db.watchedFiles.map((r) => [r.size, r.status])).toEqual([[size, 'done']])
    expect(db.jobs).toHaveLength(1)
    expect(db.jobs[0]!.partial ?? null).toBeNull()
    expect(db.transcripts).toHaveLength(1)
    expect(done.outputs).toEqual([path.join(watched, 'toplantı.txt'), path.join(watched, 'toplantı.srt')])

    // the user records over it: the new content is transcribed, into the same output files
    const longer = makeMedia(staging, 'again.wav', { seconds: 8, sampleRate: 16_000 })
    const newSize = readFileSync(longer).length
    expect(await writeInAnotherProcess(longer, target, newSize, 0)).toBe(0)
    const redone = await until('the new content to be done', () =>
      readDb(dataDir).watchedFiles.find((r) => r.size === newSize && r.status === 'done'),
    )
    expect(redone.outputs).toEqual(done.outputs)
    expect(readdirSync(watched).sort()).toEqual(['toplantı.srt', 'toplantı.txt', 'toplantı.wav'])
    db = readDb(dataDir)
    expect(db.watchedFiles).toHaveLength(1)
    expect(db.jobs).toHaveLength(2)
    // the earlier transcript stays in the library; the files beside the media are the new one's
    expect(db.transcripts).toHaveLength(2)
    w.child.kill('SIGTERM')
    expect(await w.exited).toBe(0)
  }, 90_000)

  it('a failed file is not taken again after a restart; the user retrying its job writes its outputs', async () => {
    const dataDir = tempDir()
    const watched = tempDir()
    const model = await quickModel(dataDir)
    const modelFile = path.join(dataDir, 'models', 'ggml-mini-test.bin')
    const aside = path.join(tempDir(), 'aside.bin')
    // the model is missing when the file arrives: its job fails, with Retry possible
    renameSync(modelFile, aside)
    const file = makeMedia(watched, 'kayıt.wav', { seconds: 2 })
    const target = {
      folderId: 't',
      rootDir: watched,
      outDir: null,
      recursive: false,
      formats: ['txt' as const],
      model,
      language: null,
      vad: null,
    }
    const opened = () => openCore({ dataDir, shell: 'cli', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    let core = await opened()
    const taken = await core.watch.take(file, target)
    expect(taken.kind).toBe('queued')
    await until('the file to fail', () => core.watch.record(taken.record.key)?.status === 'failed')
    await core.close()

    core = await opened()
    try {
      await core.watch.resume()
      expect((await core.watch.take(file, target)).kind).toBe('seen')
      expect(core.library.jobs.all()).toHaveLength(1)
      expect(readdirSync(watched)).toEqual(['kayıt.wav'])
      renameSync(aside, modelFile)
      await core.handlers['transcribe.retry']({ id: taken.record.jobId! })
      await until('the outputs', () => core.watch.record(taken.record.key)?.status === 'done')
      expect(readdirSync(watched).sort()).toEqual(['kayıt.txt', 'kayıt.wav'])
      expect(core.library.jobs.all()).toHaveLength(1)
    } finally {
      await core.close()
    }
  })

  it("the app's watch folder and a CLI watch on the same folder transcribe each file once", async () => {
    const dataDir = tempDir()
    const watched = tempDir()
    const staging = tempDir()
    const model = await installMiniModel(dataDir)
    const core = await openCore({ dataDir, shell: 'web', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    try {
      await core.handlers['watch.add']({
        dir: watched,
        outDir: null,
        recursive: false,
        formats: ['txt'],
        model,
        language: null,
        vad: null,
      })
      const cli = startWatch([watched, '--format', 'txt', '--vad', '--model', model, '--data-dir', dataDir])
      await until('the CLI watcher to start', () => cli.out().includes('Watching'))
      const names = ['one.wav', 'two.mp3', 'three.m4a']
      for (const n of names) copyFileSync(makeMedia(staging, n, { seconds: 2 }), path.join(watched, n))
      await until(
        'every file to be done',
        () => readDb(dataDir).watchedFiles.filter((r) => r.status === 'done').length === 3,
        90_000,
      )
      const db = readDb(dataDir)
      expect(db.watchedFiles).toHaveLength(3)
      expect(db.jobs).toHaveLength(3)
      expect(db.transcripts).toHaveLength(3)
      expect(readdirSync(watched).sort()).toEqual(['one.txt', 'one.wav', 'three.m4a', 'three.txt', 'two.mp3', 'two.txt'])
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(0)
    } finally {
      await core.close()
    }
  }, 120_000)

  it('a folder gone at the moment its watch starts, and back the next, is watched (not left stopped for good)', async () => {
    const dataDir = tempDir()
    const watched = path.join(tempDir(), 'Gelen')
    mkdirSync(watched)
    const core = await openCore({ dataDir, shell: 'web', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    // the moment a sync tool deletes the folder and makes it again: the watch's first check finds
    // nothing, anything that looks after it finds the folder
    const realStat = fsPromises.stat
    let gone = 1
    const stat = vi.spyOn(fsPromises, 'stat').mockImplementation(((p: string, o?: object) => {
      if (path.resolve(String(p)) === watched && gone-- > 0)
        return Promise.reject(Object.assign(new Error(`ENOENT: ${String(p)}`), { code: 'ENOENT' }))
      return realStat(p, o as never)
    }) as typeof fsPromises.stat)
    try {
      const id = 'f0000000-0000-4000-8000-000000000001'
      const folder = {
        id,
        dir: watched,
        outDir: null,
        recursive: false,
        formats: ['txt' as const],
        model: null,
        language: null,
        vad: null,
        enabled: true,
      }
      await core.handlers['settings.set']({ watchFolders: [folder] })
      const state = async () => (await core.handlers['watch.states']({})).find((s) => s.id === id)
      await until('the folder to be watched', async () => (await state())?.state === 'watching', 15_000)
      expect(gone).toBeLessThan(1)
    } finally {
      stat.mockRestore()
      await core.close()
    }
  })

  it("a watched folder deleted and made again is watched again; while it is gone the app's state says it is stopped, and why", async () => {
    const dataDir = tempDir()
    const parent = tempDir()
    const staging = tempDir()
    const watched = path.join(parent, 'Gelen')
    mkdirSync(watched)
    const model = await installMiniModel(dataDir, { vad: true })
    const core = await openCore({ dataDir, shell: 'web', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    const doneCount = () => core.watch.records(50).filter((r) => r.status === 'done').length
    try {
      const [folder] = await core.handlers['watch.add']({
        dir: watched,
        outDir: null,
        recursive: false,
        formats: ['txt'],
        model,
        language: null,
        vad: null,
      })
      // deleted and made again at once (a sync tool, a script that clears it): files dropped in
      // the new folder are transcribed
      rmSync(watched, { recursive: true })
      mkdirSync(watched)
      await sleep(2_500)
      copyFileSync(makeMedia(staging, 'bir.wav', { seconds: 2 }), path.join(watched, 'bir.wav'))
      await until('the file in the re-made folder to be done', () => doneCount() === 1, 30_000)

      // gone for a while: the state says so, with the reason, while Settings still lists it enabled
      rmSync(watched, { recursive: true })
      const stopped = async () => (await core.handlers['watch.states']({})).find((s) => s.id === folder!.id)
      await until('the folder to show as stopped', async () => (await stopped())?.state === 'stopped', 30_000)
      expect(await stopped()).toMatchObject({ state: 'stopped', reason: 'missing' })
      expect((await stopped())!.message).toContain(watched)
      expect((await core.handlers['watch.list']({}))[0]!.enabled).toBe(true)
      // back: watched again, and a file that was put in it meanwhile is taken too
      mkdirSync(watched)
      copyFileSync(makeMedia(staging, 'iki.mp3', { seconds: 2 }), path.join(watched, 'iki.mp3'))
      await until('the folder to be watched again', async () => (await stopped())?.state === 'watching', 30_000)
      await until('the file to be done', () => doneCount() === 2, 30_000)
      expect(readdirSync(watched).sort()).toEqual(['iki.mp3', 'iki.txt'])
    } finally {
      await core.close()
    }
  }, 120_000)
})

describe('outputs the user asked for follow the user’s umask; the data folder stays private', () => {
  /** The CLI as a real process started under `umask`. */
  const cliUnder = (umask: string, args: string[]) =>
    spawnSync('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, bin, ...args], { encoding: 'utf8' })
  const modeOf = (file: string) => statSync(file).mode & 0o777
  /** every file the app wrote in the data folder (the test's model copy aside) */
  const dataFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.bin'))
      .map((e) => path.join(e.parentPath, e.name))

  it('transcribe --out DIR and a folder run give 0644 under umask 022 (0600 under 077); db.json and library.db (the transcripts) are 0600', async () => {
    const dataDir = tempDir()
    const model = await quickModel(dataDir)
    const media = tempDir()
    makeMedia(media, 'toplanti.wav', { seconds: 2 })
    // `--out DIR/` that does not exist yet is made
    const outDir = path.join(tempDir(), 'subtitles')
    const one = cliUnder('022', [
      'transcribe',
      path.join(media, 'toplanti.wav'),
      '--format',
      'srt',
      '--out',
      `${outDir}/`,
      '--model',
      model,
      '--data-dir',
      dataDir,
    ])
    expect(one.status, one.stderr).toBe(0)
    expect(modeOf(path.join(outDir, 'toplanti.srt')).toString(8)).toBe('644')

    const folder = cliUnder('022', ['transcribe', media, '--format', 'srt', '--model', model, '--data-dir', dataDir])
    expect(folder.status, folder.stderr).toBe(0)
    expect(modeOf(path.join(media, 'toplanti.srt')).toString(8)).toBe('644')

    const strict = path.join(tempDir(), 'strict')
    mkdirSync(strict)
    const own = cliUnder('077', [
      'transcribe',
      path.join(media, 'toplanti.wav'),
      '--format',
      'txt',
      '--out',
      `${strict}/`,
      '--model',
      model,
      '--data-dir',
      dataDir,
    ])
    expect(own.status, own.stderr).toBe(0)
    expect(modeOf(path.join(strict, 'toplanti.txt')).toString(8)).toBe('600')

    const written = dataFiles(dataDir)
    expect(written).toContain(path.join(dataDir, 'db.json'))
    // the transcripts (their segments too) are in library.db
    expect(written).toContain(path.join(dataDir, 'library.db'))
    for (const f of written) expect(modeOf(f).toString(8), f).toBe('600')
  }, 120_000)
})
