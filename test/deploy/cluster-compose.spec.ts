import { getMetadataStorage } from 'class-validator';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AppConfig } from '../../src/config/app-config';
import { ClusterConfig } from '../../src/config/cluster-config';
import { loadConfig } from '../../src/config/load-config';
import { MediaConfig } from '../../src/config/media-config';

const ROOT = path.join(__dirname, '..', '..');
const DIR = path.join(ROOT, 'deploy', 'cluster');
const NODES = ['n1', 'n2', 'n3'];

interface Service {
  build?: { context: string };
  environment?: Record<string, string | number>;
  volumes?: string[];
}

/** The settings a class validates (its own and its parents'): the environment variables the gateway reads. */
function settingNames(target: new () => object): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(target, '', true, false)
      .map((m) => m.propertyName),
  );
}

/** Docker Compose's interpolation: `${VAR:?message}` takes `given[VAR]`, `${VAR:-default}` the default. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (name in given) return given[name];
    if (op === '-') return arg ?? '';
    throw new Error(`no test value for required ${name}`);
  });
}

describe('deploy/cluster (docker-compose.yml, nginx.conf)', () => {
  const compose = parse(fs.readFileSync(path.join(DIR, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const nginx = fs.readFileSync(path.join(DIR, 'nginx.conf'), 'utf8');
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  // What .env must provide (the compose file refuses to start without them).
  const given = {
    POSTGRES_PASSWORD: 'pg-secret',
    API_KEY: 'cluster-api-key-0123456789',
    DATA_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
  };

  it('gives every node only settings the gateway has, all cluster settings, and its own NODE_ID and NODE_URL', () => {
    const known = settingNames(AppConfig);
    // ClusterConfig's own settings (it extends MediaConfig): every one of them is set per node.
    const media = settingNames(MediaConfig);
    const cluster = [...settingNames(ClusterConfig)].filter((n) => !media.has(n));
    expect(cluster).toEqual(expect.arrayContaining(['NODE_ID', 'NODE_URL', 'CLUSTER_LEASE_MS']));
    for (const id of NODES) {
      const env = compose.services[id].environment!;
      const names = Object.keys(env);
      expect(names.filter((n) => !known.has(n))).toEqual([]);
      for (const name of [...cluster, 'DATABASE_URL', 'API_KEY', 'DATA_ENCRYPTION_KEY', 'WEBHOOK_SECRET'])
        expect(names).toContain(name);
      expect(env.NODE_ID).toBe(id);
      // Other nodes reach it by its service name, on the port the image listens on.
      const port = /PORT=(\d+)/.exec(dockerfile)![1];
      expect(env.NODE_URL).toBe(`http://${id}:${port}`);
    }
  });

  it('has node settings the gateway accepts, one database and the secrets shared by all nodes', () => {
    const configs = NODES.map((id) => {
      const env = Object.fromEntries(
        Object.entries(compose.services[id].environment!).map(([k, v]) => [k, interpolate(String(v), given)]),
      );
      return loadConfig(env, '/nonexistent/.env');
    });
    for (const c of configs) {
      expect(c.DATABASE_URL).toBe('postgres://gateway:pg-secret@postgres:5432/gateway');
      expect(c).toMatchObject({
        API_KEY: given.API_KEY,
        DATA_ENCRYPTION_KEY: given.DATA_ENCRYPTION_KEY,
        WEBHOOK_SECRET: given.WEBHOOK_SECRET,
      });
      expect(c.CLUSTER_RENEW_MS).toBeLessThan(c.CLUSTER_LEASE_MS);
    }
    expect(new Set(configs.map((c) => c.NODE_ID)).size).toBe(NODES.length);
    const pg = compose.services.postgres.environment!;
    expect(interpolate(String(pg.POSTGRES_PASSWORD), given)).toBe(given.POSTGRES_PASSWORD);
  });

  it('builds the nodes from the project Dockerfile with a data volume each and one shared media volume', () => {
    const dataDir = /DATA_DIR=(\S+)/.exec(dockerfile)![1];
    const dataVolumes = new Set<string>();
    for (const id of NODES) {
      const node = compose.services[id];
      expect(fs.existsSync(path.join(DIR, node.build!.context, 'Dockerfile'))).toBe(true);
      const volumes = node.volumes!.map((v) => v.split(':'));
      const data = volumes.find(([, target]) => target === dataDir);
      expect(data).toBeDefined();
      dataVolumes.add(data![0]);
      expect(volumes).toContainEqual(['media', node.environment!.MEDIA_DIR]);
    }
    expect(dataVolumes.size).toBe(NODES.length);
  });

  it('balances the nodes round robin in nginx, without stickiness, with the WebSocket upgrade for Socket.IO', () => {
    const upstream = /upstream wa_gateway \{([^}]*)\}/.exec(nginx)![1];
    const servers = [...upstream.matchAll(/^\s*server\s+(\S+)/gm)].map((m) => m[1]);
    expect(servers).toEqual(NODES.map((id) => `${id}:5000`));
    expect(upstream).not.toMatch(/^\s*(ip_hash|hash|sticky|least_conn)\b/m);
    const socketIo = /location \/socket\.io\/ \{([^}]*)\}/.exec(nginx)![1];
    expect(socketIo).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(socketIo).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(compose.services.nginx.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
  });
});
