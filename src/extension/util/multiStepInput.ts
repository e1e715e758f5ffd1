// Multi-step quick input, after the official vscode-extension-samples `quickinput-sample/multiStepInput.ts`:
// one QuickPick / InputBox per step, a Back button from the second step on, a step counter ("2/5") computed
// from the steps that apply to the current answers and those that may still come (it never shrinks), and validation as you type (plus, where a check is costly
// or only makes sense once the user is done — a wrong passphrase, a confirmation that differs — on accept).
//
// Steps are functions that show one input and return the next step; Back re-runs the previous step, which
// prefills from the state it wrote the first time. `wizard()` builds that chain from a flat list of steps with
// `when` conditions, so flows read top to bottom.

import * as vscode from 'vscode';

/** Thrown through a step to leave the flow: Back pops one step, Cancel ends it. */
class InputFlowAction {
  private constructor(readonly name: string) {}
  static readonly back = new InputFlowAction('back');
  static readonly cancel = new InputFlowAction('cancel');
}

export type InputStep = (input: MultiStepInput) => Thenable<InputStep | void>;

/** A message under the input box: a plain string (or Error severity) blocks accepting; Warning/Info do not. */
export type Validation = string | vscode.InputBoxValidationMessage | undefined;

export interface QuickPickParameters<T extends vscode.QuickPickItem> {
  items: T[];
  activeItem?: T;
  placeholder: string;
  /** Replaces the wizard's title for this step. */
  title?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export interface InputBoxParameters {
  prompt: string;
  value?: string;
  placeholder?: string;
  title?: string;
  password?: boolean;
  valueSelection?: [number, number];
  /** Runs on every change (and again on accept). */
  validate?: (value: string) => Validation | Promise<Validation>;
  /** Runs only on accept, after `validate` passed: a message keeps the box open with that message. */
  validateOnAccept?: (value: string) => string | undefined | Promise<string | undefined>;
}

export interface WizardStep<S> {
  /** The step applies only when this holds for the answers so far (default: always). */
  when?: (state: S) => boolean;
  /**
   * Whether to count the step while it still lies ahead (default: `when`), for a step that hangs on an answer
   * not given yet: a confirmation counts until its passphrase is left empty. The counter then shows the larger
   * total from the start instead of growing mid-wizard.
   */
  ahead?: (state: S) => boolean;
  /** Shows exactly one input (a retry loop inside is fine) and records the answer in `state`. */
  run: (input: MultiStepInput, state: S) => Promise<void>;
}

function blocks(v: Validation): boolean {
  if (v === undefined || v === '') return false;
  if (typeof v === 'string') return true;
  return v.severity === vscode.InputBoxValidationSeverity.Error;
}

export class MultiStepInput {
  private current?: vscode.QuickInput;
  private readonly steps: InputStep[] = [];
  private shownTotal = 0;

  private constructor(
    private readonly title: string,
    private readonly totalSteps: () => number,
  ) {}

  /** Runs the steps from `start`. Resolves true when the last step completed, false when the user cancelled. */
  static async run(title: string, start: InputStep, totalSteps: () => number = () => 0): Promise<boolean> {
    return new MultiStepInput(title, totalSteps).stepThrough(start);
  }

  /** Runs `steps` in order, skipping those whose `when` is false. True when all were answered. */
  static async wizard<S>(title: string, state: S, steps: WizardStep<S>[]): Promise<boolean> {
    const applies = (s: WizardStep<S>): boolean => !s.when || s.when(state);
    // The step being shown: those up to it count when they applied, those after it when they may come.
    let current = 0;
    const counted = (s: WizardStep<S>, i: number): boolean => (i > current && s.ahead ? s.ahead(state) : applies(s));
    const from = (i: number): InputStep | undefined => {
      for (let j = i; j < steps.length; j++) {
        if (applies(steps[j])) {
          return async (input) => {
            current = j;
            await steps[j].run(input, state);
            return from(j + 1);
          };
        }
      }
      return undefined;
    };
    const first = from(0);
    if (!first) return true;
    return MultiStepInput.run(title, first, () => steps.filter(counted).length);
  }

