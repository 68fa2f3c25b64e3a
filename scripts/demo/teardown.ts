// What the demo started, undone in reverse order exactly once, whichever way the demo ends (a signal,
// a failure while starting, or the operator dying under it).

type Step = { readonly done: string; readonly undo: () => Promise<void> };

export class Teardown {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;

  /** Registers how to undo something that has just been started; `done` is the line reported after. */
  add(done: string, undo: () => Promise<void>): void {
    this.steps.push({ done, undo });
  }

  /** Undoes every step, last first; a failing step is reported and the others still run. */
  async run(report: (line: string) => void): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.undo();
          report(step.done);
        } catch (error) {
          report(`Cleanup step failed (${step.done}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }
}
