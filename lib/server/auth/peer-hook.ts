// The socket peer, for APISCOPE_TRUSTED_PROXY_IPS. Neither the edge middleware nor a route handler can see
// the TCP peer of a request (Next passes headers, and X-Forwarded-For is whatever the client wrote), so at
// start-up (instrumentation.ts) this stamps every incoming request, before Next reads it, with the
// socket's remote address and a per-process random token, after removing any client-sent copies. The
// middleware and the route handlers believe identity headers only when the stamp carries the token and
// the address is a trusted proxy's; a server where the hook is missing refuses them all (fail closed).
import "server-only";
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { PEER_HEADER, PEER_TOKEN_ENV, PEER_TOKEN_HEADER } from "../../auth/proxy";

let installed = false;

export function installPeerHook(): void {
  if (installed) return;
  installed = true;
  const token = randomBytes(32).toString("base64url");
  process.env[PEER_TOKEN_ENV] = token;
  for (const prototype of [http.Server.prototype, https.Server.prototype]) {
    const original = prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    prototype.emit = function emitWithPeer(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as IncomingMessage;
        req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
        req.headers[PEER_TOKEN_HEADER] = token;
      }
      return original.call(this, event, ...args);
    } as typeof prototype.emit;
  }
}
