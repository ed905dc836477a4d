/** A one-line progress bar on a TTY; plain lines when output is piped (logs stay readable). */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let last = '';
  return {
    update(fraction: number, status: string): void {
      const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${status}   `);
      } else {
        const line = `${label} ${pct}% ${status}`;
        if (line !== last) stream.write(line + '\n');
        last = line;
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
