// The two ways a command ends early: the user cancelled (quietly), or a problem to report in one sentence naming
// the file, with buttons that help when there is something to do about it.

/** The user backed out: the command ends quietly, nothing written. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface ErrorAction {
  title: string;
  run: () => unknown;
}

/** A problem fit to show as it is: one sentence naming the file, optionally with buttons that help. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}
