/**
 * Where a pool's trigger functions run. A pool's LambdaConfig names Lambda ARNs, exactly as in
 * Cognito; the `triggers` option maps an ARN to where Cognate runs it:
 *
 * - a **module**: a `file:` URL or a path to an ES module exporting a Lambda-style `handler`
 *   (`async (event, context) => event`, or the older `(event, context, callback)`);
 * - a **webhook**: an `http(s)://` URL that receives the event as a JSON POST, signed with
 *   `x-cognate-signature` (crypto/webhook-signature.ts), and answers with the event JSON;
 * - **`lambda`**, and every ARN not listed: the Lambda Invoke API (@aws-sdk/client-lambda), at
 *   `lambdaEndpoint` when set, else AWS Lambda in the ARN's region.
 *
 * Each invocation ends in one of three ways, which the trigger layer turns into Cognito's errors:
 * an answer (parsed JSON), a {@link FunctionError} (the function ran and failed:
 * UserLambdaValidationException), or an {@link InvocationError} (no answer in time, or none at all:
 * UnexpectedLambdaException). An answer that is not JSON is an {@link UnreadableAnswer}.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Config } from '../config.js';
import { SIGNATURE_HEADER, webhookSignature } from '../crypto/webhook-signature.js';
import { epochSeconds, type Clock } from '../ports.js';

/** The function ran and reported an error; `message` is its error message. */
export class FunctionError extends Error {}
/** The function gave no answer: it timed out, or could not be reached. */
export class InvocationError extends Error {}
/** The function answered with something that is not JSON. */
export class UnreadableAnswer extends Error {}

export type FunctionTarget = { kind: 'module'; url: string } | { kind: 'webhook'; url: string } | { kind: 'lambda' };

/** Runs one function: the event in, its parsed JSON answer out. */
interface Invoker {
  invoke(arn: string, event: object, timeoutMs: number): Promise<unknown>;
}

const TIMEOUT = 'Socket timeout while invoking Lambda function';