  private async stepThrough(start: InputStep): Promise<boolean> {
    let step: InputStep | void = start;
    let completed = true;
    try {
      while (step) {
        this.steps.push(step);
        if (this.current) {
          this.current.enabled = false;
          this.current.busy = true;
        }
        try {
          step = await step(this);
        } catch (err) {
          if (err === InputFlowAction.back) {
            this.steps.pop();
            step = this.steps.pop();
          } else if (err === InputFlowAction.cancel) {
            step = undefined;
            completed = false;
          } else {
            throw err;
          }
        }
      }
    } finally {
      this.current?.dispose();
      this.current = undefined;
    }
    return completed;
  }

  private configure(input: vscode.QuickInput, title: string | undefined): void {
    input.title = title ?? this.title;
    // Never less than shown before: a total that shrinks or grows mid-wizard ("6/6 → 6/7") reads as a glitch;
    // a flow that skips a counted step simply ends early.
    const total = Math.max(this.steps.length, this.totalSteps(), this.shownTotal);
    this.shownTotal = total;
    if (total > 1) {
      input.step = this.steps.length;
      input.totalSteps = total;
    }
    input.ignoreFocusOut = true;
  }

  private show(input: vscode.QuickInput): void {
    this.current?.dispose();
    this.current = input;
    input.show();
  }

  private backButton(): vscode.QuickInputButton[] {
    return this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : [];
  }

  async showQuickPick<T extends vscode.QuickPickItem>(p: QuickPickParameters<T>): Promise<T> {
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<T>((resolve, reject) => {
        const input = vscode.window.createQuickPick<T>();
        this.configure(input, p.title);
        input.placeholder = p.placeholder;
        input.matchOnDescription = p.matchOnDescription ?? true;
        input.matchOnDetail = p.matchOnDetail ?? false;
        input.items = p.items;
        if (p.activeItem) input.activeItems = [p.activeItem];
        input.buttons = this.backButton();
        const choose = (item: T | undefined): void => {
          if (item && item.kind !== vscode.QuickPickItemKind.Separator) resolve(item);
        };
        disposables.push(
          input.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
          }),
          input.onDidChangeSelection((items) => choose(items[0])),
          input.onDidAccept(() => choose(input.selectedItems[0] ?? input.activeItems[0])),
          input.onDidHide(() => reject(InputFlowAction.cancel)),
        );
        this.show(input);
      });
    } finally {
      disposables.forEach((d) => d.dispose());
    }
  }

  async showInputBox(p: InputBoxParameters): Promise<string> {
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<string>((resolve, reject) => {
        const input = vscode.window.createInputBox();
        this.configure(input, p.title);
        input.value = p.value ?? '';
        input.prompt = p.prompt;
        input.placeholder = p.placeholder;
        input.password = p.password === true;
        if (p.valueSelection) input.valueSelection = p.valueSelection;
        input.buttons = this.backButton();
        // Only the newest validation may set the message (an older, slower one must not overwrite it).
        let latest = 0;
        const check = async (text: string): Promise<Validation> => {
          const mine = ++latest;
          const v = p.validate ? await p.validate(text) : undefined;
          if (mine === latest) input.validationMessage = v;
          return v;
        };
        disposables.push(
          input.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
          }),
          input.onDidChangeValue((text) => {
            check(text).catch(reject);
          }),
          input.onDidAccept(async () => {
            const value = input.value;
            input.enabled = false;
            input.busy = true;
            try {
              const v = await check(value);
              if (blocks(v)) return;
              const late = p.validateOnAccept ? await p.validateOnAccept(value) : undefined;
              if (late) {
                input.validationMessage = late;
                return;
              }
              resolve(value);
            } catch (e) {
              reject(e);
            } finally {
              input.enabled = true;
              input.busy = false;
            }
          }),
          input.onDidHide(() => reject(InputFlowAction.cancel)),
        );
        this.show(input);
        // A prefilled value is checked at once (an empty one only when the user accepts: no nagging).
        if (input.value !== '') check(input.value).catch(reject);
      });
    } finally {
      disposables.forEach((d) => d.dispose());
    }
  }
}
