// Scripted stand-ins for VS Code's prompts, shared by the extension-host suites that drive wizards:
// window.createQuickPick / createInputBox answered from a script (QuickInputs), and the message functions with
// scripted answers for modal ones (Messages). Each answer goes to the next input shown, exactly as a user would
// type or pick it, so the wizards' own validation, Back button, step counter and prefilled values are exercised.

import * as vscode from 'vscode';
import { stub } from './helpers';

/** Presses the input's Back button. */
export const BACK = Symbol('Back button');
/** Accepts the prefilled value of an input box, or the active item of a quick pick. */
export const ACCEPT = Symbol('accept the prefilled value / active item');
/** An input box value that must be refused (its validation message is recorded), then the next answer is typed. */
export interface Invalid {
  invalid: string;
}
/** An input box's value, or a quick pick's item: its label exactly, else the label ending with it, else containing it; a RegExp tests the label. */
export type Answer = string | RegExp | typeof BACK | typeof ACCEPT | Invalid;

/** What an input showed when it appeared. */
export interface Shown {
  kind: 'quickPick' | 'inputBox';
  title?: string;
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  prompt?: string;
  password: boolean;
  value: string;
  items: string[];
  active?: string;
  back: boolean;
  /** The last validation message the box showed (warnings stay on accept, errors block it). */
  after?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): vscode.Disposable => {
    this.listeners.push(l);
    return { dispose: () => void (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

function messageText(v: string | vscode.InputBoxValidationMessage | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.message;
}

function isBlocking(v: string | vscode.InputBoxValidationMessage | undefined): boolean {
  if (v === undefined || v === '') return false;
  return typeof v === 'string' || v.severity === vscode.InputBoxValidationSeverity.Error;
}

class FakeQuickInput {
  title?: string;
  step?: number;
  totalSteps?: number;
  enabled = true;
  busy = false;
  ignoreFocusOut = false;
  placeholder?: string;
  buttons: readonly vscode.QuickInputButton[] = [];
  disposed = false;
  hidden = false;
  readonly hideE = new Emitter<void>();
  readonly acceptE = new Emitter<void>();
  readonly buttonE = new Emitter<vscode.QuickInputButton>();
  readonly valueE = new Emitter<string>();
  readonly onDidHide = this.hideE.event;
  readonly onDidAccept = this.acceptE.event;
  readonly onDidTriggerButton = this.buttonE.event;
  readonly onDidChangeValue = this.valueE.event;
  constructor(protected readonly driver: QuickInputs) {}
  show(): void {
    this.driver.shown(this);
  }
  hide(): void {
    if (this.hidden) return;
    this.hidden = true;
    this.hideE.fire();
  }
  dispose(): void {
    this.disposed = true;
  }
}

class FakeInputBox extends FakeQuickInput {
  value = '';
  prompt?: string;
  password = false;
  valueSelection?: readonly [number, number];
  /** The record of this box once shown: it follows the validation message as the wizard sets it. */
  record?: Shown;
  private message: string | vscode.InputBoxValidationMessage | undefined;
  get validationMessage(): string | vscode.InputBoxValidationMessage | undefined {
    return this.message;
  }
  set validationMessage(v: string | vscode.InputBoxValidationMessage | undefined) {
    this.message = v;
    if (this.record) this.record.after = messageText(v);
  }
}

class FakeQuickPick extends FakeQuickInput {
  value = '';
  items: readonly vscode.QuickPickItem[] = [];
  activeItems: readonly vscode.QuickPickItem[] = [];
  selectedItems: readonly vscode.QuickPickItem[] = [];
  matchOnDescription = false;
  matchOnDetail = false;
  canSelectMany = false;
  keepScrollPosition = false;
  readonly selectionE = new Emitter<readonly vscode.QuickPickItem[]>();
  readonly onDidChangeSelection = this.selectionE.event;
  readonly onDidChangeActive = new Emitter<readonly vscode.QuickPickItem[]>().event;
  readonly onDidTriggerItemButton = new Emitter<unknown>().event;
}

/** Answers the wizards' quick inputs from a script until restore(); records what each input showed. */
export class QuickInputs {
  readonly inputs: Shown[] = [];
  /** Validation messages shown for `{ invalid }` answers, in order. */
  readonly refused: string[] = [];
  /** Problems of the script itself (no matching item, an answer refused unexpectedly, inputs left unanswered). */
  readonly problems: string[] = [];
  private readonly queue: Answer[];
  private readonly restores: (() => void)[];
  private count = 0;

  constructor(answers: Answer[]) {
    this.queue = [...answers];
    const w = vscode.window as unknown as Record<string, unknown>;
    this.restores = [
      stub(w, 'createQuickPick', () => new FakeQuickPick(this)),
      stub(w, 'createInputBox', () => new FakeInputBox(this)),
    ];
  }

  get remaining(): number {
    return this.queue.length;
  }

  restore(): void {
    this.restores.forEach((r) => r());
  }

  shown(input: FakeQuickInput): void {
    const box = input instanceof FakeInputBox ? input : undefined;
    const pick = input instanceof FakeQuickPick ? input : undefined;
    this.inputs.push({
      kind: box ? 'inputBox' : 'quickPick',
      title: input.title,
      step: input.step,
      totalSteps: input.totalSteps,
      placeholder: input.placeholder,
      prompt: box?.prompt,
      password: box?.password === true,
      value: box?.value ?? '',
      items: pick ? pick.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label) : [],
      active: pick?.activeItems[0]?.label,
      back: input.buttons.includes(vscode.QuickInputButtons.Back),
    });
    if (box) box.record = this.inputs[this.inputs.length - 1];
    const n = ++this.count;
    setTimeout(() => void this.answer(input, n), 0);
  }

  private async answer(input: FakeQuickInput, n: number): Promise<void> {
    const record = this.inputs[n - 1];
    const a = this.queue.shift();
    if (a === undefined) {
      this.problems.push(`unanswered: ${record.kind} "${record.prompt ?? record.placeholder}"`);
      input.hide();
      return;
    }
    if (a === BACK) {
      input.buttonE.fire(vscode.QuickInputButtons.Back);
      return;
    }
    if (input instanceof FakeInputBox) {
      const invalid = typeof a === 'object' && 'invalid' in a;
      const value = a === ACCEPT ? input.value : invalid ? a.invalid : String(a);
      input.value = value;
      input.valueE.fire(value);
      await sleep(0);
      input.acceptE.fire();
      // Refused: the box stays, enabled, with a blocking message. Accepted: it is disabled or replaced. (The
      // wait ends as soon as either shows; the limit only matters for a box that stays busy validating.)
      const deadline = Date.now() + (invalid ? 5000 : 3000);
      while (Date.now() < deadline) {
        await sleep(10);
        if (input.disposed || this.count !== n) break;
        if (input.enabled && !input.busy && isBlocking(input.validationMessage)) break;
      }
      const refused = !input.disposed && this.count === n && input.enabled && isBlocking(input.validationMessage);
      if (invalid) {
        if (!refused) {
          this.problems.push(`"${value}" was accepted by "${record.prompt}", expected a refusal`);
          return;
        }
        this.refused.push(messageText(input.validationMessage) ?? '');
        await this.answer(input, n);
      } else if (refused) {
        this.problems.push(`"${record.password ? '(password)' : value}" was refused by "${record.prompt}": ${record.after}`);
        input.hide();
      }
      return;
    }
    const pick = input as FakeQuickPick;
    const items = pick.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
    const item =
      a === ACCEPT ? pick.activeItems[0]
      : a instanceof RegExp ? items.find((i) => a.test(i.label))
      : typeof a === 'string' ? (items.find((i) => i.label === a) ?? items.find((i) => i.label.endsWith(a)) ?? items.find((i) => i.label.includes(a)))
      : undefined;
    if (!item) {
      this.problems.push(`no item for ${String(a)} in "${record.placeholder}": ${items.map((i) => i.label).join(' | ')}`);
      pick.hide();
      return;
    }
    pick.selectedItems = [item];
    pick.selectionE.fire([item]);
  }
}

/** A modal answer: the key Enter, which picks the dialog's first button (VS Code focuses it). */
export const ENTER = Symbol('Enter: the first button');

/** Records the messages shown until restore(); modal ones are answered from a script (undefined: dismissed). */
export class Messages {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly modals: { message: string; detail?: string; buttons: string[] }[] = [];
  /** The notifications (not modal) that offered actions, with their buttons. */
  readonly actions: { message: string; buttons: string[] }[] = [];
  private readonly restores: (() => void)[];

  constructor(private readonly modalAnswers: (string | undefined | typeof ENTER)[] = []) {
    const w = vscode.window as unknown as Record<string, unknown>;
    const capture = (list: string[]) => async (message: string, ...rest: unknown[]) => {
      const options = rest[0] && typeof rest[0] === 'object' ? (rest[0] as vscode.MessageOptions) : undefined;
      const buttons = rest.filter((r): r is string => typeof r === 'string');
      if (options?.modal) {
        this.modals.push({ message, detail: options.detail, buttons });
        const answer = this.modalAnswers.shift();
        return answer === ENTER ? buttons[0] : answer;
      }
      list.push(message);
      if (buttons.length) this.actions.push({ message, buttons });
      return undefined;
    };
    this.restores = [
      stub(w, 'showErrorMessage', capture(this.errors)),
      stub(w, 'showWarningMessage', capture(this.warnings)),
      stub(w, 'showInformationMessage', capture(this.infos)),
    ];
  }

  restore(): void {
    this.restores.forEach((r) => r());
  }

  all(): string[] {
    return [...this.errors, ...this.warnings, ...this.infos, ...this.modals.map((m) => `${m.message} ${m.detail ?? ''}`)];
  }
}
