// The submit bench's second baseline: the least any durable accept does. A bare Express JSON
// route that commits one row (the request body, as jsonb) to Postgres per request through a
// pooled connection, then answers 202 — in a process of its own, on the database genflow uses
// in the same run. What it cannot reach on a machine, no submit that persists before it answers
// can. Needs DATABASE_URL; its table is emptied at start and dropped at SIGTERM. Plain
// JavaScript (no TypeScript loader). Prints {"port": N} once it listens.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import express from 'express';
import pg from 'pg';

// The pool size genflow's API uses by default (db/connect.ts): the same connections to work with.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BARE_POOL_SIZE ?? 10) });
await pool.query('create table if not exists bench_bare_accept (id uuid primary key, body jsonb not null, created_at timestamptz not null default now())');
await pool.query('truncate bench_bare_accept');
const app = express();
app.post('/v1/generations', express.json(), async (req, res, next) => {
  try {
    const id = randomUUID();
    await pool.query('insert into bench_bare_accept (id, body) values ($1, $2)', [id, req.body]);
    res.status(202).json({ id, status: 'queued', echo: req.body?.model });
  } catch (err) {
    next(err);
  }
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () =>
  server.close(async () => {
    await pool.query('drop table if exists bench_bare_accept').catch(() => undefined);
    await pool.end();
    process.exit(0);
  }),
);
