// A stand-in for the app in the crash tests: starts a real WhisperServer, prints its pid as one
// JSON line, then waits to be killed. Run with `node --import tsx engine-owner.ts MODEL [RUN_DIR]`.
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'
import { WhisperServer } from '../../src/core/transcribe/whisper-server'

const [modelPath, runDir] = process.argv.slice(2)
const engine = await WhisperServer.start({ serverPath: whisperServerPath(), modelPath: modelPath!, threads: 1, runDir })
process.stdout.write(`${JSON.stringify({ enginePid: engine.pid, ownerPid: process.pid })}\n`)
setInterval(() => {}, 1 << 30)
