import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { engineRunDir, readEngineRecords, writeEngineRecord } from '../../src/core/runtime/engine-record'
import { cleanStaleRuntime } from '../../src/core/runtime/stale-runtime'
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'
import { WhisperServer } from '../../src/core/transcribe/whisper-server'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { processGone } from '../helpers/processes'
import { installMiniModel } from '../helpers/transcribe-env'
import { until } from '../helpers/until'
import { freePort } from '../../src/core/runtime/free-port'

const tempDir = useTempDirs()
const procs: ChildProcess[] = []
const engines: WhisperServer[] = []
afterEach(() => {
  for (const e of engines.splice(0)) e.kill()
  for (const p of procs.splice(0)) p.kill('SIGKILL')
})

/** the pid of a real process that has exited (and was reaped) */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''])
  return r.pid
}

async function miniModel(): Promise<string> {
  const dir = tempDir()
  await installMiniModel(dir)
  return path.join(dir, 'models', 'ggml-mini-test.bin')
}

/** a whisper-server that nobody watches (its stdin ends after the secret), like one left by a crash of an older build */
function orphanEngine(modelPath: string, port: number): ChildProcess {
  const proc = spawn(whisperServerPath(), ['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '-t', '1'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  proc.stdin!.end(`${'a'.repeat(64)}\n`)
  procs.push(proc)
  return proc
}

describe('start-up clean-up of what crashed processes left behind', () => {
  it("removes temp audio folders whose owner is dead, keeps live owners' and unrelated ones", async () => {
    const tmp = tempDir()
    const dead = deadPid()
    const make = (name: string) => {
      mkdirSync(path.join(tmp, name))
      writeFileSync(path.join(tmp, name, 'window-0.wav'), Buffer.alloc(1000))
      return name
    }
    const deadOwners = [make(`mp4totext-pcm-${dead}-Ab12Cd`), make(`mp4totext-pcm-${dead}-Zz99yY`)]
    const liveOwner = make(`mp4totext-pcm-${process.pid}-Qw12Er`)
    // from a version that did not put the pid in the name: only an old one is surely abandoned
    const legacyOld = make('mp4totext-pcm-Ol12Dd')
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000)
    utimesSync(path.join(tmp, legacyOld), twoDaysAgo, twoDaysAgo)
    const legacyFresh = make('mp4totext-pcm-Fr12Sh')
    const unrelated = [make('mp4totext-test-abc'), make(`other-${dead}-x`)]
    writeFileSync(path.join(tmp, `mp4totext-pcm-${dead}-file`), 'a file, not a folder')

    const report = await cleanStaleRuntime({ dataDir: tempDir(), tmpDir: tmp })

    const left = readdirSync(tmp).sort()
    expect(left).toEqual([liveOwner, legacyFresh, ...unrelated, `mp4totext-pcm-${dead}-file`].sort())
    expect(report.removedTempDirs.sort()).toEqual([...deadOwners, legacyOld].map((n) => path.join(tmp, n)).sort())
  })

  it('after kill -9 during decoding, the next start removes the decoded audio', async () => {
    const tmp = tempDir()
    const media = makeMedia(tempDir(), 'long.flac', { seconds: 120, noise: true, sampleRate: 16_000 })
    const decodeModule = path.resolve(import.meta.dirname, '../../src/core/media/decode.ts')
    // a real process decoding a real file, stopped by SIGKILL while its windows are on disk
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { decodeWindows } = await import(${JSON.stringify(decodeModule)})
         for await (const w of decodeWindows(${JSON.stringify(media)}, 10)) { console.log(w.wavPath); await new Promise(() => {}) }`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } },
    )
    procs.push(child)
    const wav = await new Promise<string>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())))
    expect(existsSync(wav)).toBe(true)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(readdirSync(tmp).filter((n) => n.startsWith('mp4totext-pcm-'))).not.toEqual([])

    await cleanStaleRuntime({ dataDir: tempDir(), tmpDir: tmp })
    expect(readdirSync(tmp).filter((n) => n.startsWith('mp4totext-pcm-'))).toEqual([])
  })

  it('WhisperServer records itself under <dataDir>/run while it runs, and removes the record when it stops', async () => {
    const dataDir = tempDir()
    const runDir = engineRunDir(dataDir)
    const engine = await WhisperServer.start({
      serverPath: whisperServerPath(),
      modelPath: await miniModel(),
      threads: 1,
      runDir,
    })
    engines.push(engine)
    expect(await readEngineRecords(runDir)).toEqual([
      expect.objectContaining({ pid: engine.pid, ownerPid: process.pid, hostname: os.hostname() }),
    ])
    // its owner (this process) is alive: a sweep by another process leaves it alone
    await cleanStaleRuntime({ dataDir, tmpDir: tempDir() })
    expect(engine.alive).toBe(true)
    engine.kill()
    await until('the run folder to be emptied', () => readdirSync(runDir).length === 0)
    expect(await readEngineRecords(runDir)).toEqual([])
  })

  it("kills a recorded engine whose owner is dead; leaves live owners' engines running", async () => {
    const dataDir = tempDir()
    const runDir = engineRunDir(dataDir)
    const model = await miniModel()
    const port1 = await freePort()
    const port2 = await freePort()
    const stray = orphanEngine(model, port1)
    const kept = orphanEngine(model, port2)
    const base = { serverPath: whisperServerPath(), hostname: os.hostname(), startedAt: new Date().toISOString() }
    await writeEngineRecord(runDir, { ...base, pid: stray.pid!, ownerPid: deadPid(), port: port1 })
    await writeEngineRecord(runDir, { ...base, pid: kept.pid!, ownerPid: process.pid, port: port2 })

    const report = await cleanStaleRuntime({ dataDir, tmpDir: tempDir() })

    expect(report.killedEngines).toEqual([stray.pid])
    await until('the stray engine to be gone', () => processGone(stray.pid!))
    expect(processGone(stray.pid!)).toBe(true)
    expect(processGone(kept.pid!)).toBe(false)
    expect((await readEngineRecords(runDir)).map((r) => r.pid)).toEqual([kept.pid])
  })

  it('never kills a process that merely reuses a recorded pid; drops records of engines that are gone', async () => {
    const dataDir = tempDir()
    const runDir = engineRunDir(dataDir)
    // a live process that is not an engine, under a record whose owner is dead (pid reuse)
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' })
    procs.push(bystander)
    const base = { serverPath: whisperServerPath(), port: 45_678, startedAt: new Date().toISOString() }
    await writeEngineRecord(runDir, { ...base, hostname: os.hostname(), pid: bystander.pid!, ownerPid: deadPid() })
    await writeEngineRecord(runDir, { ...base, hostname: os.hostname(), pid: deadPid(), ownerPid: deadPid() })
    // another machine sharing the data folder (a network home): its pids mean nothing here
    await writeEngineRecord(runDir, { ...base, hostname: `${os.hostname()}-elsewhere`, pid: bystander.pid!, ownerPid: deadPid() })

    const report = await cleanStaleRuntime({ dataDir, tmpDir: tempDir() })

    expect(report.killedEngines).toEqual([])
    expect(processGone(bystander.pid!)).toBe(false)
    expect((await readEngineRecords(runDir)).map((r) => r.hostname)).toEqual([`${os.hostname()}-elsewhere`])
  })

  it('an app killed with -9 leaves nothing running and nothing recorded after the next start', async () => {
    const dataDir = tempDir()
    const runDir = engineRunDir(dataDir)
    const script = path.resolve(import.meta.dirname, '../helpers/engine-owner.ts')
    const owner = spawn(process.execPath, ['--import', 'tsx', script, await miniModel(), runDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    procs.push(owner)
    const line = await new Promise<string>((resolve) => owner.stdout!.once('data', (c: Buffer) => resolve(c.toString())))
    const { enginePid } = JSON.parse(line) as { enginePid: number }
    expect((await readEngineRecords(runDir)).map((r) => r.pid)).toEqual([enginePid])
    owner.kill('SIGKILL')
    await new Promise((r) => owner.once('exit', r))

    await cleanStaleRuntime({ dataDir, tmpDir: tempDir() })
    await until('the engine to be gone', () => processGone(enginePid))
    expect(processGone(enginePid)).toBe(true)
    expect(await readEngineRecords(runDir)).toEqual([])
  })
})
