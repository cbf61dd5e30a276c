import type { Rule } from 'eslint'

declare const plugin: { rules: { layers: Rule.RuleModule } }
export default plugin
export declare const allowed: Record<string, string[]>
export declare const allowedPackages: Record<string, string[]>
export declare const projectRoot: string
export declare function layerOfFile(file: string, root?: string): string | null
