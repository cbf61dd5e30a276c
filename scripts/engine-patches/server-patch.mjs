// MP4toText's build-time changes to whisper.cpp, applied by build-engine.mjs to a COPY of the
// source (node_modules stays as npm installed it): the example server's guard (the logic lives in
// mp4totext-guard.h) and one change to the library itself. Every edit is anchored, so a
// whisper.cpp update that moves an anchor fails the build loudly instead of shipping an unguarded
// or nondeterministic engine.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

/** Every file whose content decides the patched source: part of the build's cache stamp. */
export const patchFiles = [fileURLToPath(import.meta.url), path.join(here, 'mp4totext-guard.h')]

const edits = [
  {
    why: 'include the guard',
    find: '#include "json.hpp"\n',
    replace: '#include "json.hpp"\n#include "mp4totext-guard.h"\n',
  },
  {
    why: 'no secret, no server; exit with the parent',
    find: '    ggml_backend_load_all();\n',
    replace: `    ggml_backend_load_all();

    // MP4toText: serve only the app that started this server, and end when it ends
    const std::string mp4totext_token = mp4totext::take_token();
    if (mp4totext_token.empty()) {
        fprintf(stderr, "error: no secret (%s) on the first line of stdin: this whisper-server answers only the MP4toText app that starts it\\n", mp4totext::TOKEN_NAME);
        return 1;
    }
    mp4totext::exit_with_parent();
`,
  },
  {
    why: "the error handler keeps the guard's 401 and 403 (upstream turns every 4xx but 400 into 404)",
    find: '    svr->set_error_handler([](const Request &req, Response &res) {\n',
    replace: `    svr->set_error_handler([](const Request &req, Response &res) {
        if (res.status == 401 || res.status == 403) return; // MP4toText: the guard's refusals say why
`,
  },
  {
    why: 'no CORS headers; Origin, Host and secret checked before routing',
    find: `    svr->set_default_headers({{"Server", "whisper.cpp"},
                             {"Access-Control-Allow-Origin", "*"},
                             {"Access-Control-Allow-Headers", "content-type, authorization"}});
`,
    replace: `    // MP4toText: no CORS headers (upstream sends Access-Control-Allow-Origin: *)
    svr->set_default_headers({{"Server", "whisper.cpp"}});
    mp4totext::guard(*svr, mp4totext_token, sparams.port);
`,
  },
]

const libraryEdits = [
  {
    why: 'every transcription starts from the same sampler state (upstream seeds decoder 0 once per state)',
    find: '    // TAGS: WHISPER_DECODER_INIT\n    for (int j = 1; j < n_decoders; j++) {\n        auto & decoder = state->decoders[j];\n',
    // The warm engine keeps one state for every window: with temperature fallback, decoder 0's
    // sampler went on from wherever the previous window left it, so a window's segments depended
    // on what came before it. Decoders 1.. are already reseeded here on every call.
    replace: `    // MP4toText: the same audio gives the same segments whatever this state decoded before
    state->decoders[0].rng = std::mt19937(0);

    // TAGS: WHISPER_DECODER_INIT
    for (int j = 1; j < n_decoders; j++) {
        auto & decoder = state->decoders[j];
`,
  },
]

/** Patches the whisper.cpp tree at `sourceDir` in place (call it on a copy). Idempotent. */
export function applyEnginePatches(sourceDir) {
  const serverDir = path.join(sourceDir, 'examples', 'server')
  copyFileSync(path.join(here, 'mp4totext-guard.h'), path.join(serverDir, 'mp4totext-guard.h'))
  patchFile(path.join(serverDir, 'server.cpp'), edits)
  patchFile(path.join(sourceDir, 'src', 'whisper.cpp'), libraryEdits)
}

function patchFile(file, fileEdits) {
  let text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n')
  for (const e of fileEdits) {
    if (text.includes(e.replace)) continue // already applied
    const at = text.indexOf(e.find)
    if (at < 0 || text.indexOf(e.find, at + 1) >= 0)
      throw new Error(
        `engine patch "${e.why}" does not apply to ${file}: its anchor is ${at < 0 ? 'missing' : 'not unique'} (did the whisper.cpp version change?)`,
      )
    text = text.slice(0, at) + e.replace + text.slice(at + e.find.length)
  }
  writeFileSync(file, text)
}
