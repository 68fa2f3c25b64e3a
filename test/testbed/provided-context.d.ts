// What the `kube` project's global setup hands to every test file through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** An admin kubeconfig for the shared control plane (or TESTBED_KUBECONFIG's cluster). */
    kubeconfigPath: string;
    /** The kubectl built for the pinned release (or TESTBED_KUBECTL / `kubectl` on an existing cluster). */
    kubectlPath: string;
    /** The repository's CRD folder, as applied by the global setup. */
    crdsDir: string;
    /** True when the suites run against a cluster the testbed did not start (kind). */
    externalCluster: boolean;
  }
}

export {};
