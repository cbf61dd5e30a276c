import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import path from 'node:path'
import type { ForkOptions, UtilityProcess } from 'electron'

const preload = path.join(import.meta.dirname, 'utility-port.mjs')

/**
 * A stand-in for Electron's `utilityProcess.fork` (Electron cannot run here): a real Node child
 * that sees `process.parentPort` as a utility process does, behind the same events and methods
 * the app uses (message, exit with a code, postMessage, kill, stderr, pid).
 */
export function fakeUtilityFork(modulePath: string, args: string[], options: ForkOptions): UtilityProcess {
  const child = fork(modulePath, args, {
    execArgv: ['--import', preload, ...(options.execArgv ?? [])],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  const up = Object.assign(new EventEmitter(), {
    pid: child.pid,
    stdout: null,
    stderr: child.stderr,
    postMessage: (m: unknown) => child.send(m as never),
    kill: () => child.kill('SIGKILL'),
  })
  child.on('message', (m) => up.emit('message', m))
  // a utility process reports an exit code only (a signal shows as a non-zero code)
  child.on('exit', (code) => up.emit('exit', code ?? 1))
  return up as unknown as UtilityProcess
}
