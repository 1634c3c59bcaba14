/** Undo actions run last-in first-out; a failing one is reported and the rest still run. */
export class CleanupStack {
  private readonly actions: { label: string; run: () => unknown }[] = [];

  constructor(private readonly onError: (label: string, err: unknown) => void) {}

  defer(label: string, run: () => unknown): void {
    this.actions.push({ label, run });
  }

  async close(): Promise<void> {
    for (let action = this.actions.pop(); action; action = this.actions.pop()) {
      try {
        await action.run();
      } catch (err) {
        this.onError(action.label, err);
      }
    }
  }
}
