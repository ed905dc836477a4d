#!/usr/bin/env -S node --import tsx
import { runBatch } from './batch';
import { runDev } from './dev';
import { runGenerate, runStatus } from './generate';
import { runMigrate } from './migrate';
import { RemoteError } from './remote';

const usage = `usage: genflow <command> [options]

commands:
  dev                        run the embedded stack (Temporal dev server, database, worker, API)
  migrate                    apply database migrations and exit
  generate --model M --prompt P [--param k=v]... [--image URL]... [--n N] [--wait] [--out DIR]
                             submit a generation; with --wait show progress and download the outputs
  batch <file.jsonl> [--max-concurrency N] [--stop-on-error] [--out DIR] [--urls] [--no-wait]
                             submit one generation request per line as a batch; show progress,
                             then download the outputs (or print their URLs) and list failures
  status <id>                print a generation as JSON

remote options (generate, batch, status):
  --url URL                  genflow API (default $GENFLOW_URL or http://127.0.0.1:3000)
  --api-key KEY              API key (default $GENFLOW_API_KEY)
`;

const [command, ...rest] = process.argv.slice(2);
try {
  switch (command) {
    case 'dev':
      await runDev();
      break;
    case 'migrate':
      await runMigrate();
      break;
    case 'generate':
      process.exitCode = await runGenerate(rest);
      break;
    case 'batch':
      process.exitCode = await runBatch(rest);
      break;
    case 'status':
      process.exitCode = await runStatus(rest);
      break;
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(usage);
      break;
    default:
      process.stderr.write(`genflow: unknown command '${command}'\n\n${usage}`);
      process.exitCode = 2;
  }
} catch (err) {
  const message = err instanceof RemoteError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`genflow: ${message}\n`);
  process.exitCode = 1;
}
