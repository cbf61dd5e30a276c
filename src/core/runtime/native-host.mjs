// The child process that runs one native engine (see native-child.ts), started by plain Node's
// fork (its IPC channel) or by Electron's utilityProcess (its parentPort). Its first message says
// what to run and with what; every later one goes to the engine. An abort here ends this process
// only.
//
// Plain JavaScript, not TypeScript: the engines written as plain scripts (speech and speaker
// detection) then start in a checkout without tsx, which would add over a second to every run;
// only the built-in LLM's code is TypeScript, imported when it is the one asked for (the CLI and
// tests start this process with tsx then). electron-vite bundles this file as out/main/native-host.js.

/** @type {((message: unknown) => void)[]} */
const listeners = []

/** @type {{ postMessage(message: unknown): void, on(event: 'message', fn: (e: { data: unknown }) => void): void } | undefined} */
const electronPort = /** @type {any} */ (process).parentPort

const port = {
  /** @param {unknown} m */
  postMessage(m) {
    if (electronPort) electronPort.postMessage(m)
    else if (process.connected) process.send?.(m)
  },
  /** @param {'message'} _event @param {(message: unknown) => void} fn */
  on(_event, fn) {
    listeners.push(fn)
  },
}

let started = false
/** @param {{ type?: string, program?: 'llm' | { script: string }, data?: unknown }} m */
function receive(m) {
  if (started) {
    for (const fn of listeners) fn(m)
    return
  }
  if (m.type !== 'start' || !m.program) return
  started = true
  const { program, data } = m
  if (program === 'llm') {
    // the engine's own messages may come before its code has loaded: they wait in `listeners`
    const queued = []
    port.on('message', (x) => queued.push(x))
    void import('../local-llm/llm-worker.ts').then(({ runLlmHost }) => {
      listeners.splice(0)
      runLlmHost(port, data)
      for (const x of queued) for (const fn of listeners) fn(x)
    })
  }
  // the scripts are this app's own code, sent by the host process that bundled them
  else new Function('parentPort', 'workerData', program.script)(port, data)
}

if (electronPort) electronPort.on('message', (e) => receive(/** @type {any} */ (e.data)))
else {
  process.on('message', (m) => receive(/** @type {any} */ (m)))
  // the host is gone (however it ended): so is the engine
  process.on('disconnect', () => process.exit(0))
}
