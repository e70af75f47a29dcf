// A helper thread of the first index of a long essay: parses the parts of the text it claims and
// posts each back, then says it is done (src/core/markdown/parts.ts). Started by outlineThreads.ts.
import { setPriority } from 'os';
import { parentPort, workerData } from 'worker_threads';
import { helpWithParts, type PartsJob } from '../core/markdown/parts';

const port = parentPort;
if (!port) throw new Error('outlineWorker.js only runs as a worker thread.');
// The thread that started this one answers the editor: where both want the same core, it goes
// first. Only Linux sets a nice value per thread; elsewhere it would slow the whole extension host.
if (process.platform === 'linux') {
  try {
    setPriority(19);
  } catch {
    // Not allowed here: the helper runs at the same priority, which only costs smoothness.
  }
}
helpWithParts(workerData as PartsJob, (result) => port.postMessage(result));
port.postMessage({ done: true });
