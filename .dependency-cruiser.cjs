// Layer order of DESIGN §3 and STYLE §1: a layer imports only from the layers before it.
// protocol < transport < runtime < mesh < store < node.ts and node/ < admin / cli.
// Cross-cutting ports (config/, observability/) import only protocol/ and are open to all.
const layers = ['protocol', 'transport', 'runtime', 'mesh', 'store']
const later = (i) => layers.slice(i + 1).concat(['node(\\.ts)?', 'index\\.ts', 'admin', 'cli'])

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...layers.map((layer, i) => ({
      name: `layer-${layer}`,
      comment: `${layer}/ may import only from layers before it (DESIGN §3)`,
      severity: 'error',
      // Tests compose real parts from any layer; the rule holds for the code they test.
      from: { path: `^src/${layer}/`, pathNot: '\\.test\\.ts$' },
      to: { path: `^src/(${later(i).join('|')}|config|observability)(/|$)`, pathNot: layer === 'protocol' ? '^$' : '^src/(config|observability)/' }
    })),
    {
      name: 'cross-cutting-ports',
      comment: 'config/ and observability/ import only protocol/ (DESIGN §3)',
      severity: 'error',
      from: { path: '^src/(config|observability)/' },
      to: { path: '^src/(transport|runtime|mesh|store|admin|cli|node(\\.ts)?|index\\.ts)(/|$)' }
    },
    {
      name: 'node-before-front-ends',
      comment: 'node.ts is composed before admin/ and cli/',
      severity: 'error',
      from: { path: '^src/node(\\.ts$|/)' },
      to: { path: '^src/(admin|cli)/' }
    },
    {
      name: 'admin-not-cli',
      severity: 'error',
      from: { path: '^src/admin/' },
      to: { path: '^src/cli/' }
    },
    {
      name: 'prom-client-only-in-admin',
      comment: 'STYLE §13: prom-client is imported only in admin/',
      severity: 'error',
      from: { pathNot: '^src/admin/' },
      to: { path: 'node_modules/prom-client' }
    },
    {
      name: 'no-tests-from-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(\\.test\\.ts$|^test/)' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] }
  }
}
