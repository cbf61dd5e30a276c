import { readFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Read what `enhance` works on: plain text, or a transcript JSON (our export: {segments: [{text}]}
 * or {text}); "-" reads standard input.
 */
export async function readTranscript(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let raw: string
  if (file === '-') {
    const chunks: Buffer[] = []
    for await (const c of stdin) chunks.push(Buffer.from(c as Buffer))
    raw = Buffer.concat(chunks).toString('utf8')
  } else {
    raw = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
    })
  }
  if (path.extname(file).toLowerCase() === '.json' || /^\s*[{[]/.test(raw)) {
    let doc: unknown
    try {
      doc = JSON.parse(raw)
    } catch (err) {
      if (path.extname(file).toLowerCase() === '.json') throw new Error(`${file} is not valid JSON: ${(err as Error).message}`)
      return raw
    }
    const d = doc as { text?: unknown; segments?: { text?: unknown }[] }
    if (Array.isArray(d.segments))
      return d.segments
        .map((s) => String(s.text ?? '').trim())
        .filter(Boolean)
        .join('\n')
    if (typeof d.text === 'string') return d.text
    throw new Error(`${file}: expected {"segments": [{"text": …}]} or {"text": …}`)
  }
  return raw
}
