import type { ForkOptions, UtilityProcess } from 'electron'
import type { ChildLauncher } from '../core/runtime/native-child'

/**
 * The native engines' children in the Electron app: utility processes. The packaged binary has
 * its runAsNode fuse off, so it cannot be forked as plain Node; a utility process is Electron's
 * own Node.js child, ends with the app, and reads its entry from app.asar. Its stderr is piped so
 * an engine's last words (an assert, an uncaught exception) reach the job's error.
 */
export function utilityLauncher(
  fork: (modulePath: string, args: string[], options: ForkOptions) => UtilityProcess,
): ChildLauncher {
  return ({ file, execArgv }) => {
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'MP4toText engine' })
    let exited = false
    child.once('exit', () => {
      exited = true
    })
    return {
      get pid() {
        return child.pid
      },
      stderr: child.stderr,
      postMessage: (m) => {
        if (!exited) child.postMessage(m)
      },
      onMessage: (fn) => void child.on('message', fn),
      // a utility process reports only its exit code (an abort is a non-zero one)
      onExit: (fn) => void child.once('exit', (code) => fn(code, null)),
      kill: () => void (exited || child.kill()),
      // it lives as long as the app does: nothing to release for a run to end
      ref: () => undefined,
    }
  }
}
