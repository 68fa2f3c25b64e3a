import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing but Node; `kube` runs against a real kube-apiserver + etcd
// (the testbed, started once per run by its global setup) and the platform emulator; `soak` is the fault
// soak's short form (test/soak/README.md), which starts its own testbed, emulators and two operator
// replicas, and runs after the others so that its timing does not compete with theirs for two cores.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/soak/invariants.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'kube',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/testbed/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One control plane is shared; files run one at a time so operator processes don't compete
          // for the machine's two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'soak',
          include: ['test/soak/short.test.ts'],
          environment: 'node',
          testTimeout: 20 * 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
