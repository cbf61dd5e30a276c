import { useState } from 'react'
import type { PricingPreview } from '../../../../shared/pricing-types'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

/** Preview → confirm → apply, the editor and history with undo. Messages are i18n keys + values. */
export function usePricing() {
  const history = useCall('pricing.history', {}, ['catalog.changed'])
  const catalog = useCall('catalog.list', { includeInactive: true }, ['catalog.changed'])
  const [fileText, setFileText] = useState<string | null>(null)
  const [preview, setPreview] = useState<PricingPreview | null>(null)
  const action = useAction()
  const error = action.error
  const [status, setStatus] = useState<{ key: string; values: Record<string, string> } | null>(null)

  const run = (fn: () => Promise<void>) => {
    setStatus(null)
    return action.run(fn)
  }

  return {
    history,
    catalog,
    preview,
    error,
    status,
    load: (text: string) =>
      run(async () => {
        setPreview(null)
        setFileText(text)
        setPreview(await api.invoke('pricing.preview', { text }))
      }),
    discard: () => {
      setPreview(null)
      setFileText(null)
    },
    apply: (confirmWarnings: boolean) =>
      run(async () => {
        if (fileText === null) return
        const e = await api.invoke('pricing.apply', { text: fileText, confirmWarnings })
        setPreview(null)
        setFileText(null)
        setStatus({ key: 'pricing.applied', values: { title: e.title } })
      }),
    edit: (input: { provider: string; modelId: string; multiplier?: string; active?: boolean; reason: string }) =>
      run(async () => {
        const e = await api.invoke('pricing.set', input as Parameters<typeof api.invoke<'pricing.set'>>[1])
        setStatus({ key: 'pricing.saved', values: { line: e.lines.map((l) => l.changelog).join('; ') } })
      }),
    undo: () =>
      run(async () => {
        const e = await api.invoke('pricing.undo', {})
        setStatus({ key: 'pricing.undone', values: { title: e.title } })
      }),
  }
}
