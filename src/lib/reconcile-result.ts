// What a reconcile tells the work queue that ran it. Here, below both, because src/reconcile must not
// import src/kube and the kube runtime knows nothing of what it reconciles.

export interface ReconcileResult {
  /** Look at the key again after this long, even though it succeeded: a follow-up of work in progress (a poll). */
  readonly requeueAfterMs?: number;
  /**
   * Look at the key again once per this period: the resync that reverts drift. The queue places the key at
   * its own slot of the period, in its least urgent lane. Ignored when `requeueAfterMs` is set.
   */
  readonly resyncPeriodMs?: number;
}
