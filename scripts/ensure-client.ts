import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

// `npm start` serves the dashboard too: on the first start (or after `rm -rf client/out`) this
// installs the client's own dependencies from its lockfile and builds its static export. Set
// SKIP_CLIENT_BUILD=1 to serve the API alone.
const root = path.resolve(__dirname, '..', '..');
const client = path.join(root, 'client');

function run(args: string[]): void {
  const result = spawnSync('npm', args, { cwd: client, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`dashboard build failed (npm ${args.join(' ')}); the API still starts\n`);
    process.exit(0);
  }
}

if (
  process.env.SKIP_CLIENT_BUILD !== '1' &&
  existsSync(client) &&
  !existsSync(path.join(client, 'out', 'index.html'))
) {
  process.stdout.write('building the dashboard (first start only)...\n');
  if (!existsSync(path.join(client, 'node_modules'))) {
    run(['ci', '--no-audit', '--no-fund']);
  }
  run(['run', 'build']);
}
