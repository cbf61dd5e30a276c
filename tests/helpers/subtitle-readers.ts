import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'

/**
 * Readers that are not ours, to judge our SRT/VTT/CSV by: Debian's python3-webvtt and
 * python3-srt, Python's csv module, and the bundled ffmpeg. (Chromium's own WebVTT parser is
 * read through `<track>` in the browser tests.)
 */
export interface ReadCue {
  start: number
  end: number
  text: string
}

/** The system Python, where Debian installs python3-webvtt and python3-srt (a pyenv shim has neither). */
const python = process.env.MP4TOTEXT_TEST_PYTHON ?? '/usr/bin/python3'

function runPython(script: string, input: string): string {
  const r = spawnSync(python, ['-c', script], { input, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`python: ${r.stderr.trim().split('\n').at(-1)}`)
  return r.stdout
}

/** python3-webvtt's reading of a VTT file: cue times and text (tags stripped, entities decoded). */
export function pyWebvtt(content: string): ReadCue[] {
  const script = `
import sys, json, io, html, webvtt
cues = webvtt.read_buffer(io.StringIO(sys.stdin.read()))
print(json.dumps([{"start": c.start_in_seconds, "end": c.end_in_seconds, "text": html.unescape(c.text)} for c in cues]))
`
  return JSON.parse(runPython(script, content)) as ReadCue[]
}

/** python3-srt's reading of an SRT file (strict about numbering and times). */
export function pySrt(content: string): ReadCue[] {
  const script = `
import sys, json, srt
subs = list(srt.parse(sys.stdin.read(), ignore_errors=False))
print(json.dumps([{"start": s.start.total_seconds(), "end": s.end.total_seconds(), "text": s.content} for s in subs]))
`
  return JSON.parse(runPython(script, content)) as ReadCue[]
}

/** Python's csv module's reading of a CSV file: rows of fields. */
export function pyCsv(content: string): string[][] {
  const script = `
import sys, json, csv, io
print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))
`
  return JSON.parse(runPython(script, content)) as string[][]
}

/**
 * ffmpeg reading a subtitle file and writing it as `to` (e.g. "ass", "webvtt", "srt"): what it
 * made of the text, and what it warned about.
 */
export function ffmpegRead(content: string, ext: 'srt' | 'vtt', to: string): { out: string; warnings: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-subs-'))
  try {
    const file = path.join(dir, `in.${ext}`)
    writeFileSync(file, content)
    const r = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'warning', '-i', file, '-f', to, '-'], {
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`ffmpeg could not read the ${ext}: ${r.stderr}`)
    return { out: r.stdout, warnings: r.stderr.trim() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The Dialogue texts of an ASS file, override tags ({\i1}) removed, \N as a line break. */
export function assTexts(ass: string): string[] {
  return ass
    .split(/\r?\n/)
    .filter((l) => l.startsWith('Dialogue:'))
    .map((l) =>
      l
        .split(',')
        .slice(9)
        .join(',')
        .replace(/\{\\[^}]*\}/g, '')
        .replace(/\\N/g, '\n'),
    )
}

/** Python-Markdown's HTML of a Markdown file, and its text as a reader sees it (tags removed, entities decoded). */
export function pyMarkdown(content: string): { html: string; text: string } {
  const script = `
import sys, json, html, re, markdown
out = markdown.markdown(sys.stdin.read())
print(json.dumps({"html": out, "text": html.unescape(re.sub(r"<[^>]+>", "", out))}))
`
  return JSON.parse(runPython(script, content)) as { html: string; text: string }
}

/** Python's zipfile's reading of a zip archive: each entry's name and UTF-8 text (its CRC checked). */
export function pyZip(file: string): Record<string, string> {
  const script = `
import sys, json, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None, "a damaged entry"
    print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))
`
  const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`python: ${r.stderr.trim().split('\n').at(-1)}`)
  return JSON.parse(r.stdout) as Record<string, string>
}

export interface DocxParagraph {
  /** the paragraph's style id ("Heading1"), or null */
  style: string | null
  text: string
  runs: { text: string; bold: boolean }[]
}

/**
 * A .docx as Python's zipfile and ElementTree read it: the package must unzip cleanly and hold
 * word/document.xml; its paragraphs in order, each with its style and runs (bold or not).
 */
export function pyDocx(file: string): DocxParagraph[] {
  const script = `
import sys, json, zipfile, xml.etree.ElementTree as ET
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None, "a damaged entry"
    assert "[Content_Types].xml" in z.namelist(), "no [Content_Types].xml"
    root = ET.fromstring(z.read("word/document.xml"))
out = []
for p in root.iter(W + "p"):
    style = p.find(W + "pPr/" + W + "pStyle")
    runs = []
    for r in p.iter(W + "r"):
        b = r.find(W + "rPr/" + W + "b")
        runs.append({"text": "".join(t.text or "" for t in r.iter(W + "t")),
                     "bold": b is not None and b.get(W + "val") not in ("0", "false")})
    out.append({"style": style.get(W + "val") if style is not None else None,
                "text": "".join(r["text"] for r in runs), "runs": runs})
print(json.dumps(out))
`
  const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`python: ${r.stderr.trim().split('\n').at(-1)}`)
  return JSON.parse(r.stdout) as DocxParagraph[]
}
