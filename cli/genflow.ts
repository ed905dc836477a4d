#!/usr/bin/env -S npx tsx
import { runDev } from './dev';
import { runMigrate } from './migrate';

const usage = `usage: genflow <command>

commands:
  dev       run the embedded stack (Temporal dev server, database, worker, API)
  migrate   apply database migrations and exit
`;

const [command] = process.argv.slice(2);
switch (command) {
  case 'dev':
    await runDev();
    break;
  case 'migrate':
    await runMigrate();
    break;
  case undefined:
  case '-h':
  case '--help':
    process.stdout.write(usage);
    break;
  default:
    process.stderr.write(`genflow: unknown command '${command}'\n\n${usage}`);
    process.exit(2);
}
