import path from 'node:path'
import { ESLint, RuleTester } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import architecture from '../../eslint-rules/layers.js'

const root = path.resolve(import.meta.dirname, '../..')
const at = (p: string) => path.join(root, p)

describe('architecture/layers', () => {
  const tester = new RuleTester({
    languageOptions: { parser: tseslint.parser as never, ecmaVersion: 2022, sourceType: 'module' },
  })
  it('allows the intended flow and rejects the rest', () => {
    tester.run('layers', architecture.rules.layers, {
      valid: [
        { filename: at('src/core/a.ts'), code: "import { x } from '../shared/contract'" },
        { filename: at('src/core/a.ts'), code: "import fs from 'node:fs'" },
        { filename: at('src/main/a.ts'), code: "import { app } from 'electron'; import { c } from '../core/app-core'" },
        { filename: at('src/renderer/src/a.ts'), code: "import { x } from '../../shared/contract'; import React from 'react'" },
        { filename: at('src/preload/a.ts'), code: "import { ipcRenderer } from 'electron'" },
      ],
      invalid: [
        { filename: at('src/core/a.ts'), code: "import { app } from 'electron'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/shared/a.ts'), code: "import fs from 'node:fs'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/shared/a.ts'), code: "import { x } from '../core/app-core'", errors: [{ messageId: 'forbidden' }] },
        {
          filename: at('src/renderer/src/a.ts'),
          code: "import { x } from '../../core/app-core'",
          errors: [{ messageId: 'forbidden' }],
        },
        { filename: at('src/renderer/src/a.ts'), code: "import path from 'path'", errors: [{ messageId: 'forbidden' }] },
        {
          filename: at('src/preload/a.ts'),
          code: "import { x } from '../core/store/store'",
          errors: [{ messageId: 'forbidden' }],
        },
        { filename: at('src/core/a.ts'), code: "export { y } from '../main/ipc-adapter'", errors: [{ messageId: 'forbidden' }] },
        { filename: at('src/core/a.ts'), code: "const m = import('../cli/main')", errors: [{ messageId: 'forbidden' }] },
      ],
    })
  })
})

describe('renderer literal strings', () => {
  it('is a lint error to render a literal UI string in a component', async () => {
    const eslint = new ESLint({ cwd: root })
    const bad = 'export function X() {\n  return <p>Hello there</p>\n}\n'
    const good =
      "import { useTranslation } from 'react-i18next'\nexport function X() {\n  const { t } = useTranslation()\n  return <p>{t('app.name')}</p>\n}\n"
    const [b] = await eslint.lintText(bad, { filePath: at('src/renderer/src/components/X.tsx') })
    const [g] = await eslint.lintText(good, { filePath: at('src/renderer/src/components/X.tsx') })
    expect(b!.messages.map((m) => m.ruleId)).toContain('react/jsx-no-literals')
    expect(g!.messages).toEqual([])
  })
})
