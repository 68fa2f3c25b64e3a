// What a reconcile tells the work queue that ran it. Here, below both, because src/reconcile must not
// import src/kube and the kube runtime knows nothing of what it reconciles.

export interface ReconcileResult {
  /** Look at the key again after this long (a periodic resync, a poll), even though it succeeded. */
  readonly requeueAfterMs?: number;
}