/** Reads a `triggers` entry. Relative module paths are resolved against the working folder. */
export function parseTarget(spec: string): FunctionTarget {
  if (spec === 'lambda') return { kind: 'lambda' };
  if (/^https?:\/\//i.test(spec)) return { kind: 'webhook', url: new URL(spec).href };
  if (spec.startsWith('file:')) return { kind: 'module', url: new URL(spec).href };
  return { kind: 'module', url: pathToFileURL(path.resolve(spec)).href };
}

/** Rejects after `ms` with an InvocationError, unless `work` settles first. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationError(TIMEOUT)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err) ?? String(err));

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableAnswer('Unrecognizable lambda output');
  }
}

/** An ES module, imported once. A handler gets a copy of the event, so it can't reach into ours. */
class ModuleInvoker implements Invoker {
  private loading: Promise<{ handler?: unknown; default?: { handler?: unknown } }> | undefined;

  constructor(private readonly url: string) {}

  async invoke(arn: string, event: object, timeoutMs: number): Promise<unknown> {
    this.loading ??= import(this.url);
    let handler: unknown;
    try {
      const mod = await this.loading;
      handler = mod.handler ?? mod.default?.handler;
    } catch (err) {
      this.loading = undefined; // a module fixed on disk loads at the next call
      throw new InvocationError(`the module ${this.url} could not be loaded: ${messageOf(err)}`);
    }
    if (typeof handler !== 'function') throw new InvocationError(`the module ${this.url} exports no handler function`);
    const copy: object = structuredClone(event);
    const deadline = Date.now() + timeoutMs;
    const context = {
      functionName: arn.split(':').pop() ?? arn,
      invokedFunctionArn: arn,
      awsRequestId: crypto.randomUUID(),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const run = new Promise<unknown>((resolve, reject) => {
      const callback = (err: unknown, result?: unknown) => (err ? reject(new FunctionError(messageOf(err))) : resolve(result));
      try {
        const returned: unknown = (handler as (...a: unknown[]) => unknown)(copy, context, callback);
        if (returned && typeof (returned as Promise<unknown>).then === 'function') {
          (returned as Promise<unknown>).then(resolve, (err: unknown) => reject(new FunctionError(messageOf(err))));
        } else if (returned !== undefined) {
          resolve(returned);
        }
        // undefined: a callback-style handler answers through the callback.
      } catch (err) {
        reject(new FunctionError(messageOf(err)));
      }
    });
    const answer = await within(timeoutMs, run);
    // What crosses a Lambda boundary is JSON; a module's answer is held to the same rule.
    return answer === undefined ? null : parseAnswer(JSON.stringify(answer) ?? 'undefined');
  }
}

/**
 * A webhook: `POST <url>` with the event as JSON. A 2xx answer's body is the function's answer;
 * any other status is the function failing, with `{"errorMessage": "..."}` (Lambda's shape) or
 * plain text as its message.
 */
class WebhookInvoker implements Invoker {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  async invoke(arn: string, event: object, timeoutMs: number): Promise<unknown> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-cognate-function-arn': arn };
    if (this.secret) headers[SIGNATURE_HEADER] = webhookSignature(this.secret, body, epochSeconds(this.clock.now()));
    let response: Response;
    let text: string;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      response = await fetch(this.url, { method: 'POST', headers, body, redirect: 'manual', signal });
      text = await response.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new InvocationError(timedOut ? TIMEOUT : 'the trigger webhook could not be reached');
    }
    if (response.status >= 200 && response.status < 300) return parseAnswer(text);
    let message = text.trim() || `HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(text) as { errorMessage?: unknown };
      if (typeof parsed?.errorMessage === 'string') message = parsed.errorMessage;
    } catch {
      // plain text
    }
    throw new FunctionError(message);
  }
}

/** The Lambda Invoke API (RequestResponse). One SDK client per region. */
class LambdaInvoker implements Invoker {
  private readonly clients = new Map<string, LambdaClient>();

  constructor(private readonly config: Pick<Config, 'lambdaEndpoint' | 'lambdaAccessKeyId' | 'lambdaSecretAccessKey' | 'region'>) {}

  private client(region: string): LambdaClient {
    let client = this.clients.get(region);
    if (!client) {
      const c = this.config;
      client = new LambdaClient({
        region,
        maxAttempts: 1,
        ...(c.lambdaEndpoint ? { endpoint: c.lambdaEndpoint } : {}),
        ...(c.lambdaAccessKeyId ? { credentials: { accessKeyId: c.lambdaAccessKeyId, secretAccessKey: c.lambdaSecretAccessKey } } : {}),
      });
      this.clients.set(region, client);
    }
    return client;
  }

  async invoke(arn: string, event: object, timeoutMs: number): Promise<unknown> {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    const region = arn.split(':')[3] || this.config.region;
    let out;
    try {
      out = await this.client(region).send(
        new InvokeCommand({ FunctionName: arn, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'AbortError' || name === 'TimeoutError') throw new InvocationError(TIMEOUT);
      // Lambda's own refusals (ResourceNotFoundException, AccessDeniedException, ...) by name, as Cognito reports them.
      throw new InvocationError(name && name !== 'Error' ? name : 'the Lambda API could not be reached');
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : 'null';
    if (out.FunctionError) {
      let message = text;
      try {
        const parsed = JSON.parse(text) as { errorMessage?: unknown };
        if (typeof parsed?.errorMessage === 'string') message = parsed.errorMessage;
      } catch {
        // the raw payload is the message
      }
      throw new FunctionError(message);
    }
    return parseAnswer(text);
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
  }
}

/** One run of a function, as {@link TriggerFunctions.onInvocation} is told of it. */
export interface FunctionRun {
  arn: string;
  /** where it ran */
  target: FunctionTarget['kind'];
  event: object;
  /** epoch ms (the clock port) */
  startedAt: number;
  durationMs: number;
  /** undefined when the function answered */
  error?: unknown;
}

/** Every configured function target, and the Lambda API for the rest. */
export class TriggerFunctions {
  private readonly routes = new Map<string, Invoker>();
  private readonly kinds = new Map<string, FunctionTarget['kind']>();
  private readonly lambda: LambdaInvoker;
  /** Told of every run after it ended (triggers/invocations.ts records them); must not throw or wait. */
  onInvocation: ((run: FunctionRun) => void) | undefined;

  constructor(
    private readonly config: Pick<Config, 'triggers' | 'triggerTimeoutMs' | 'triggerWebhookSecret' | 'lambdaEndpoint' | 'lambdaAccessKeyId' | 'lambdaSecretAccessKey' | 'region'>,
    private readonly clock: Clock,
  ) {
    this.lambda = new LambdaInvoker(config);
    for (const [arn, spec] of Object.entries(config.triggers)) {
      const target = parseTarget(spec);
      this.kinds.set(arn, target.kind);
      this.routes.set(arn, target.kind === 'module' ? new ModuleInvoker(target.url) : target.kind === 'webhook' ? new WebhookInvoker(target.url, config.triggerWebhookSecret, clock) : this.lambda);
    }
  }

  /** Runs the function at `arn` with `event`; see the module comment for how it can end. */
  invoke(arn: string, event: object): Promise<unknown> {
    const observe = this.onInvocation;
    const startedAt = observe ? this.clock.now() : 0;
    const t0 = performance.now();
    const run = (this.routes.get(arn) ?? this.lambda).invoke(arn, event, this.config.triggerTimeoutMs);
    if (!observe) return run;
    const ended = (error?: unknown) => {
      try {
        observe({ arn, target: this.kinds.get(arn) ?? 'lambda', event, startedAt, durationMs: Math.round(performance.now() - t0), ...(error !== undefined ? { error } : {}) });
      } catch {
        // recording is best effort: it never changes how the trigger ended
      }
    };
    return run.then(
      (answer) => {
        ended();
        return answer;
      },
      (err: unknown) => {
        ended(err ?? new Error('failed'));
        throw err;
      },
    );
  }

  close(): void {
    this.lambda.close();
  }
}
