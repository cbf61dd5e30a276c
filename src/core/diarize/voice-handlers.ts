import type { voiceCalls } from '../../shared/calls/voice-calls'
import type { Handlers } from '../../shared/contract'
import type { SpeakerService } from './speaker-service'

/** The voice library's contract calls, answered by the speaker service and its library. */
export function voiceHandlers(speakers: SpeakerService): Pick<Handlers, keyof typeof voiceCalls> {
  const voices = speakers.voices
  const list = async () => voices.list(await speakers.currentVoiceModel())
  return {
    'voices.list': list,
    'voices.settings': async (patch) => {
      await voices.setSettings(patch)
      return list()
    },
    'voices.rename': async ({ voiceId, name }) => {
      await voices.rename(voiceId, name)
      return list()
    },
    'voices.merge': async ({ from, into }) => {
      await voices.merge(from, into)
      return list()
    },
    'voices.forget': async ({ voiceId }) => {
      await voices.forget(voiceId)
      return list()
    },
    'voices.dismissDamaged': async () => {
      await voices.dismissDamaged()
      return list()
    },
    'voices.export': async () => ({
      fileName: `mp4totext-voices-${new Date().toISOString().slice(0, 10)}.json`,
      content: await voices.exportJson(),
    }),
    'voices.import': async ({ content }) => ({ ...(await voices.importJson(content)), list: await list() }),
    'voices.ofTranscript': async ({ id }) => voices.ofTranscript(id),
    'voices.confirm': async ({ id, speaker, voiceId }) => speakers.confirmVoice(id, speaker, voiceId),
    'voices.reject': async ({ id, speaker }) => speakers.rejectVoice(id, speaker),
  }
}
