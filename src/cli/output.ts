// Output for the commands: whole lines, written synchronously so that stdout and stderr
// keep their order and nothing is lost when the process exits.
import fs = require('fs');
import { decodeBytes, encodeBytes } from '../sys/bytes';

function writeAll(fd: number, text: string): void {
  writeBytes(fd, encodeBytes(text)); // paths print as the bytes they are
}

function writeBytes(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      return; // EPIPE and friends: the reader went away
    }
  }
}

export interface Output {
  stdout(lines: readonly string[]): void;
  /** Bytes that are whole lines, each with its newline (a listing made without strings). */
  stdoutBytes(bytes: Uint8Array): void;
  stderr(lines: readonly string[]): void;
}

export const processOutput: Output = {
  stdout(lines) {
    if (lines.length) writeAll(1, lines.join('\n') + '\n');
  },
  stdoutBytes(bytes) {
    writeBytes(1, bytes);
  },
  stderr(lines) {
    if (lines.length) writeAll(2, lines.join('\n') + '\n');
  },
};

/** An Output that keeps the lines (for tests and library users). */
export function memoryOutput(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err, stdout: (l) => out.push(...l), stderr: (l) => err.push(...l),
    stdoutBytes: (b) => {
      if (b.length) out.push(decodeBytes(Buffer.from(b.buffer, b.byteOffset, b.length - 1)));
    },
  };
}
