// MP4toText's additions to whisper.cpp's example server (examples/server/server.cpp), copied next
// to it and included by scripts/engine-patches/server-patch.mjs at build time.
//
// Upstream listens on a loopback port with `Access-Control-Allow-Origin: *`, no authentication and
// any Host header: every web page the user opens can reach it (a POST /load with a non-model file
// even makes it exit, killing the running job; DNS rebinding gets past the same-origin policy).
// Here only the app that started the server gets an answer:
//   - a per-run secret, the first line the app writes to the server's stdin pipe (never in argv,
//     which `ps` shows to every user, nor in the environment, which /proc/<pid>/environ keeps as
//     it was at start even after unsetenv), must arrive as `Authorization: Bearer <secret>` on
//     every request; without a secret the server refuses to start;
//   - a request carrying an Origin header (browsers send one on every cross-origin POST and every
//     preflight) is refused;
//   - the Host header must be 127.0.0.1:<port> or localhost:<port> (DNS rebinding);
//   - no CORS headers at all.
// And it dies with its parent: with MP4TOTEXT_ENGINE_WATCH_STDIN=1 the app spawns it with stdin
// as a pipe, and end-of-file on that pipe (the app exited, however abruptly: the OS closes the
// pipe even after kill -9) ends the server. That works the same on Linux, macOS and Windows.
#pragma once

#include "httplib.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace mp4totext {

// named in the refusal to start: the secret's name in the app (src/core/transcribe/whisper-server.ts)
constexpr const char * TOKEN_NAME = "MP4TOTEXT_ENGINE_TOKEN";
constexpr const char * WATCH_STDIN_ENV = "MP4TOTEXT_ENGINE_WATCH_STDIN";

// Reads the secret: the first line of stdin (a pipe only the app holds). Before anything else
// reads stdin: the parent watch (exit_with_parent) reads the rest of it.
inline std::string take_token() {
    std::string token;
    int c;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
        if (token.size() < 1024 && c != '\r') token.push_back(static_cast<char>(c));
    }
    return token;
}

// Compares in time independent of where the strings differ: the secret cannot be guessed byte by byte.
inline bool same_secret(const std::string & a, const std::string & b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; i++) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

inline std::string lower(std::string s) {
    for (auto & c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

inline httplib::Server::HandlerResponse refuse(httplib::Response & res, int status, const char * why) {
    res.status = status;
    // the body of a refused request is never read: the client must not reuse this connection
    res.set_header("Connection", "close");
    res.set_content(std::string("{\"error\":\"") + why + "\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
}

// Runs before routing, before any body is read and before static files: nothing gets past it.
inline void guard(httplib::Server & svr, const std::string & token, int port) {
    const std::string expected_auth = "Bearer " + token;
    const std::string host_ip = "127.0.0.1:" + std::to_string(port);
    const std::string host_name = "localhost:" + std::to_string(port);
    svr.set_pre_routing_handler([=](const httplib::Request & req, httplib::Response & res) {
        if (req.has_header("Origin")) {
            return refuse(res, 403, "requests from web pages are refused");
        }
        const std::string host = lower(req.get_header_value("Host"));
        if (host != host_ip && host != host_name) {
            return refuse(res, 403, "wrong Host");
        }
        if (!same_secret(req.get_header_value("Authorization"), expected_auth)) {
            return refuse(res, 401, "this engine answers only the app that started it");
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
}

// Exits when stdin reaches end-of-file: the parent that holds the other end of the pipe is gone.
inline void exit_with_parent() {
    const char * watch = std::getenv(WATCH_STDIN_ENV);
    if (!watch || std::string(watch) != "1") return;
    std::thread([] {
        char buf[256];
        while (std::fread(buf, 1, sizeof buf, stdin) > 0) {
        }
        fprintf(stderr, "mp4totext: parent process gone (stdin closed), exiting\n");
        std::_Exit(0);
    }).detach();
}

} // namespace mp4totext
