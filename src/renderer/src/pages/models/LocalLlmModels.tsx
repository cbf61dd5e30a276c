import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { LanguageSet } from '../../../../shared/calls/local-llm-calls'
import { languageName } from '../../../../shared/languages'
import { AsyncView } from '../../components/AsyncView'
import { Badge } from '../../components/Badge'
import { useLocalLlmModels } from './use-local-llm-models'
import { ErrorBox } from '../../components/ErrorBox'
import { ModelCard } from './ModelCard'

/** "Türkçe, İngilizce ve 27 dil daha": the languages named in the UI's language. */
function languageSetText(set: LanguageSet, t: TFunction, lng: string): string {
  const named = set.codes.map((c) => languageName(c, lng) ?? c)
  // "and N more" ends the list itself: the names before it take commas (Turkish's "unit" list has
  // none: "Türkçe İngilizce ve 27 dil daha"); a list that is whole takes the language's "and"
  const names = set.more > 0 ? named.join(', ') : new Intl.ListFormat(lng, { type: 'conjunction' }).format(named)
  const languages =
    set.more > 0 ? t('localLlm.languageSetMore', { names, count: set.more }) : t('localLlm.languageSet', { names })
  return set.turkishUsable ? t('localLlm.turkishUsable', { languages }) : languages
}

/** The Models page's section for the built-in engine: small instruction models and imported GGUF files. */
export function LocalLlmModels() {
  const { t, i18n } = useTranslation()
  const l = useLocalLlmModels()
  return (
    <section aria-labelledby="local-llm-title">
      <h2 id="local-llm-title">{t('localLlm.title')}</h2>
      <p className="intro">{t('localLlm.intro')}</p>
      <ErrorBox error={l.error} />
      <AsyncView state={l.list}>
        {(models) => (
          <ul className="whisper-models" data-testid="local-llm-models" aria-label={t('localLlm.listLabel')}>
            {models.map((m) => (
              <ModelCard
                key={m.name}
                name={m.name}
                title={m.displayName}
                installed={m.installed}
                downloadable={m.downloadable}
                download={l.downloads[m.name]}
                onDownload={() => l.download(m.name)}
                onCancel={() => l.cancel(m.name)}
                onDelete={() => l.remove(m.name)}
                badges={
                  <>
                    <Badge>{t('localLlm.size', { size: m.sizeMiB })}</Badge>
                    {m.fit.fits ? (
                      <Badge>{t('localLlm.needs', { need: m.fit.needMiB })}</Badge>
                    ) : (
                      <Badge tone="danger">{t('localLlm.tooBig', { free: m.fit.availableMiB })}</Badge>
                    )}
                    {m.languageSet || m.languages ? (
                      <Badge tone="accent">
                        {m.languageSet ? languageSetText(m.languageSet, t, i18n.language) : m.languages}
                      </Badge>
                    ) : null}
                    {m.commercialUse === false ? <Badge tone="warn">{t('localLlm.nonCommercial')}</Badge> : null}
                    {m.installed ? (
                      <Badge tone="fast">{t(m.downloadable ? 'localLlm.installed' : 'localLlm.imported')}</Badge>
                    ) : null}
                  </>
                }
              >
                <p className="muted">
                  {m.licenseUrl ? (
                    <a href={m.licenseUrl} target="_blank" rel="noreferrer">
                      {t('localLlm.license', { license: m.license })}
                    </a>
                  ) : (
                    t('localLlm.license', { license: m.license })
                  )}
                  {m.downloadable && !m.sha256 && !m.installed ? ` · ${t('localLlm.noChecksum')}` : null}
                </p>
              </ModelCard>
            ))}
          </ul>
        )}
      </AsyncView>
      <label>
        <span>{t('localLlm.import')}</span>
        <input
          type="file"
          accept=".gguf"
          data-testid="local-llm-import"
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) l.importFile(file)
            e.target.value = ''
          }}
        />
      </label>
    </section>
  )
}
