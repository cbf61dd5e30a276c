import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'

const open = useApp()

it('picks a model with the keyboard alone', async () => {
  const { page, shot } = await open()
  await go(page, 'models')
  await page.getByRole('listbox').waitFor()
  // start from the top of the document: a fresh load of the page
  await page.reload()
  await page.getByRole('listbox').waitFor()
  const k = page.keyboard
  // skip link first, then into the page: past the transcription models to the search field
  await k.press('Tab')
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
  await k.press('Enter')
  for (let i = 0; i < 60; i++) {
    await k.press('Tab')
    if ((await page.evaluate(() => document.activeElement?.getAttribute('type'))) === 'search') break
  }
  expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search')
  await k.type('gpt-oss')
  await k.press('ArrowDown') // into the listbox
  const listbox = page.getByRole('listbox')
  expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox')
  const active = () =>
    listbox.getAttribute('aria-activedescendant').then((id) => page.locator(`[id="${id!}"]`).getAttribute('data-key'))
  expect(await active()).toBe('groq/openai/gpt-oss-20b')
  // one order across providers, cheapest first
  await k.press('ArrowDown')
  expect(await active()).toBe('together/openai/gpt-oss-20b')
  await k.press('ArrowDown')
  expect(await active()).toBe('groq/openai/gpt-oss-120b')
  await k.press('End')
  expect(await active()).toBe('together/openai/gpt-oss-120b')
  await k.press('Home')
  await k.press('ArrowDown')
  await k.press('ArrowDown')
  await k.press('Enter')
  await expect.poll(() => page.locator('.picker-selected').textContent()).toBe('Selected: GPT-OSS 120B · 24 credits')
  expect(await page.locator('[data-key="groq/openai/gpt-oss-120b"]').getAttribute('aria-selected')).toBe('true')
  // the focused listbox shows a visible focus ring
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
  expect(outline).not.toBe('none')
  await shot('keyboard-pick')
})
