// Helper threads for the first index of a long essay (OutlineIndex.build's `parallel` option):
// workers running outlineWorker.js, which scripts/build.mjs writes next to every bundle that may
// start them. Where no worker can start, build parses on the calling thread alone.
import { existsSync } from 'fs';
import { availableParallelism } from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ParallelParse, PartResult } from '../core/markdown';

/** File name of the worker bundle, next to the bundle that runs this module. */
export const OUTLINE_WORKER_FILE = 'outlineWorker.js';

/** Options of outlineThreads. */
export interface OutlineThreadsOptions {
  /** The worker script; default outlineWorker.js in this bundle's folder. */
  script?: string;
  /** Workers per build; default one fewer than the cores the process may use, 1 to 3. */
  threads?: number;
  /** Told when workers cannot start or fail; the build then does their share itself. */
  onError?: (error: Error) => void;
}

type WorkerMessage = PartResult | { done: true };

/** The thread count: the calling thread parses too, so one core is left for it. */
function defaultThreads(): number {
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

/** Starts workers for each build that asks, and stops them when it is over. */
export function outlineThreads(options: OutlineThreadsOptions = {}): ParallelParse {
  const report = (error: unknown): void => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  return (job, deliver) => {
    const script = options.script ?? path.join(__dirname, OUTLINE_WORKER_FILE);
    if (!existsSync(script)) {
      report(new Error(`${path.basename(script)} is missing next to the extension's bundle.`));
      return undefined;
    }
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < (options.threads ?? defaultThreads()); i++) workers.push(new Worker(script, { workerData: job }));
    } catch (error) {
      // Where threads are not allowed, or there are no resources for one more.
      report(error);
      if (workers.length === 0) return undefined;
    }
    let stopped = false;
    const finished = workers.map((worker) => new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if ('done' in message) resolve();
        else if (!stopped) deliver(message);
      });
      worker.on('error', reject);
      worker.on('messageerror', reject);
      worker.on('exit', (code) => reject(new Error(`An outline worker exited with code ${code} before it was done.`)));
    }));
    const done = Promise.allSettled(finished).then((outcomes) => {
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (!failed) return;
      // Stopping a worker makes it exit early: that is no failure.
      if (!stopped) report(failed.reason);
      throw failed.reason;
    });
    return {
      done,
      stop: () => {
        stopped = true;
        for (const worker of workers) void worker.terminate();
      },
    };
  };
}
