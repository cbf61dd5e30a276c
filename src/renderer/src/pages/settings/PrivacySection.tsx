import { useTranslation } from 'react-i18next'
import { useCall } from '../../lib/use-call'

/** Per feature, what leaves this computer and when; and where the built-in engine runs (GPU or CPU). */
const rows = ['localTranscription', 'builtinEnhancement', 'cloudEnhancement', 'cloudTranscription', 'modelDownloads'] as const

export function PrivacySection() {
  const { t } = useTranslation()
  const engine = useCall('localLlm.status', {}, [])
  const s = engine.data
  return (
    <section aria-labelledby="privacy-title">
      <h2 id="privacy-title">{t('privacy.title')}</h2>
      <p className="intro">{t('privacy.intro')}</p>
      <table data-testid="privacy-table">
        <thead>
          <tr>
            <th scope="col">{t('privacy.feature')}</th>
            <th scope="col">{t('privacy.leaves')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r}>
              <th scope="row">{t(`privacy.${r}`)}</th>
              <td>{t(`privacy.${r}Leaves`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="engine-backend">
        <strong>{t('privacy.engine')}</strong>
        {': '}
        {!s
          ? t('privacy.engineChecking')
          : s.gpu === false
            ? t('privacy.engineCpu', { threads: s.threads })
            : t('privacy.engineGpu', { backend: s.backend })}
      </p>
    </section>
  )
}
