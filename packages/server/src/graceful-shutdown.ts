/**
 * Graceful shutdown of the listener (SIGTERM, SIGINT; issue 16): stop accepting, answer every
 * request a client has already sent, then close.
 *
 * Node's own `server.close()` closes idle connections at once, and to it a connection is idle until
 * its request has been parsed: a connection just accepted, whose request is still in the socket
 * buffer because the worker was busy, would be cut (the client sees ECONNRESET for a request it
 * sent). So the listening socket is closed alone (net.Server's close), and each connection is
 * judged by what it did:
 * - a request in flight: answered, with `Connection: close`, and the connection closed after it;
 * - idle after at least one answer (a keep-alive connection between requests): closed at once;
 * - accepted but no request yet: given the grace period to send it, then treated as above.
 * Whatever is still open when the grace period ends is cut.
 */
import { Server as NetServer, type Socket } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

interface ConnectionState {
  /** Its requests being answered (more than one only when a client pipelines). */
  active: Set<ServerResponse>;
  answered: number;
}

export interface GracefulShutdown {
  /** Call for every request, before it is handled. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** Stops accepting and resolves once every connection is closed (cut after `graceMs`; 0: cut at once). */
  shutdown(graceMs: number): Promise<void>;
}

export function gracefulShutdown(server: Server, tls: boolean): GracefulShutdown {
  const connections = new Map<Socket, ConnectionState>();
  let closing = false;
  // Under TLS the request's socket is the TLS socket, which 'secureConnection' hands out.
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections.set(socket, { active: new Set(), answered: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  const closeIfIdle = (socket: Socket, state: ConnectionState) => {
    if (state.active.size === 0 && state.answered > 0) socket.end();
  };

  return {
    track(req, res) {
      const socket = req.socket;
      const state = connections.get(socket);
      if (!state) return;
      state.active.add(res);
      if (closing) res.setHeader('connection', 'close');
      res.once('close', () => {
        state.active.delete(res);
        state.answered++;
        if (closing) closeIfIdle(socket, state);
      });
    },
    shutdown(graceMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      if (graceMs <= 0) {
        server.closeAllConnections();
        return closed;
      }
      for (const [socket, state] of connections) {
        // Answers not begun yet tell their clients not to send another request on the connection.
        for (const res of state.active) if (!res.headersSent) res.setHeader('connection', 'close');
        closeIfIdle(socket, state);
      }
      const cut = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
      }, graceMs);
      cut.unref();
      return closed.finally(() => clearTimeout(cut));
    },
  };
}
