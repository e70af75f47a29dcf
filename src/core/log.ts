/** The logging the core may use; the extension backs it with its output channel, the CLI with stderr. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** A logger that drops everything, for tests and quiet callers. */
export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };
