// Time slices for long work on a thread that must stay responsive (the extension host): work runs until its slice
// is used up, then gives the event loop a turn. The workspace scanner hands its results over at each rest, so a
// caller shows the first rows at once.

/** Measures work since the last rest; `rest` gives the event loop a turn. */
export class SliceClock {
  private start = performance.now();

  /** `sliceMs`: work between rests (Infinity: never rest, as the CLI wants; 0: rest at every chance). */
  constructor(private readonly sliceMs: number) {}

  over(): boolean {
    return this.sliceMs !== Infinity && performance.now() - this.start >= this.sliceMs;
  }

  async rest(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }

  /** Rests only when the slice is used up (inside one long piece of work). */
  async pause(): Promise<void> {
    if (this.over()) await this.rest();
  }
}
