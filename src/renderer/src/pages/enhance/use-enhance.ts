import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { modelKey, type ModelView } from '../../../../shared/catalog-types'
import type { EnhanceResult, Preset } from '../../../../shared/enhance-types'
import type { EventPayload } from '../../../../shared/contract'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'
import { useMissingKeys } from '../../lib/use-missing-keys'
import { ENHANCE_HANDOFF_KEY, ENHANCE_LANG_KEY, ENHANCE_TRANSCRIPT_KEY } from '../transcript/use-transcript'

/** the runs the page lists: the newest, as the core answers them */
export const HISTORY_SHOWN = 20

export interface RunView {
  id: string | null
  modelKey: string
  displayName: string
  /** what the model costs: a free one is never said to be refunded */
  credits: number
  parts: string[]
  reduce: string | null
  progress: { done: number; total: number; phase: 'map' | 'reduce' } | null
  status: 'running' | 'done' | 'failed' | 'cancelled'
  result: EnhanceResult | null
  error: string | null
  /** a failed request of this run that is waited out and tried again (cleared when text comes again) */
  retry: Pick<EventPayload<'enhance.retry'>, 'reason' | 'attempt' | 'maxAttempts' | 'delayMs'> | null
  /** text loaded from history */
  saved: { text: string; partial: boolean } | null
}

export const runText = (r: RunView) => r.saved?.text ?? r.result?.text ?? r.reduce ?? r.parts.filter(Boolean).join('\n\n')

const MAX_COMPARE = 4

type Stream = Pick<RunView, 'parts' | 'reduce' | 'progress' | 'status' | 'result' | 'error' | 'retry'>
const emptyStream = (): Stream => ({
  parts: [],
  reduce: null,
  progress: null,
  status: 'running',
  result: null,
  error: null,
  retry: null,
})

/**
 * The streamed text of every run since the window opened. It lives outside the page, listening
 * from the first visit on, so a run keeps streaming while the user looks at another page.
 */
const streamStore = (() => {
  let streams: Record<string, Stream> = {}
  const listeners = new Set<() => void>()
  let listening = false
  // Pages hear about new text at most once per frame, however fast the events come.
  let scheduled = false
  const notify = () => {
    scheduled = false
    listeners.forEach((l) => l())
  }
  const patch = (id: string, fn: (st: Stream) => Stream) => {
    streams = { ...streams, [id]: fn(streams[id] ?? emptyStream()) }
    if (scheduled) return
    scheduled = true
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(notify)
    else setTimeout(notify, 16)
  }
  const listen = () => {
    if (listening) return
    listening = true
    api.on('enhance.delta', (d) =>
      patch(d.id, (st) => {
        // text coming again ends the wait for a retry
        const retry = d.reset ? st.retry : null
        if (d.phase === 'reduce') return { ...st, retry, reduce: d.reset ? '' : (st.reduce ?? '') + d.text }
        const parts = [...st.parts]
        parts[d.chunk] = d.reset ? '' : (parts[d.chunk] ?? '') + d.text
        return { ...st, retry, parts }
      }),
    )
    api.on('enhance.progress', (p) =>
      patch(p.id, (st) => ({ ...st, progress: { done: p.chunksDone, total: p.chunksTotal, phase: p.phase } })),
    )
    api.on('enhance.retry', (r) =>
      patch(r.id, (st) => ({
        ...st,
        retry: { reason: r.reason, attempt: r.attempt, maxAttempts: r.maxAttempts, delayMs: r.delayMs },
      })),
    )
    api.on('enhance.finished', (f) =>
      patch(f.id, (st) => ({
        ...st,
        status: f.status,
        retry: null,
        result: f.result,
        error: f.error ? errorText(f.error) : null,
      })),
    )
  }
  return {
    subscribe: (l: () => void) => {
      listen()
      listeners.add(l)
      return () => void listeners.delete(l)
    },
    get: () => streams,
  }
})()

/** What the page was showing when the user went to another page; it is back on return. */
interface Kept {
  text: string
  preset: Preset | null
  lang: string
  targetLang: string
  prompt: string
  compareMode: boolean
  selection: string[] | null
  runs: RunView[]
  transcriptId: string | null
}
let kept: Kept | null = null

