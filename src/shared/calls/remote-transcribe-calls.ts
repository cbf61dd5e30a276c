/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const remoteTranscribeCalls = {} as const

export const remoteTranscribeEvents = {} as const
