import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { BenchReport, EngineBackendSetting, HardwareStatus } from '../../../../shared/calls/hardware-calls'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { SavedSelect } from '../../components/SavedField'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

const BACKENDS: EngineBackendSetting[] = ['auto', 'cpu', 'vulkan', 'metal', 'cuda']

/**
 * Settings → Hardware: which engine build transcribes and on what device (a CPU implementation of
 * Vulkan is said to be one, never a GPU), why a GPU is not used, a setting that forces a backend,
 * and "Test this computer" with its measured speeds.
 */
export function HardwareSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => Promise<boolean> }) {
  const { t } = useTranslation()
  const f = useFormat()
  const status = useCall('hardware.status', { refresh: false }, ['settings.changed'])
  const [report, setReport] = useState<BenchReport | null>(null)
  const [progress, setProgress] = useState<{ done: number; total: number; model: string; backend: string } | null>(null)
  const [running, setRunning] = useState(false)
  const action = useAction()
  useEffect(() => api.on('hardware.bench', (p) => setProgress(p)), [])
  const kindText = (kind: 'cpu' | 'gpu' | 'software') => t(`hardware.kind.${kind}`)
  const s: HardwareStatus | undefined = status.data
  const test = () =>
    void action.run(async () => {
      setRunning(true)
      setProgress(null)
      try {
        setReport(await api.invoke('hardware.bench', {}))
        status.reload()
      } finally {
        setRunning(false)
      }
    })
  const rows = report?.results ?? s?.bench ?? []
  // the processor as the system names it, its threads in the page's words (the core's "(2 threads)" is the CLI's)
  const cpuDevice = s ? t('hardware.cpuDevice', { model: s.cpu.model, count: s.cpu.cores }) : ''
  const deviceOf = (backend: string, device: string) => (backend === 'cpu' && s ? cpuDevice : device)
  return (
    <div className="card settings" aria-labelledby="hardware-title" role="region">
      <h2 id="hardware-title">{t('hardware.title')}</h2>
      <SavedSelect
        label={t('hardware.backendLabel')}
        name="engineBackend"
        value={settings.engineBackend}
        options={BACKENDS.map((b) => ({ value: b, label: t(`hardware.backend.${b}`) }))}
        onSave={(v) => save({ engineBackend: v as EngineBackendSetting })}
      />
      {s ? (
        <>
          <p data-testid="hardware-chosen">
            {t('hardware.chosen', {
              backend: t(`hardware.backend.${s.chosen.backend}`),
              device: deviceOf(s.chosen.backend, s.chosen.device),
              kind: kindText(s.chosen.kind),
            })}
          </p>
          <ul className="muted" data-testid="hardware-devices">
            {s.probes
              .filter((p) => p.backend !== 'cpu' && p.installed)
              .map((p) => (
                <li key={p.backend}>
                  {t('hardware.deviceLine', {
                    backend: t(`hardware.backend.${p.backend}`),
                    devices: p.devices.length
                      ? p.devices.map((d) => `${d.name} (${kindText(d.kind)})`).join(', ')
                      : t('hardware.noDevice'),
                  })}
                </li>
              ))}
            {s.probes.every((p) => p.backend === 'cpu' || !p.installed) ? <li>{t('hardware.cpuOnlyBuild')}</li> : null}
          </ul>
          {s.fallbackWhy.length ? (
            <>
              <p role="status" data-testid="hardware-fallback">
                {t('hardware.fallback', {
                  reason: s.fallbackWhy
                    .map((w) =>
                      t('hardware.whyItem', {
                        backend: t(`hardware.backend.${w.backend}`),
                        why: t(`hardware.why.${w.key}`, { rtf: f.fixed2(w.rtf ?? 0), cpuRtf: f.fixed2(w.cpuRtf ?? 0) }),
                      }),
                    )
                    .join('; '),
                })}
              </p>
              {/* the driver's or the engine's own words: a detail, apart from the sentence */}
              {s.fallbackWhy
                .filter((w) => w.detail)
                .map((w) => (
                  <p key={w.backend} className="muted" data-testid="hardware-fallback-detail">
                    {t('hardware.whyDetail', { backend: t(`hardware.backend.${w.backend}`), detail: w.detail })}
                  </p>
                ))}
            </>
          ) : null}
          {s.gpuUnused ? (
            <p role="alert" className="error-box" data-testid="hardware-gpu-unused">
              {t('hardware.gpuUnused')}
            </p>
          ) : null}
        </>
      ) : null}
      <p className="muted">{t('hardware.testHint')}</p>
      <button type="button" onClick={test} disabled={running}>
        {running ? t('hardware.testing') : t('hardware.test')}
      </button>
      {running && progress && progress.total > 0 ? (
        <p role="status">
          {t('hardware.progress', {
            done: progress.done,
            total: progress.total,
            model: progress.model,
            backend: progress.backend,
          })}
        </p>
      ) : null}
      {action.error ? (
        <p role="alert" className="error-box">
          {t('errors.generic', { message: action.error })}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <table data-testid="hardware-results">
          <caption>{t('hardware.resultsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('hardware.colModel')}</th>
              <th scope="col">{t('hardware.colBackend')}</th>
              <th scope="col">{t('hardware.colSpeed')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.model}|${r.backend}`}>
                <td>{r.model}</td>
                <td>{`${t(`hardware.backend.${r.backend}`)} — ${deviceOf(r.backend, r.device)}`}</td>
                <td>{t('hardware.rtf', { rtf: f.fixed2(r.rtf) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report?.failures.map((f) => (
        <p key={`${f.model}|${f.backend}`} className="muted">
          {t('hardware.failed', {
            model: f.model,
            backend: t(`hardware.backend.${f.backend}`),
            // worded from its key where the core kept one; else (nothing to word it from) as the core said it
            reason: f.error ? errorText({ ...f.error, message: f.reason }) : f.reason,
          })}
        </p>
      ))}
      {(report?.recommendedModel ?? s?.recommendedModel) ? (
        <p data-testid="hardware-recommended">
          {t('hardware.recommended', { model: report?.recommendedModel ?? s?.recommendedModel })}
        </p>
      ) : null}
    </div>
  )
}
