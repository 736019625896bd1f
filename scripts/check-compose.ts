import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';

// CI check of docker-compose.yml without a Docker engine: the file must satisfy the Compose
// Specification JSON schema (deploy/schema/compose-spec.json, from Debian's docker-compose 1.29.2
// package) and the invariants of our topology: >= 2 API replicas behind nginx with WebSocket
// upgrades, >= 2 workers, PostgreSQL and Redis, and no shared disk between API and workers.

const root = path.resolve(__dirname, '..', '..');
const fail = (problems: string[]) => {
  process.stderr.write(`docker-compose.yml is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  volumes?: string[];
  ports?: string[];
}

// Compose interpolates ${VAR:-default} / ${VAR:?error} before validating; so do we (defaults, or a
// placeholder for required values, which a real deployment sets in .env).
const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8').replace(
  /\$\{(\w+)(?::?([-?])([^}]*))?\}/g,
  (_m, name: string, kind?: string, arg?: string) =>
    process.env[name] ?? (kind === '-' ? (arg ?? '') : `placeholder-${name.toLowerCase()}`),
);
// Merge keys (<<: *common-env) as Compose resolves them.
const doc = parse(text, { merge: true }) as { services?: Record<string, Service> };
const schema = JSON.parse(
  readFileSync(path.join(root, 'deploy', 'schema', 'compose-spec.json'), 'utf8'),
) as Record<string, unknown>;
delete schema.$schema;
// The schema labels its parts with draft-04's `id` ("#/properties/..."), which Ajv 8 refuses;
// they are labels only (nothing refers to them), so they are dropped.
const dropIds = (node: unknown): void => {
  if (Array.isArray(node)) {
    node.forEach(dropIds);
  } else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (typeof obj.id === 'string' && (obj.id.startsWith('#') || obj.id.endsWith('.json'))) {
      delete obj.id;
    }
    Object.values(obj).forEach(dropIds);
  }
};
dropIds(schema);
// The top-level project `name` joined the Compose Specification after this copy of the schema.
(schema.properties as Record<string, unknown>).name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
const ajv = new Ajv2019({ strict: false, allErrors: true });
// The schema's custom formats, as docker-compose checks them.
ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
ajv.addFormat('ports', /^((\[?[\w.:]*\]?:)?\d*(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d+$/);
const validate = ajv.compile(schema);
const problems: string[] = [];
if (!validate(doc)) {
  problems.push(...(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`));
}

const services = doc.services ?? {};
const need = (ok: boolean, message: string) => {
  if (!ok) {
    problems.push(message);
  }
};
const api = services.api;
const worker = services.worker;
const nginx = services.nginx;
need(Boolean(api && (api.deploy?.replicas ?? 1) >= 2), 'api needs deploy.replicas >= 2');
need(Boolean(worker && (worker.deploy?.replicas ?? 1) >= 2), 'worker needs deploy.replicas >= 2');
need(Boolean(worker?.command?.join(' ').includes('worker-main')), 'worker must run dist/src/worker-main.js');
need(Boolean(services.postgres && services.redis), 'postgres and redis services are required');
need(!api?.ports?.length, 'api replicas must not publish host ports (nginx does)');
for (const [name, s] of Object.entries({ api, worker })) {
  need(s?.environment?.STORAGE_DRIVER === 'database', `${name}: STORAGE_DRIVER=database (no shared disk)`);
  need(
    Boolean(s?.environment?.REDIS_URL && s.environment.DATABASE_URL),
    `${name}: DATABASE_URL and REDIS_URL`,
  );
}
need(api?.environment?.INFERENCE_MODE === 'remote', 'api: INFERENCE_MODE=remote (workers analyse photos)');
const mount = nginx?.volumes?.find((v) => v.includes('nginx.conf'));
need(Boolean(mount), 'nginx must mount deploy/nginx.conf');
if (mount) {
  const file = path.join(root, mount.split(':')[0]!);
  need(existsSync(file), `${file} is missing`);
  if (existsSync(file)) {
    const conf = readFileSync(file, 'utf8');
    need(/proxy_set_header\s+Upgrade\s+\$http_upgrade/.test(conf), 'nginx.conf must pass WebSocket upgrades');
    need(/api:4000/.test(conf), 'nginx.conf must proxy to api:4000');
  }
}
if (problems.length > 0) {
  fail(problems);
}
process.stdout.write(`docker-compose.yml valid: ${Object.keys(services).join(', ')}\n`);
