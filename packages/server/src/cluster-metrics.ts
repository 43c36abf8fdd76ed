/**
 * `/metrics` under `cognate start --workers N`: whichever worker a scrape reaches answers for all of
 * them. It asks the primary, which collects every worker's registry (prom-client's
 * AggregatorRegistry) and sums them: requests and latencies by action, and the process metrics
 * (CPU seconds, resident memory) of the workers together — so CPU per operation is the server's,
 * not one worker's. The primary's own (small) CPU is not counted. Outside a cluster, a registry
 * answers for its own process.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'cognate:metrics';
const ANSWER = 'cognate:metrics:answer';
/** How long a worker waits for the primary's sum before it answers with its own metrics. */
const ANSWER_TIMEOUT_MS = 6000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/**
 * The text `/metrics` serves for `registry`: the sum over the workers in a cluster worker, the
 * registry's own elsewhere. In a worker, also makes the registry the one the primary collects.
 */
export function metricsText(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker || !process.send) return () => registry.metrics();
  // Constructing it installs prom-client's answer to the primary's collection requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const waiting = new Map<number, (answer: Answer) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    const answer = message as Partial<Answer> | null;
    if (answer?.type === ANSWER && typeof answer.id === 'number') waiting.get(answer.id)?.(answer as Answer);
  });
  return () =>
    new Promise<string>((resolve) => {
      const id = next++;
      const own = () => {
        waiting.delete(id);
        resolve(registry.metrics());
      };
      const timer = setTimeout(own, ANSWER_TIMEOUT_MS);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (answer.text !== undefined) resolve(answer.text);
        else own();
      });
      process.send!({ type: REQUEST, id });
    });
}

/** In the primary: answers the workers' requests for the summed metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (request?.type !== REQUEST || typeof request.id !== 'number') return;
    const id = request.id;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id, text }),
      (e: unknown) => worker.isConnected() && worker.send({ type: ANSWER, id, error: e instanceof Error ? e.message : 'failed' }),
    );
  });
}
