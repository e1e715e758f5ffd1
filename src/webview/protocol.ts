// The one message protocol between the inspector's host side (src/extension/inspector) and its webview
// (src/webview/main.ts). Host-neutral: no `vscode`, no DOM. Both sides import this file.
//
// The webview speaks first (`ready`); the host answers with `render`. Requests from the webview carry a
// `requestId`, and the host answers each with exactly one `response` carrying the same id.
// Secrets: `unlock` carries a password to the host; nothing the host sends back ever contains it.

import type { InspectorView } from './view';

export enum MessageType {
  // webview → host
  Ready = 'ready',
  Unlock = 'unlock',
  Copy = 'copy',
  ShowReport = 'showReport',
  VerifyChain = 'verifyChain',
  // host → webview
  Render = 'render',
  Response = 'response',
}

// ───────────────────────────── webview → host ─────────────────────────────

/** The webview's script is running and listening: send the current view. */
export interface ReadyMessage {
  type: MessageType.Ready;
}

/** Decode the file again with this password (PKCS#12, encrypted keys). Never stored, logged or echoed. */
export interface UnlockRequest {
  type: MessageType.Unlock;
  requestId: number;
  password: string;
}

/** Copy the value of the field whose `copyId` is this to the clipboard (the host copies what it rendered). */
export interface CopyRequest {
  type: MessageType.Copy;
  requestId: number;
  copyId: string;
}

/** Open the plain-text report of what the inspector shows, beside it. */
export interface ShowReportRequest {
  type: MessageType.ShowReport;
  requestId: number;
}

/**
 * Verify this file's chain against trust anchors the user chooses (the host runs Verify Certificate Chain…
 * with the certificates the inspector shows). The host renders the result in the chain section; the response
 * says whether a verification ran (not whether the chain is trusted: the view says that).
 */
export interface VerifyChainRequest {
  type: MessageType.VerifyChain;
  requestId: number;
}

export type InspectorRequest = UnlockRequest | CopyRequest | ShowReportRequest | VerifyChainRequest;
export type WebviewToHost = ReadyMessage | InspectorRequest;

// ───────────────────────────── host → webview ─────────────────────────────

/** Everything the webview shows, as data (the webview renders every string with textContent). */
export interface RenderMessage {
  type: MessageType.Render;
  view: InspectorView;
}

/** The answer to one request. `message` is one sentence fit to show (never a secret). */
export interface ResponseMessage {
  type: MessageType.Response;
  requestId: number;
  ok: boolean;
  message?: string;
}

export type HostToWebview = RenderMessage | ResponseMessage;

// ───────────────────────────── helpers ─────────────────────────────

/** A request without its id: what callers of `RequestClient.request` pass. */
export type RequestBody<R extends InspectorRequest = InspectorRequest> = R extends InspectorRequest ? Omit<R, 'requestId'> : never;

/**
 * The requesting side of the protocol (the webview): numbers requests, and resolves each one's promise when
 * the response with its id arrives. Never rejects: a request left unanswered resolves `ok: false` after
 * `timeoutMs`, or when the client is disposed.
 */
export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ResponseMessage) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly post: (message: InspectorRequest) => void,
    private readonly timeoutMs = 120_000,
  ) {}

  /** `timeoutMs` replaces the client's for this request (one that waits for the user, e.g. Verify's pickers). */
  request(body: RequestBody, timeoutMs = this.timeoutMs): Promise<ResponseMessage> {
    const requestId = this.nextId++;
    return new Promise<ResponseMessage>((resolve) => {
      const timer = setTimeout(() => this.settle({ type: MessageType.Response, requestId, ok: false, message: 'No answer from the extension.' }), timeoutMs);
      this.pending.set(requestId, { resolve, timer });
      try {
        this.post({ ...body, requestId } as InspectorRequest);
      } catch {
        this.settle({ type: MessageType.Response, requestId, ok: false, message: 'Could not reach the extension.' });
      }
    });
  }

  /** Feeds a message from the host; returns true when it was a response to a pending request. */
  handle(message: HostToWebview): boolean {
    if (message.type !== MessageType.Response) return false;
    return this.settle(message);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const id of [...this.pending.keys()]) this.settle({ type: MessageType.Response, requestId: id, ok: false, message: 'Closed.' });
  }

  private settle(response: ResponseMessage): boolean {
    const entry = this.pending.get(response.requestId);
    if (!entry) return false;
    this.pending.delete(response.requestId);
    clearTimeout(entry.timer);
    entry.resolve(response);
    return true;
  }
}

/** The host's answer to `request`. */
export function respond(request: InspectorRequest, ok: boolean, message?: string): ResponseMessage {
  const response: ResponseMessage = { type: MessageType.Response, requestId: request.requestId, ok };
  if (message !== undefined) response.message = message;
  return response;
}

const MAX_PASSWORD_LENGTH = 4096;
const MAX_ID_LENGTH = 256;

/** Checks a message received from the webview: the host acts only on well-formed ones. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const validId = Number.isSafeInteger(m.requestId) && (m.requestId as number) > 0;
  switch (m.type) {
    case MessageType.Ready:
      return { type: MessageType.Ready };
    case MessageType.Unlock:
      return validId && typeof m.password === 'string' && m.password.length <= MAX_PASSWORD_LENGTH
        ? { type: MessageType.Unlock, requestId: m.requestId as number, password: m.password }
        : undefined;
    case MessageType.Copy:
      return validId && typeof m.copyId === 'string' && m.copyId.length <= MAX_ID_LENGTH
        ? { type: MessageType.Copy, requestId: m.requestId as number, copyId: m.copyId }
        : undefined;
    case MessageType.ShowReport:
      return validId ? { type: MessageType.ShowReport, requestId: m.requestId as number } : undefined;
    case MessageType.VerifyChain:
      return validId ? { type: MessageType.VerifyChain, requestId: m.requestId as number } : undefined;
    default:
      return undefined;
  }
}

/** Checks a message received from the host (the webview ignores anything else). */
export function parseHostMessage(value: unknown): HostToWebview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.type === MessageType.Render && typeof m.view === 'object' && m.view !== null) return m as unknown as RenderMessage;
  if (m.type === MessageType.Response && Number.isSafeInteger(m.requestId) && typeof m.ok === 'boolean') return m as unknown as ResponseMessage;
  return undefined;
}
