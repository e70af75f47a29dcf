// A helper thread of the first index of a long essay: parses the parts of the text it claims and
// posts each back, then says it is done (src/core/markdown/parts.ts). Started by outlineThreads.ts.
import { parentPort, workerData } from 'worker_threads';
import { helpWithParts, type PartsJob } from '../core/markdown/parts';

const port = parentPort;
if (!port) throw new Error('outlineWorker.js only runs as a worker thread.');
helpWithParts(workerData as PartsJob, (result) => port.postMessage(result));
port.postMessage({ done: true });