/** Form state, the streamed runs (one, or 2–4 side by side), and the history. */
export function useEnhance() {
  const catalog = useCall('catalog.list', { includeInactive: false }, ['catalog.changed'])
  const credits = useCall('credits.get', {}, ['credits.changed'])
  const history = useCall('enhance.history', { limit: HISTORY_SHOWN }, ['enhance.finished'])
  const prompts = useCall('prompts.list', {})
  // a transcript handed over by its "Enhance…" button wins over what the page last showed
  const [handed] = useState(() => {
    const h = {
      text: sessionStorage.getItem(ENHANCE_HANDOFF_KEY),
      lang: sessionStorage.getItem(ENHANCE_LANG_KEY),
      transcriptId: sessionStorage.getItem(ENHANCE_TRANSCRIPT_KEY),
    }
    sessionStorage.removeItem(ENHANCE_HANDOFF_KEY)
    sessionStorage.removeItem(ENHANCE_LANG_KEY)
    sessionStorage.removeItem(ENHANCE_TRANSCRIPT_KEY)
    return h
  })
  const [text, setText] = useState(() => handed.text ?? kept?.text ?? '')
  /** the transcript the text was handed over from (until the page gets other text) */
  const [from] = useState(() => (handed.text !== null ? handed.transcriptId : (kept?.transcriptId ?? null)))
  const settings = useCall('settings.get', {})
  const [presetChoice, setPreset] = useState<Preset | null>(() => kept?.preset ?? null)
  const preset: Preset = presetChoice ?? settings.data?.defaultPreset ?? 'cleanup'
  const [lang, setLang] = useState(() => (handed.text !== null ? (handed.lang ?? '') : (kept?.lang ?? '')))
  const [targetLang, setTargetLang] = useState(() => kept?.targetLang ?? 'English')
  const [prompt, setPrompt] = useState(() => kept?.prompt ?? '')
  const [compareMode, setCompareMode] = useState(() => kept?.compareMode ?? false)
  const [selection, setSelected] = useState<string[] | null>(() => kept?.selection ?? null)
  // a comparison starts from nothing: the default model is a single-mode choice
  const selected = selection ?? (!compareMode && settings.data?.defaultEnhanceModel ? [settings.data.defaultEnhanceModel] : [])
  const [runList, setRuns] = useState<RunView[]>(() => kept?.runs ?? [])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    kept = { text, preset: presetChoice, lang, targetLang, prompt, compareMode, selection, runs: runList, transcriptId: from }
  }, [text, presetChoice, lang, targetLang, prompt, compareMode, selection, runList, from])
  const missingKey = useMissingKeys()

  const models = useMemo(() => catalog.data ?? [], [catalog.data])
  const chosen = selected.map((k) => models.find((m) => m.key === k)).filter((m): m is ModelView => Boolean(m))
  const cost = chosen.reduce((s, m) => s + m.credits, 0)
  const balance = credits.data?.balance ?? 0

  // Stream state per id, kept apart from the run list: a fast failure can report before
  // enhance.start has even returned its id.
  const streams = useSyncExternalStore(streamStore.subscribe, streamStore.get)
  const runs = runList.map((r) => (r.id && streams[r.id] ? { ...r, ...streams[r.id] } : r))

  const choose = (key: string) => {
    if (!compareMode) return setSelected([key])
    setSelected(selected.includes(key) ? selected : [...selected, key].slice(-MAX_COMPARE))
  }

  const blankRun = (m: ModelView, id: string | null): RunView => ({
    id,
    modelKey: m.key,
    displayName: m.displayName,
    credits: m.credits,
    ...emptyStream(),
    saved: null,
  })

  const start = async () => {
    setError(null)
    const base = {
      // a transcript's text keeps its enhancements among that transcript's versions
      ...(from ? { transcriptId: from } : {}),
      text,
      preset,
      ...(lang ? { lang } : {}),
      ...(preset === 'translate' ? { targetLang } : {}),
      ...(preset === 'custom' ? { prompt } : {}),
    }
    try {
      if (compareMode) {
        const { runs: started } = await api.invoke('enhance.compare', {
          ...base,
          models: chosen.map((m) => ({ provider: m.provider, modelId: m.modelId })),
        })
        setRuns(
          started.map((s, i) => {
            const run = blankRun(chosen[i]!, s.id)
            return s.error ? { ...run, status: 'failed', error: errorText(s.error) } : run
          }),
        )
      } else {
        const m = chosen[0]!
        setRuns([blankRun(m, null)])
        const { id } = await api.invoke('enhance.start', { ...base, provider: m.provider, modelId: m.modelId })
        const withId = (rs: RunView[]) => rs.map((r) => (r.id === null && r.modelKey === m.key ? { ...r, id } : r))
        setRuns(withId)
        // the user may have left the page before the id came back: what it keeps gets the id too
        if (kept) kept = { ...kept, runs: withId(kept.runs) }
      }
    } catch (err) {
      setRuns([])
      setError(errorText(err))
    }
  }

  const open = async (id: string) => {
    const rec = history.data?.find((h) => h.id === id)
    if (!rec) return
    const out = await api.invoke('enhance.output', { id })
    // the run's own input comes back with it, so it can be read side by side or run again
    setText(out.input)
    setRuns([
      {
        id,
        modelKey: modelKey(rec),
        displayName: rec.displayName,
        credits: rec.credits,
        retry: null,
        parts: [],
        reduce: null,
        progress: null,
        status: rec.status,
        result: null,
        error: rec.error,
        saved: { text: out.output, partial: out.partial },
      },
    ])
  }

  const running = runs.some((r) => r.status === 'running')
  const keyless = chosen.find((m) => missingKey.has(m.provider)) ?? null

  return {
    catalog,
    credits,
    history,
    prompts,
    models,
    missingKey,
    /** a chosen model whose provider has no API key: Enhance stays off and says why */
    keyless,
    form: { text, setText, preset, setPreset, lang, setLang, targetLang, setTargetLang, prompt, setPrompt },
    compareMode,
    setCompareMode: (on: boolean) => {
      setCompareMode(on)
      // a model picked in single mode does not silently become a column: a comparison starts empty
      setSelected(on ? [] : selected.slice(0, 1))
    },
    selected,
    chosen,
    choose,
    unselect: (key: string) => setSelected(selected.filter((k) => k !== key)),
    cost,
    balance,
    canStart:
      text.trim() !== '' &&
      chosen.length >= (compareMode ? 2 : 1) &&
      cost <= balance &&
      !keyless &&
      !running &&
      (preset !== 'custom' || prompt.trim() !== ''),
    running,
    runs,
    error,
    start,
    cancel: (id: string | null) => id && void api.invoke('enhance.cancel', { id }),
    open,
    savePrompt: (name: string) => void api.invoke('prompts.save', { name, prompt }).then(prompts.reload),
    deletePrompt: (id: string) => void api.invoke('prompts.delete', { id }).then(prompts.reload),
  }
}
