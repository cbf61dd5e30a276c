import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The native engines that load the user's files (node-llama-cpp, sherpa-onnx) run in a child
 * process, never in the host's (the Electron main process, a CLI run, the web host): llama.cpp's
 * GGML_ASSERT and an uncaught onnxruntime exception abort the process they run in, and a worker
 * thread cannot contain that. A crash ends the child only; the job it ran gets the reason, and the
 * next job starts a new child.
 */
/** What the child runs: the built-in LLM's host (llm-worker.ts), or an engine written as a plain script. */
export type NativeProgram = 'llm' | { script: string }

/** The messages a plain-script engine gets as `parentPort` (as a worker thread would). */
export interface HostPort {
  postMessage(message: unknown): void
  on(event: 'message', fn: (message: never) => void): void
}

/** What a launcher returns: the few things of a child process the engines use. */
export interface LaunchedChild {
  readonly pid: number | undefined
  /** the child's stderr, where an abort's reason is printed */
  readonly stderr: NodeJS.ReadableStream | null
  postMessage(message: unknown): void
  onMessage(fn: (message: unknown) => void): void
  onExit(fn: (code: number | null, signal: string | null) => void): void
  kill(): void
  /** whether the child keeps the host's event loop alive (a CLI run waits only for work) */
  ref(keep: boolean): void
}

/**
 * Starts `file` (the native host's entry) as a Node.js child. Plain Node forks itself. Electron's
 * main process installs its own (utilityProcess) with `useChildLauncher`: the packaged app's
 * runAsNode fuse is off, so its binary cannot be started as plain Node.
 */
export type ChildLauncher = (entry: { file: string; execArgv: string[] }) => LaunchedChild

const forkLauncher: ChildLauncher = ({ file, execArgv }) => {
  const child = fork(file, [], {
    execArgv,
    // typed arrays and buffers cross as they are (live audio), not as JSON
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // an Electron binary (development runs only) started as Node, not as a second app
    env: process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env,
    windowsHide: true,
  })
  // a message sent after the child died must not become an uncaught error in the host
  child.on('error', () => undefined)
  return {
    get pid() {
      return child.pid
    },
    stderr: child.stderr,
    postMessage: (m) => {
      if (child.connected) child.send(m as never)
    },
    onMessage: (fn) => child.on('message', fn),
    onExit: (fn) => child.once('exit', fn),
    kill: () => child.kill('SIGKILL'),
    ref: (keep) => {
      const handles = [child, child.channel, child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[]
      for (const h of handles) (keep ? h?.ref : h?.unref)?.call(h)
    },
  }
}

let launcher: ChildLauncher = forkLauncher

/** The Electron main process starts its children as utility processes (null: plain Node's fork again). */
export function useChildLauncher(l: ChildLauncher | null): void {
  launcher = l ?? forkLauncher
}

/** Every child this process started: they go when it goes. */
const live = new Set<LaunchedChild>()
process.once('exit', () => {
  for (const c of live) c.kill()
})

export interface NativeChild {
  readonly pid: number | undefined
  send(message: unknown): void
  onMessage(fn: (message: unknown) => void): void
  /** once, when the child is gone; `reason` is the engine's last words when it aborted */
  onExit(fn: (exit: { code: number | null; signal: string | null; reason: string }) => void): void
  kill(): void
  ref(keep: boolean): void
}

/** A new child running `program`, given `data` (paths, options) with its first message. */
export function startNativeChild(program: NativeProgram, data: unknown): NativeChild {
  const child = launcher(nativeHostEntry(program === 'llm'))
  live.add(child)
  let tail = ''
  child.stderr?.on('data', (c: Buffer) => {
    tail = (tail + c.toString()).slice(-8000)
  })
  const exits: ((exit: { code: number | null; signal: string | null; reason: string }) => void)[] = []
  let stderrDone = child.stderr ? new Promise<void>((r) => child.stderr!.once('end', r).once('close', r)) : Promise.resolve()
  child.onExit((code, signal) => {
    live.delete(child)
    // the reason may still be in the pipe when the exit is seen
    stderrDone = Promise.race([stderrDone, new Promise<void>((r) => setTimeout(r, 500).unref())])
    void stderrDone.then(() => {
      const reason = abortReason(tail, code, signal)
      for (const fn of exits.splice(0)) fn({ code, signal, reason })
    })
  })
  child.postMessage({ type: 'start', program, data })
  return {
    get pid() {
      return child.pid
    },
    send: (m) => child.postMessage(m),
    onMessage: (fn) => child.onMessage(fn),
    onExit: (fn) => void exits.push(fn),
    kill: () => child.kill(),
    ref: (keep) => child.ref(keep),
  }
}

/**
 * The line of an engine's stderr that says why it ended: llama.cpp's `GGML_ASSERT(…) failed`, a
 * C++ exception's `what():` (onnxruntime's own message), else the exit code or signal.
 */
export function abortReason(stderr: string, code: number | null, signal: string | null): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const what = lines.findLast((l) => l.startsWith('what():'))
  if (what) return brief(what.slice('what():'.length).trim())
  // llama.cpp's assert lines start with the path of the source file on its build machine
  const found = lines.findLast((l) => /GGML_ASSERT|error|failed|abort|terminate/i.test(l))
  if (found) return brief(found.replace(/^\S*\/(?=[^/\s]+:\d+:)/, ''))
  return signal ? `ended by ${signal}` : `exit code ${code}`
}

/** onnxruntime prints a model's whole node list: its start (which file) and end (what is wrong) say it. */
function brief(line: string): string {
  return line.length <= 300 ? line : `${line.slice(0, 130)} … ${line.slice(-150)}`
}

/**
 * The host's entry: the bundled .js beside this module in a build (electron-vite emits it next to
 * the main bundle), or native-host.mjs in a checkout, with tsx only for the LLM's TypeScript.
 */
function nativeHostEntry(typescript: boolean): { file: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./native-host.js', import.meta.url))
  if (existsSync(js)) return { file: js, execArgv: [] }
  const file = fileURLToPath(new URL('./native-host.mjs', import.meta.url))
  // keep the parent's loaders (e.g. a test's --import preload)
  const inherited: string[] = []
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i]!
    if ((a === '--import' || a === '--require') && process.execArgv[i + 1]) inherited.push(a, process.execArgv[++i]!)
    else if (a.startsWith('--import=') || a.startsWith('--require=')) inherited.push(a)
  }
  if (!typescript) return { file, execArgv: inherited }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  return { file, execArgv: [...inherited, '--import', tsx] }
}
