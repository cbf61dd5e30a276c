import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { createInitialDb } from '../../src/core/initial-db'
import { Store } from '../../src/core/store/store'
import { audit } from '../helpers/axe-audit'
import { go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'

const open = useApp({
  prepare: async (dataDir) => {
    const model = await installMiniModel(dataDir)
    const store = await Store.open(dataDir, createInitialDb)
    await store.mutate((db) => {
      db.settings.whisperModel = model
    })
  },
})
const made: string[] = []
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
})

it('a watch folder added in Settings transcribes a file dropped into it: the transcript is listed and the output written', async () => {
  const { page, shot } = await open({ colorScheme: 'dark' })
  const watched = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-watched-'))
  made.push(watched)
  await go(page, 'settings')
  const section = page.getByTestId('watch-section')
  await section.getByLabel('Folder to watch (full path)').fill('videos')
  await section.getByRole('button', { name: 'Watch this folder' }).click()
  // a relative path is refused, in words
  await expect.poll(() => section.getByRole('alert').textContent()).toContain('Enter a full path')
  await section.getByLabel('Folder to watch (full path)').fill(watched)
  await section.getByLabel('SRT').uncheck()
  await section.getByRole('button', { name: 'Watch this folder' }).click()
  await expect.poll(() => section.getByTestId('watch-folders').textContent()).toContain(watched)

  // dropped on disk, as a file manager would
  const staging = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-staging-'))
  made.push(staging)
  copyFileSync(makeMedia(staging, 'Ders notu 1.2.wav', { seconds: 2 }), path.join(watched, 'Ders notu 1.2.wav'))
  const done = section.getByTestId('watch-recent').locator('li[data-status=done]')
  await done.waitFor({ timeout: 45_000 })
  expect(await done.textContent()).toContain('Ders notu 1.2.txt')
  expect(readdirSync(watched).sort()).toEqual(['Ders notu 1.2.txt', 'Ders notu 1.2.wav'])
  expect(existsSync(path.join(watched, 'Ders notu 1.2.srt'))).toBe(false)
  await shot('watch-folder-settings')

  // the section passes the audit with its list and recent files showing (dark theme)
  const violations = await audit(page, '[data-testid=watch-section]')
  expect(violations).toEqual([])

  // the folder deleted: Settings says it is not watched now, and why, while it stays enabled
  rmSync(watched, { recursive: true })
  const item = section.getByTestId('watch-folders').locator('li').first()
  await expect.poll(() => item.getAttribute('data-state'), { timeout: 20_000 }).toBe('stopped')
  expect(await item.getByTestId('watch-stopped').textContent()).toContain('the folder is not there')
  expect(await item.getAttribute('data-enabled')).toBe('true')
  expect(await audit(page, '[data-testid=watch-section]')).toEqual([])
  await shot('watch-folder-stopped')
  // back: watched again, by itself
  mkdirSync(watched)
  await expect.poll(() => item.getAttribute('data-state'), { timeout: 20_000 }).toBe('watching')
  expect(await item.getByTestId('watch-stopped').count()).toBe(0)

  await go(page, 'transcribe')
  await expect.poll(() => page.getByTestId('transcripts').textContent()).toContain('Ders notu 1.2.wav')
})
