import type { Server } from 'node:http';
import type { Express } from 'express';
import { clientErrorHandler } from './errors';

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.on('clientError', clientErrorHandler);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets would hold close() open indefinitely.
    server.closeIdleConnections();
  });
}
