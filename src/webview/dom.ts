// The few DOM types the webview app uses, declared here. The project's tsconfig has no DOM library on purpose
// (adding it changes global types the extension host and src/core compile against, e.g. `Crypto`), so the
// webview types exactly what it touches. Browser-only at run time; no `vscode` import.

export type DomChild = DomNode | string;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomNode {}

export interface DomEvent {
  preventDefault(): void;
}

export interface DomMessageEvent extends DomEvent {
  readonly data: unknown;
}

export interface DomEventTarget {
  addEventListener(type: string, listener: (event: DomEvent) => void, options?: { passive?: boolean }): void;
}

export interface DomElement extends DomNode, DomEventTarget {
  id: string;
  title: string;
  hidden: boolean;
  textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { add(...tokens: string[]): void; remove(...tokens: string[]): void };
  /** CSSOM access (allowed by the CSP, unlike style attributes). */
  readonly style: { width: string };
  setAttribute(name: string, value: string): void;
  append(...nodes: DomChild[]): void;
  prepend(...nodes: DomChild[]): void;
  replaceChildren(...nodes: DomChild[]): void;
  focus(options?: { preventScroll?: boolean }): void;
  scrollIntoView(options?: { block?: 'start' | 'center' | 'end' | 'nearest' }): void;
}

export interface DomInput extends DomElement {
  value: string;
}

export interface DomButton extends DomElement {
  disabled: boolean;
}

export interface DomDetails extends DomElement {
  open: boolean;
}

export interface DomDocument {
  readonly activeElement: DomElement | null;
  getElementById(id: string): DomElement | null;
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): { forEach(fn: (element: DomElement) => void): void };
}

export interface DomWindow extends DomEventTarget {
  readonly scrollY: number;
  scrollTo(x: number, y: number): void;
}

/** Element types by tag, for the tags whose extra properties the app uses. */
export interface DomTagMap {
  input: DomInput;
  button: DomButton;
  details: DomDetails;
}

export type DomElementFor<K extends string> = K extends keyof DomTagMap ? DomTagMap[K] : DomElement;

interface BrowserGlobals {
  document: DomDocument;
  window: DomWindow;
  CSS: { escape(value: string): string };
}

/** The browser's globals, typed as above (read lazily: this module also loads in Node for type checks). */
export function browser(): BrowserGlobals {
  return globalThis as unknown as BrowserGlobals;
}
