import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { pidAlive } from './process-owner'

/**
 * What the start-up clean-up needs to know about another process, read from the OS: alive or not,
 * its parent, its command line. Used only to decide about processes this app recorded itself.
 */
export interface ProcessInfo {
  /** the parent pid now (it changes only when the original parent died) */
  ppid: number | null
  /** the command line, as one string */
  command: string
}

/** null when the process is gone (or a zombie); otherwise its parent and command line. */
export async function processInfo(pid: number): Promise<ProcessInfo | null> {
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null
  if (process.platform === 'linux') {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (state === 'Z' || state === 'X') return null
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim()
      return { ppid: Number(ppid), command }
    } catch {
      return null
    }
  }
  if (process.platform === 'win32') {
    const script = `$p = Get-CimInstance Win32_Process -Filter "ProcessId=${pid}"; if ($p) { "$($p.ParentProcessId)"; $p.CommandLine }`
    const out = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script])
    if (out === null || out.trim() === '') return null
    const [ppid, ...rest] = out.split(/\r?\n/)
    return { ppid: Number(ppid) || null, command: rest.join(' ').trim() }
  }
  // macOS and other POSIX systems
  const out = await run('ps', ['-o', 'stat=,ppid=,command=', '-p', String(pid)])
  const m = out ? /^\s*(\S+)\s+(\d+)\s+(.*)$/.exec(out.trim()) : null
  if (!m || m[1]!.startsWith('Z')) return null
  return { ppid: Number(m[2]), command: m[3]! }
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout))
  })
}
