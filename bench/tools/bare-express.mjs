// The submit bench's first baseline: a bare Express JSON route answering 202 with an id, in a
// process of its own (never the process under test, never the load generator's). Plain
// JavaScript, so it needs no TypeScript loader. Prints {"port": N} once it listens.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import express from 'express';

const app = express();
app.post('/v1/generations', express.json(), (req, res) => {
  res.status(202).json({ id: randomUUID(), status: 'queued', echo: req.body?.model });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
