// Progress of a long CLI operation on stderr, so stdout (and --json) stays clean: on a terminal one
// line rewritten in place; otherwise a line when the text changes, at most one per interval.

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  /** The current state, e.g. "stopping: 120 of 500 stopped". */
  update(text: string): void;
  /** The last state, always shown, ending the progress line. */
  done(text: string): void;
}

export function progressOn(stream: ProgressStream, options: { readonly now?: () => number; readonly intervalMs?: number } = {}): Progress {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 1_000;
  if (stream.isTTY === true) {
    return {
      update: (text) => void stream.write(`\r\x1b[K${text}`),
      done: (text) => void stream.write(`\r\x1b[K${text}\n`),
    };
  }
  let last = "";
  let shownAt = -Infinity;
  return {
    update(text) {
      if (text === last || now() - shownAt < intervalMs) return;
      last = text;
      shownAt = now();
      stream.write(`${text}\n`);
    },
    done(text) {
      if (text !== last) stream.write(`${text}\n`);
      last = text;
    },
  };
}
