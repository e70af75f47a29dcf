import * as vscode from 'vscode';
import type { Logger } from '../core/log';

/** The extension's one output channel, as a Logger. */
export function createLogger(): Logger & vscode.Disposable & { channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel('Cruxmark', { log: true });
  return {
    channel,
    trace: (m) => channel.trace(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    dispose: () => channel.dispose(),
  };
}
