import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'

export interface RemoteWhisper {
  /** base URL as a user would enter it, e.g. http://127.0.0.1:1234 */
  url: string
  proc: ChildProcess
  kill: () => Promise<void>
}

/** A port nobody listens on right now (loopback). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/**
 * A real whisper-server process standing in for a remote machine: our guarded build, serving the
 * OpenAI path (--inference-path /v1/audio/transcriptions), with `token` as the bearer secret it
 * requires (the app sends MP4TOTEXT_SERVER_KEY).
 */
export async function startRemoteWhisper(modelPath: string, token: string): Promise<RemoteWhisper> {
  const port = await freePort()
  const proc = spawn(
    whisperServerPath(),
    ['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '-t', '1', '--inference-path', '/v1/audio/transcriptions'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  )
  // the guarded build reads its secret from the first line of stdin
  proc.stdin!.end(`${token}\n`)
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`whisper-server exited: ${stderr}`)
    const up = await fetch(url).then(
      () => true,
      () => false,
    )
    if (up) break
    if (i > 300) throw new Error(`whisper-server did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGKILL')
    await gone
  }
  return { url, proc, kill }
}

export const newServerToken = () => randomBytes(16).toString('hex')
