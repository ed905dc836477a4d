import type { Request, Response } from 'express';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { GenerationRow } from '../../db/schema';
import { isTerminal, type GenerationStatus } from '../../domain/status';
import { generationView } from '../../views/generation-views';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: a `progress` event whenever status or progress changes, then one `done`
 * event with the whole generation, then the stream closes. The row is the source of truth
 * (workers write it), so this works the same whichever process runs the workflow.
 */
export function streamEvents(
  req: Request,
  res: Response,
  first: GenerationRow,
  deps: { repo: GenerationsRepo; baseUrl(req: Request): string },
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  let closed = false;
  let last = '';
  let lastWrite = Date.now();
  const send = (event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    lastWrite = Date.now();
  };

  const tick = async (row: GenerationRow | undefined): Promise<void> => {
    if (closed || !row) return;
    const key = `${row.status}:${row.progress}`;
    if (key !== last) {
      last = key;
      send('progress', { id: row.id, status: row.status, progress: Number(row.progress) });
    } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    if (isTerminal(row.status as GenerationStatus)) {
      send('done', generationView(row, await deps.repo.listAssets(row.id), deps.baseUrl(req)));
      closed = true;
      res.end();
      return;
    }
    setTimeout(() => {
      deps.repo.findById(row.id).then(tick, () => {
        // A database hiccup ends the stream; the client reconnects or polls.
        closed = true;
        res.end();
      });
    }, POLL_MS);
  };

  req.on('close', () => {
    closed = true;
  });
  void tick(first);
}
