// A file replaced by atomicWrite must survive a power cut: its data is fsynced before the rename,
// and the rename itself lives in the folder, which is only on disk once the folder is fsynced
// too. Without that, a cut right after the write can bring back the old file (or none), and what
// was paid for after it (a charge committed in db.json) stands without its text. A power cut
// cannot be staged here, so the order of system calls is watched instead, with strace, on a real
// process writing through the app's code.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')

describe.skipIf(process.platform !== 'linux')('atomicWrite and db.json writes on Linux', () => {
  it('fsyncs the data, renames, then fsyncs the folder that holds the name', () => {
    const dir = path.join(tempDir(), 'veri klasörü')
    const file = path.join(dir, 'kayıt.json')
    const script = `
      import { atomicWrite, SafeJsonFile } from ${JSON.stringify(path.join(root, 'src/core/store/safe-json-file.ts'))}
      await atomicWrite(${JSON.stringify(file)}, JSON.stringify({ a: 1 }))
      await atomicWrite(${JSON.stringify(file)}, JSON.stringify({ a: 2 }))
      // db.json's writer: the balance and the ledger
      await new SafeJsonFile(${JSON.stringify(file)}).write(JSON.stringify({ a: 3 }))
    `
    const writer = path.join(tempDir(), 'writer.mts')
    writeFileSync(writer, script)
    const log = path.join(tempDir(), 'strace.log')
    const r = spawnSync(
      'strace',
      [
        '-f',
        '-qq',
        '-s',
        '4096',
        '-o',
        log,
        '-e',
        'trace=openat,rename,renameat,renameat2,fsync,fdatasync',
        process.execPath,
        '--import',
        'tsx',
        writer,
      ],
      { cwd: root, encoding: 'utf8', input: '', env: process.env, timeout: 120_000, killSignal: 'SIGKILL' },
    )
    expect(r.error, 'strace is needed for this test (Debian: apt-get install strace)').toBeUndefined()
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: 3 })

    // follow file descriptors through the log: what each one was opened on (by fd alone: the
    // threads of one process share them, and libuv opens on one and syncs on another)
    const opened = new Map<string, string>()
    const events: string[] = []
    // strace writes bytes outside ASCII as octal escapes (the folder's name is Turkish)
    const text = Buffer.from(
      readFileSync(log, 'latin1').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
      'latin1',
    ).toString('utf8')
    for (const line of text.split('\n')) {
      const open = /^\d+\s+openat\([^,]+, "([^"]+)".*\)\s+=\s+(\d+)$/.exec(line)
      if (open) opened.set(open[2]!, open[1]!)
      const rename = /^\d+\s+rename(?:at2?)?\(.*"([^"]+)"(?:, \w+)?\)\s+=\s+0$/.exec(line)
      if (rename && rename[1] === file) events.push('rename')
      const sync = /^\d+\s+f(?:data)?sync\((\d+)\)\s+=\s+0$/.exec(line)
      if (sync) {
        const target = opened.get(sync[1]!) ?? ''
        if (target === dir) events.push('sync folder')
        else if (target.startsWith(`${file}.tmp-`)) events.push('sync data')
      }
    }
    expect(events).toEqual(Array(3).fill(['sync data', 'rename', 'sync folder']).flat())
  })
})
