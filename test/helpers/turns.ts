// Counting, not timing: how many turns the event loop gets while some work runs. Work that holds the thread lets
// none (or one) run; work that yields lets one run at each rest. Tests assert these counts, never milliseconds.

export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: T }> {
  let turns = 0;
  let running = true;
  const turn = (): void => {
    turns++;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  try {
    const result = await work();
    return { turns, result };
  } finally {
    running = false;
  }
}
