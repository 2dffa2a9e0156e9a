/**
 * The load generator of `npm run bench:web`, in its own process (forked by bench/web.ts): autocannon
 * in the app's process would share the app's one event loop and CPU time, which a real client never
 * does. Receives one job, runs it, sends back every response's latency and the error counts, exits.
 */
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
}

export interface LoadResult {
  latencies: number[];
  rps: number;
  /** Response bytes (headers and body) per response, on average. */
  bytesPerResponse: number;
  errors: number;
  non2xx: number;
}

process.once('message', (job: LoadJob) => {
  const latencies: number[] = [];
  const instance = autocannon(
    { url: job.url, connections: job.connections, duration: job.seconds, headers: job.headers },
    (err, res) => {
      if (err) {
        process.stderr.write(`${err.stack ?? err}\n`);
        process.exit(1);
      }
      const result: LoadResult = {
        latencies,
        rps: Math.round(res.requests.average),
        bytesPerResponse: Math.round(res.throughput.total / Math.max(1, latencies.length)),
        errors: res.errors + res.timeouts,
        non2xx: res.non2xx,
      };
      process.send!(result, () => process.exit(0));
    },
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    latencies.push(responseTime),
  );
});
