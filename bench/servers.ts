// Self-hosted servers benchmark: one batch on one transcription server vs two. Two local
// whisper-server processes (one thread each) stand in for two remote machines; the ratio is the
// batch's wall time on one server over its time on two, measured in the same run.
// Run: npm run bench:transcribe (after the engine benchmarks), or npx tsx bench/servers.ts alone.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openCore } from '../src/core/app-core'
import type { Job } from '../src/shared/transcribe-types'
import { makeMedia } from '../tests/helpers/media'
import { newServerToken, startRemoteWhisper, type RemoteWhisper } from '../tests/helpers/stt-servers'
import { installMiniModel } from '../tests/helpers/transcribe-env'
import { printTable } from './table'

const FILES = 4
const FILE_SEC = 60

async function batch(dataDir: string, token: string, files: string[], servers: string[]): Promise<number> {
  const core = await openCore({
    dataDir,
    shell: 'cli',
    version: 'bench',
    systemLocale: 'en',
    env: { MP4TOTEXT_SERVER_KEY: token },
    noFallback: true,
  })
  try {
    await core.handlers['settings.set']({ vadEnabled: false })
    const t0 = performance.now()
    const jobs = await core.transcription.add(files, { model: 'whisper-1', language: 'en', servers })
    await new Promise<void>((resolve, reject) => {
      const left = new Set(jobs.map((j) => j.id))
      const off = core.events.subscribe((name, p) => {
        const j = p as Job
        if (name !== 'transcribe.job' || !left.has(j.id)) return
        if (j.status === 'failed' || j.status === 'cancelled') {
          off()
          reject(new Error(`${j.fileName}: ${j.error}`))
        }
        if (j.status === 'done') left.delete(j.id)
        if (left.size === 0) {
          off()
          resolve()
        }
      })
    })
    return (performance.now() - t0) / 1000
  } finally {
    await core.close()
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-servers-'))
  const remotes: RemoteWhisper[] = []
  try {
    // the tests' mini model: random weights, so each request measures the server's fixed work
    // (decode, encoder, HTTP) rather than text; with the tiny-shaped timing model whisper-server
    // took minutes per 60 s file on the shared 2-core machine, too slow for a routine bench
    await installMiniModel(path.join(dir, 'mini'))
    const model = path.join(dir, 'mini', 'models', 'ggml-mini-test.bin')
    const token = newServerToken()
    for (let i = 0; i < 2; i++) remotes.push(await startRemoteWhisper(model, token))
    const files = Array.from({ length: FILES }, (_, i) =>
      makeMedia(dir, `f${i}.wav`, { seconds: FILE_SEC, sampleRate: 16_000, noise: true }),
    )
    // a warm-up so neither run pays for loading the model into the page cache
    await batch(
      path.join(dir, 'warm'),
      token,
      files.slice(0, 1),
      remotes.map((r) => r.url),
    )
    const one = await batch(path.join(dir, 'one'), token, files, [remotes[0]!.url])
    const two = await batch(
      path.join(dir, 'two'),
      token,
      files,
      remotes.map((r) => r.url),
    )
    printTable('Self-hosted transcription servers: a batch spread over servers', [
      ['batch', 'one server', 'two servers', 'throughput ratio', 'expect'],
      [
        `${FILES} × ${FILE_SEC} s, whisper-server -t 1 each (mini model)`,
        `${one.toFixed(2)} s`,
        `${two.toFixed(2)} s`,
        `${(one / two).toFixed(2)}×`,
        '→ 2× with a core per server',
      ],
    ])
  } finally {
    for (const r of remotes) await r.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
