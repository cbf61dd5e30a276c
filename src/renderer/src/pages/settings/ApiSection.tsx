import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApiServerStatus } from '../../../../shared/calls/api-calls'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { SavedField, Setting, useFieldSave } from '../../components/SavedField'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

/**
 * Settings → Transcription API: the OpenAI-compatible API this app serves while it is on, its
 * address and its key. The key is asked for only when the user shows or copies it.
 */
export function ApiSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => Promise<boolean> }) {
  const { t } = useTranslation()
  const status = useCall('api.status', {}, ['api.status'])
  const [token, setToken] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const toggle = useFieldSave()
  const action = useAction()
  const setting = settings.apiServer
  // the box follows the click at once; the saved setting (or another window's change) wins after
  const [enabled, setEnabled] = useState(setting.enabled)
  useEffect(() => setEnabled(setting.enabled), [setting.enabled])
  const s: ApiServerStatus | undefined = status.data
  const fetchToken = async () => token ?? (await api.invoke('api.token', {})).token
  const show = () =>
    void action.run(async () => {
      setToken(token ? null : await fetchToken())
    })
  const copy = () =>
    void action.run(async () => {
      setCopied(false)
      await navigator.clipboard.writeText(await fetchToken())
      setCopied(true)
    })
  return (
    <div className="card settings" role="region" aria-labelledby="api-title" data-testid="api-section">
      <h2 id="api-title">{t('api.title')}</h2>
      <p className="intro">{t('api.intro')}</p>
      <Setting name="apiEnabled" status={toggle.status}>
        <label className="inline">
          <input
            type="checkbox"
            name="apiEnabled"
            checked={enabled}
            onChange={(e) => {
              const on = e.target.checked
              setEnabled(on)
              void toggle.save(async () => {
                const saved = await save({ apiServer: { ...setting, enabled: on } })
                if (!saved) setEnabled(setting.enabled)
                return saved
              })
            }}
          />
          <span>{t('api.enable')}</span>
        </label>
      </Setting>
      <SavedField
        label={t('api.port')}
        name="apiPort"
        numeric
        initial={String(setting.port)}
        valid={(v) => /^\d+$/.test(v.trim()) && Number(v) >= 1024 && Number(v) <= 65535}
        onSave={(v) => save({ apiServer: { ...setting, port: Number(v) } })}
      />
      <p data-testid="api-state" role="status">
        {!s || s.state === 'off'
          ? t('api.off')
          : s.state === 'listening'
            ? t('api.listening', { url: s.url })
            : s.error === 'port-in-use'
              ? t('api.portInUse', { port: setting.port })
              : t('api.failed', { detail: s.detail ?? '' })}
      </p>
      <p>
        <span className="muted">{t('api.key')}</span> <code data-testid="api-key">{token ?? '••••••••••••••••'}</code>{' '}
        <button type="button" className="secondary small" aria-pressed={token !== null} onClick={show}>
          {token ? t('api.hideKey') : t('api.showKey')}
        </button>{' '}
        <button type="button" className="secondary small" onClick={copy}>
          {t('api.copyKey')}
        </button>{' '}
        {copied ? <span role="status">{t('api.copied')}</span> : null}
      </p>
      <p className="muted">{t('api.howTo', { url: s?.url ?? `http://127.0.0.1:${setting.port}/v1` })}</p>
      {action.error ? (
        <p role="alert" className="error-box">
          {t('errors.generic', { message: action.error })}
        </p>
      ) : null}
    </div>
  )
}
