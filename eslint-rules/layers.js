// @ts-check
/**
 * The architecture as a lint rule (after VS Code's "code-layering" and its import patterns):
 * each folder under src/ is a layer and may import only the layers listed for it, plus the npm
 * packages listed for it. Node built-ins and Electron are layers of their own, so "core never
 * imports electron" and "the renderer sees only shared" are errors rather than conventions.
 *
 * Layers are found from the path relative to this project's root (the folder above this file),
 * never from the absolute path: a checkout that itself lives under some `…/src/<name>/` folder is
 * checked the same way.
 */
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** @type {Record<string, string[]>} layer → layers it may import */
export const allowed = {
  shared: ['shared'],
  core: ['shared', 'core', 'node'],
  main: ['shared', 'core', 'main', 'node', 'electron'],
  preload: ['shared', 'preload', 'electron'],
  renderer: ['shared', 'renderer'],
  cli: ['shared', 'core', 'cli', 'node'],
  web: ['shared', 'core', 'web', 'node'],
}

/**
 * layer → npm packages it may import (subpaths included). A package that does a layer's job
 * belongs to that layer: the renderer cannot reach the database or a provider SDK, the shared
 * contract stays free of anything but zod.
 * @type {Record<string, string[]>}
 */
export const allowedPackages = {
  shared: ['zod'],
  core: [
    'zod',
    'lowdb',
    'openai',
    'groq-sdk',
    'proper-lockfile',
    '@ffmpeg-installer/ffmpeg',
    'sherpa-onnx-node',
    'node-llama-cpp',
    'onnx-proto',
    'chokidar',
    // its own parser of the update feed (providers/Provider), which runs without Electron
    'electron-updater',
    'docx',
  ],
  main: ['electron-updater'],
  preload: [],
  renderer: ['react', 'react-dom', 'i18next', 'react-i18next'],
  cli: [],
  web: [],
}

const builtins = new Set(builtinModules)

/** The layer a file belongs to, from its path inside this project; null outside src/<layer>/. */
export function layerOfFile(file, root = projectRoot) {
  const rel = path.relative(root, file)
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null
  const [top, layer, ...rest] = rel.split(/[\\/]/)
  return top === 'src' && layer && rest.length > 0 && layer in allowed ? layer : null
}

/** @param {string} source */
function packageName(source) {
  const parts = source.split('/')
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/**
 * @param {string} source @param {string} file @param {string} root
 * @returns {{ kind: 'layer', layer: string | null } | { kind: 'package', name: string }}
 */
function target(source, file, root) {
  if (source.startsWith('node:') || builtins.has(source.split('/')[0] ?? '')) return { kind: 'layer', layer: 'node' }
  if (source === 'electron' || source.startsWith('electron/')) return { kind: 'layer', layer: 'electron' }
  if (source.startsWith('.') || path.isAbsolute(source)) {
    return { kind: 'layer', layer: layerOfFile(path.resolve(path.dirname(file), source, 'x'), root) }
  }
  return { kind: 'package', name: packageName(source) ?? source }
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the shared ← core ← main/cli/web layering; renderer and preload see only shared.' },
    messages: {
      forbidden: 'Layer "{{from}}" may not import "{{to}}" ({{source}}). Allowed: {{allowed}}.',
      forbiddenPackage:
        'Layer "{{from}}" may not import the package "{{to}}". Packages allowed there: {{allowed}} (eslint-rules/layers.js).',
    },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = context.options[0]?.root ?? projectRoot
    const file = context.filename
    const from = layerOfFile(file, root)
    if (!from) return {}
    /** @param {any} node @param {unknown} value */
    const check = (node, value) => {
      if (typeof value !== 'string') return
      const to = target(value, file, root)
      if (to.kind === 'layer') {
        const ok = allowed[from] ?? []
        if (to.layer && !ok.includes(to.layer))
          context.report({ node, messageId: 'forbidden', data: { from, to: to.layer, source: value, allowed: ok.join(', ') } })
        return
      }
      const ok = allowedPackages[from] ?? []
      if (!ok.includes(to.name))
        context.report({
          node,
          messageId: 'forbiddenPackage',
          data: { from, to: to.name, allowed: ok.join(', ') || 'none' },
        })
    }
    /** @param {any} node */
    const fromSource = (node) => check(node, node.source?.value)
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: fromSource,
      /** @param {any} node — require('x') */
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal')
          check(node, node.arguments[0].value)
      },
      /** @param {any} node — import x = require('x') */
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference?.type === 'TSExternalModuleReference') check(node, node.moduleReference.expression?.value)
      },
    }
  },
}

export default { rules: { layers: rule } }
