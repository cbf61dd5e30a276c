import { transcriptText } from '../shared/transcribe-types'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Read what `enhance` works on: plain text, or a transcript JSON (our export: {segments: [{text}]}
 * or {text}); "-" reads standard input. What is not text — a video passed by mistake, a file in
 * another encoding — and what holds no text are refused here, before anything is charged.
 */
export async function readTranscript(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const name = file === '-' ? 'standard input' : file
  let bytes: Buffer
  if (file === '-') {
    const chunks: Buffer[] = []
    for await (const c of stdin) chunks.push(Buffer.from(c as Buffer))
    bytes = Buffer.concat(chunks)
  } else {
    bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new Error(
        `Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message}`,
      )
    })
  }
  // UTF-16 with a byte-order mark (what Windows Notepad saves as "Unicode") is text too
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null
  // Other text never holds NUL bytes; media and archives do.
  if (!utf16 && bytes.includes(0)) {
    throw new Error(
      `${name} is a binary file (audio or video?), not a transcript. Transcribe it first: mp4totext transcribe ${file === '-' ? 'FILE' : file} --model base`,
    )
  }
  let raw: string
  try {
    raw = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new Error(`${name} is not UTF-8 text. Save it as UTF-8 (most editors offer it under "Save as…") and try again.`)
  }
  const text = parse(file, raw)
  // only spaces, zero-width or control characters: nothing an enhancement could work on
  if (!/[\p{L}\p{N}]/u.test(text)) throw new Error(`${name} holds no text`)
  return text
}

function parse(file: string, raw: string): string {
  if (path.extname(file).toLowerCase() === '.json' || /^\s*[{[]/.test(raw)) {
    let doc: unknown
    try {
      doc = JSON.parse(raw)
    } catch (err) {
      if (path.extname(file).toLowerCase() === '.json') throw new Error(`${file} is not valid JSON: ${(err as Error).message}`)
      return raw
    }
    const d = doc as { text?: unknown; segments?: { text?: unknown }[] }
    if (Array.isArray(d.segments)) return transcriptText(d.segments)
    if (typeof d.text === 'string') return d.text
    throw new Error(`${file}: expected {"segments": [{"text": …}]} or {"text": …}`)
  }
  return raw
}
