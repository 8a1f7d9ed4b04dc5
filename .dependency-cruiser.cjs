/**
 * `npm run lint` runs this: no import cycle (type-only imports count: a loop of types is still a
 * loop between modules), and imports run one way through the layers of src/ (docs/architecture.md):
 * entry points (cli, http) → operations → jobs → stores → domain → runtime.
 */
const LAYERS = ['cli', 'http', 'operations', 'jobs', 'stores', 'domain', 'runtime'];

const upward = LAYERS.flatMap((layer, i) =>
  i === 0
    ? []
    : [
        {
          name: `no-upward-from-${layer}`,
          comment: `src/${layer} sits below ${LAYERS.slice(0, i).join(', ')} and must not import them`,
          severity: 'error',
          from: { path: `^src/${layer}/` },
          to: { path: `^src/(${LAYERS.slice(0, i).join('|')})/` },
        },
      ],
);

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
