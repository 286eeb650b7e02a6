// The layers as the README draws them, checked on every `npm test`:
//   routes -> pipeline -> domain -> format;  db/ and quadra/ adapters beneath the pipeline;
//   jobs beside routes. `src/format` holds Quadra's format facts (widths, cut, padding, folding),
//   pure and I/O-free, shared by the domain's rules and the ASCII writer.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'format-is-a-leaf',
      comment: 'src/format is pure: it imports no other code of the service (npm libraries without I/O only).',
      severity: 'error',
      from: { path: '^src/format/' },
      to: { path: '^src/', pathNot: '^src/format/' },
    },
    {
      name: 'format-has-no-io',
      comment: 'src/format does no I/O: no Node built-ins, no drivers or network libraries.',
      severity: 'error',
      from: { path: '^src/format/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'i18n-is-a-leaf',
      comment:
        'src/i18n holds the texts of every language as pure data and functions (Intl only): it imports nothing of the service and no library, so every layer, the domain included, may use it.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: '^src/|(^|/)node_modules/|^[^.]', pathNot: '^src/i18n/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-is-pure',
      comment:
        'src/domain holds the rules as pure functions: it imports only itself, src/format and the message catalogues (src/i18n) — no db, quadra, pipeline, routes, jobs, sim, lib adapters.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|format|i18n)/' },
    },
    {
      name: 'domain-has-no-io',
      comment: 'src/domain reads no database, file, network or clock through Node: no Node built-ins and no drivers.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core', 'npm'] },
    },
    {
      name: 'routes-hold-no-sql',
      comment:
        'Routes reach the database only through repositories (src/db/repos), asUser (src/db/scoped.ts) and the pipeline: never a driver.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: {
        path: '((^|/)node_modules/(pg|@electric-sql/pglite|pg-boss)/)|(^src/db/(database|migrate|fresh)\\.ts$)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'routes-call-no-cegid-transport',
      comment: 'Routes reach Cegid through the pipeline or the connection check, never the HTTP transport or the blob store.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: '^src/quadra/(http|cfe-client|cpa-client)\\.ts$|(^|/)node_modules/@azure/' },
    },
    {
      name: 'repositories-return-data',
      comment:
        'src/db (repositories included) imports no pipeline, routes, jobs, Cegid adapter or simulator: it reads and writes rows, nothing else.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(pipeline|routes|jobs|quadra|sim|app\\.ts|server\\.ts|main\\.ts)' },
    },
    {
      name: 'quadra-adapters-beneath',
      comment: 'The Cegid adapters (src/quadra) know nothing of the database, the pipeline or the API.',
      severity: 'error',
      from: { path: '^src/quadra/' },
      to: { path: '^src/(db|pipeline|routes|jobs|domain)/' },
    },
    {
      name: 'pipeline-below-routes-and-jobs',
      comment: 'The pipeline is called by routes and jobs, never the other way round.',
      severity: 'error',
      from: { path: '^src/pipeline/' },
      to: { path: '^src/(routes|jobs)/', pathNot: '^src/jobs/(contract|definitions)\\.ts$' },
    },
    {
      name: 'job-contract-is-a-leaf',
      comment: 'The job declarations the pipeline enqueues by import nothing of the service but each other.',
      severity: 'error',
      from: { path: '^src/jobs/(contract|definitions)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/jobs/(contract|definitions)\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles: each layer stands on the ones beneath it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
