/**
 * @cognate/server: the Cognate server as a library (the `cognate` CLI is built on it).
 *
 * @example
 * ```ts
 * import { loadConfig, startCognate } from '@cognate/server';
 * const running = await startCognate(loadConfig({ port: 9229 }));
 * console.log(`Cognito-compatible endpoint at ${running.url}`);
 * ```
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { createCognate, type Cognate } from './app.js';
import { listen, type CognateServer } from './server.js';
import type { Clock } from './ports.js';

export { loadConfig, options, issuerFor, type Config } from './config.js';
export { createCognate, type Cognate } from './app.js';
export { createApp, listen, type CognateServer } from './server.js';
export { ManualClock, systemClock, type Clock } from './ports.js';
export { CognitoError, type CognitoErrorName } from './errors.js';

export interface RunningCognate extends CognateServer {
  cognate: Cognate;
}

/** Opens the database, loads keys and listens. `close()` stops the listener and the database. */
export async function startCognate(config: Config, opts: { log?: Logger; clock?: Clock } = {}): Promise<RunningCognate> {
  const log = opts.log ?? pino({ level: config.logLevel, base: undefined, redact: ['req.headers.authorization', '*.password', '*.Password'] });
  const cognate = await createCognate(config, log, opts.clock ? { clock: opts.clock } : {});
  try {
    const server = await listen(cognate, { port: config.port, host: config.host });
    return {
      ...server,
      cognate,
      close: async (graceMs?: number) => {
        await server.close(graceMs);
        await cognate.close();
      },
    };
  } catch (e) {
    await cognate.close();
    throw e;
  }
}
