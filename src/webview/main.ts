// The inspector's webview app (bundled to dist/webview/inspector.js, loaded by a static page under a strict
// CSP). It says `ready`, receives the view as JSON and renders it with DOM APIs and textContent only: every
// certificate string (subjects, SANs, extension text) is data, never markup.
//
// Secrets: the password field's value is sent to the host once and cleared at once; nothing secret is kept
// in variables, in the webview state (setState holds only which sections are open and the scroll position),
// or in the DOM.

import type { DomButton, DomChild, DomDetails, DomElement, DomElementFor, DomEvent, DomMessageEvent } from './dom';
import { browser } from './dom';
import type { IconName } from './icons';
import { sectionIcon, toneIcon } from './icons';
import type { HostToWebview, InspectorRequest } from './protocol';
import { MessageType, RequestClient, parseHostMessage } from './protocol';
import type { ChainView, ChipView, FieldView, InspectorView, LockView, ObjectView, SectionView, Tone } from './view';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI state kept across re-renders and hide/show (never anything secret). */
interface UiState {
  /** Section ids the user opened or closed, with their state. */
  sections: Record<string, boolean>;
  scrollY: number;
}

const { document, window, CSS } = browser();
const vscode = acquireVsCodeApi();
const client = new RequestClient((m: InspectorRequest) => vscode.postMessage(m));
const app = document.getElementById('app') as DomElement;
const statusRegion = document.getElementById('status') as DomElement;
const ui: UiState = loadState();

window.addEventListener('message', (event) => {
  const message: HostToWebview | undefined = parseHostMessage((event as DomMessageEvent).data);
  if (!message) return;
  if (client.handle(message)) return;
  if (message.type === MessageType.Render) render(message.view);
});
window.addEventListener('scroll', () => {
  ui.scrollY = window.scrollY;
  saveState();
}, { passive: true });

vscode.postMessage({ type: MessageType.Ready });

// ───────────────────────────── rendering ─────────────────────────────

function render(view: InspectorView): void {
  const focusedId = document.activeElement?.dataset?.focusKey;
  const root = h('div', { class: 'inspector' });
  root.append(toolbar(view));
  if (view.problems.length > 0) root.append(problems(view));
  if (view.lock) root.append(unlockForm(view.lock, view.fileName));
  else if (view.unlockNote) root.append(h('section', { class: 'unlocked card', role: 'status' }, h('p', { class: 'unlock-prompt' }, icon('unlock'), view.unlockNote)));
  if (view.objects.length > 1) root.append(contents(view));
  if (view.chain) root.append(chain(view.chain, view));
  for (const o of view.objects) root.append(objectCard(o, view));
  if (view.objects.length === 0 && !view.lock) root.append(h('p', { class: 'empty' }, 'Nothing in this file could be decoded. The problems above say why.'));
  app.replaceChildren(root);
  app.setAttribute('aria-busy', 'false');
  window.scrollTo(0, ui.scrollY);
  if (focusedId) document.querySelector(`[data-focus-key="${CSS.escape(focusedId)}"]`)?.focus();
}

function toolbar(view: InspectorView): DomElement {
  const report = button('Show as Text Report', 'secondary', async (b) => {
    b.disabled = true;
    const r = await client.request({ type: MessageType.ShowReport });
    b.disabled = false;
    if (!r.ok) announce(r.message ?? 'No report.');
  });
  report.prepend(icon('file-text'));
  report.dataset.focusKey = 'show-report';
  report.id = 'show-report';
  report.title = 'Open the plain-text report of this file beside the inspector';
  const expand = button('Expand all', 'secondary', () => setAllSections(true));
  expand.prepend(icon('expand-all'));
  const collapse = button('Collapse all', 'secondary', () => setAllSections(false));
  collapse.prepend(icon('collapse-all'));
  return h(
    'header',
    { class: 'toolbar' },
    h('div', { class: 'toolbar-title' }, h('h1', { class: 'file-name' }, view.fileName), h('span', { class: 'summary' }, view.summary)),
    h('div', { class: 'toolbar-actions' }, report, expand, collapse),
  );
}

function problems(view: InspectorView): DomElement {
  const errors = view.problems.filter((p) => p.severity === 'error').length;
  return h(
    'section',
    { class: `problems tone-${errors ? 'error' : 'warning'}`, role: 'alert', 'aria-label': 'Problems' },
    h('h2', {}, icon(errors ? 'error' : 'warning'), errors ? `${errors} problem${errors === 1 ? '' : 's'} reading this file` : 'Warnings'),
    h('ul', {}, ...view.problems.map((p) => h('li', { class: `tone-${p.severity}` }, icon(toneIcon(p.severity)), h('span', {}, p.message)))),
  );
}

function unlockForm(lock: LockView, fileName: string): DomElement {
  const input = h('input', {
    id: 'password',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'password-prompt password-error',
    'data-focus-key': 'password',
  });
  const error = h('p', { id: 'password-error', class: 'unlock-error', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-focus-key': 'unlock' }, icon('unlock'), lock.what === 'pkcs12' ? 'Unlock' : 'Decrypt');
  const form = h(
    'form',
    { class: 'unlock card', 'aria-label': `Unlock ${fileName}` },
    h('p', { id: 'password-prompt', class: 'unlock-prompt' }, icon('lock'), lock.prompt),
    h('div', { class: 'unlock-row' }, h('label', { for: 'password' }, lock.what === 'pkcs12' ? 'Password' : 'Passphrase'), input, submit),
    error,
    h('p', { class: 'hint' }, 'Decrypted by the extension; the password is not stored.'),
  );
  form.addEventListener('submit', (event: DomEvent) => {
    event.preventDefault();
    const request = client.request({ type: MessageType.Unlock, password: input.value });
    input.value = '';
    submit.disabled = true;
    error.textContent = '';
    void request.then((r) => {
      submit.disabled = false;
      if (!r.ok) {
        error.textContent = r.message ?? 'Could not unlock.';
        input.focus();
      } else {
        announce('Unlocked.');
      }
    });
  });
  return form;
}

function contents(view: InspectorView): DomElement {
  return h(
    'nav',
    { class: 'contents card', 'aria-label': 'Objects in this file' },
    h('h2', {}, icon('list-tree'), 'In this file'),
    h('ol', {}, ...view.objects.map((o) => h('li', { class: o.parentId ? 'nested' : '' }, jumpButton(o.id, `${o.kindLabel}: ${o.title}`), o.chips.length ? chipList(o.chips.slice(0, 3)) : null))),
  );
}

/** How long "Verify against a trust anchor…" may wait: the host shows pickers, and the user takes their time. */
const VERIFY_TIMEOUT_MS = 30 * 60_000;

function chain(c: ChainView, view: InspectorView): DomElement {
  const tone: Tone = c.status === 'trusted' ? 'ok' : c.status === 'failed' ? 'error' : 'info';
  const section = h('section', { class: `chain card chain-${c.status}`, 'aria-labelledby': 'chain-title' });
  section.append(
    h('h2', { id: 'chain-title' }, icon('link'), 'Chain'),
    h('p', { class: `chain-status tone-${tone}` }, icon(c.status === 'trusted' ? 'verified' : toneIcon(tone)), c.headline),
  );
  if (c.note) section.append(h('p', { class: 'note' }, c.note));
  if (c.links.length) {
    const list = h('ol', { class: 'chain-links' });
    c.links.forEach((l, i) => {
      const target = l.objectId ? view.objects.find((o) => o.id === l.objectId) : undefined;
      list.append(
        h(
          'li',
          { class: `chain-link tone-${l.signature.tone}` },
          h('span', { class: 'chain-depth', 'aria-hidden': 'true' }, String(i)),
          h(
            'div',
            { class: 'chain-body' },
            target ? jumpButton(target.id, l.subject || '(empty subject)') : h('span', { class: 'chain-subject' }, l.subject || '(empty subject)'),
            l.anchor ? h('span', { class: 'badge' }, 'trust anchor') : null,
            h('div', { class: 'chain-detail' }, `expires ${l.notAfter}`),
            h('div', { class: `chain-signature tone-${l.signature.tone}` }, icon(toneIcon(l.signature.tone)), l.signature.text),
          ),
        ),
      );
    });
    section.append(list);
  }
  if (c.errors.length) {
    const errorTone: Tone = c.status === 'failed' ? 'error' : 'warning';
    section.append(
      h(
        'ul',
        { class: `chain-errors tone-${errorTone}`, 'aria-label': c.status === 'failed' ? 'Why the chain does not verify' : 'Problems seen without a trust anchor' },
        ...c.errors.map((e) => h('li', {}, icon(toneIcon(errorTone)), h('span', {}, h('code', { class: 'chain-code' }, e.code), ' ', e.message))),
      ),
    );
  }
  if (c.verifiable) {
    const verify = button(c.status === 'ordered' ? 'Verify against a trust anchor…' : 'Verify again…', c.status === 'ordered' ? 'primary' : 'secondary', async (b) => {
      b.disabled = true;
      announce('Choose the trust anchors in the picker at the top of the window.');
      const r = await client.request({ type: MessageType.VerifyChain }, VERIFY_TIMEOUT_MS);
      b.disabled = false;
      if (!r.ok && r.message) announce(r.message);
    });
    verify.prepend(icon('verified'));
    verify.id = 'verify-chain';
    verify.dataset.focusKey = 'verify-chain';
    verify.title = 'Choose trust anchors (a CA certificate of the workspace or the system trust store) and an optional CRL, and validate this chain against them';
    section.append(h('div', { class: 'chain-actions' }, verify));
  }
  return section;
}

function objectCard(o: ObjectView, view: InspectorView): DomElement {
  const titleId = `${o.id}-title`;
  const header = h(
    'header',
    { class: 'object-header' },
    h('div', { class: 'object-kind' }, [o.kindLabel, o.location].filter(Boolean).join(' · ')),
    h('h2', { id: titleId, class: 'object-title' }, o.title),
    o.subtitle ? h('div', { class: 'object-subtitle' }, o.subtitle) : null,
    o.validity ? validityBar(o) : null,
    o.chips.length ? chipList(o.chips) : null,
  );
  const card = h('article', { class: `object card${o.parentId ? ' nested' : ''}`, id: `object-${o.id}`, 'aria-labelledby': titleId, tabindex: '-1' }, header);
  if (o.parentId) {
    const parent = view.objects.find((p) => p.id === o.parentId);
    if (parent) header.prepend(h('div', { class: 'object-parent' }, 'Inside ', jumpButton(parent.id, parent.title)));
  }
  for (const s of o.sections) card.append(section(s));
  if (o.raw) card.append(rawSection(o));
  return card;
}

function validityBar(o: ObjectView): DomElement {
  const v = o.validity!;
  const tone: Tone = v.status === 'expired' ? 'error' : v.status === 'valid' ? 'ok' : 'warning';
  const fill = h('div', { class: `bar-fill tone-${tone}` });
  // CSSOM, not a style attribute: allowed by the CSP (style-src without 'unsafe-inline').
  fill.style.width = `${v.elapsedPercent}%`;
  return h(
    'div',
    { class: 'validity' },
    h(
      'div',
      {
        class: 'bar',
        role: 'meter',
        'aria-label': 'Validity period elapsed',
        'aria-valuemin': '0',
        'aria-valuemax': '100',
        'aria-valuenow': String(v.elapsedPercent),
        'aria-valuetext': v.text,
      },
      fill,
    ),
    h(
      'div',
      { class: 'validity-dates' },
      h('span', { title: 'Not before' }, v.notBefore),
      h('strong', { class: `validity-left tone-${tone}` }, v.text),
      h('span', { title: 'Not after' }, v.notAfter),
    ),
  );
}

function chipList(chips: ChipView[]): DomElement {
  return h('ul', { class: 'chips', 'aria-label': 'Status' }, ...chips.map((c) => h('li', { class: `chip tone-${c.tone}`, title: c.help }, icon(toneIcon(c.tone)), c.label)));
}

function section(s: SectionView): DomElement {
  const details = h('details', { class: 'section', 'data-section': s.id });
  details.open = ui.sections[s.id] ?? !s.collapsed;
  details.addEventListener('toggle', () => {
    ui.sections[s.id] = details.open;
    saveState();
  });
  details.append(h('summary', { 'data-focus-key': `summary:${s.id}` }, icon(sectionIcon(s.id)), h('span', { class: 'section-title' }, s.title)));
  if (s.help) details.append(h('p', { class: 'section-help' }, s.help));
  if (s.fields.length) details.append(h('dl', { class: 'fields' }, ...s.fields.map((f, i) => field(f, `${s.id}:${i}`))));
  if (s.note) details.append(h('p', { class: 'note' }, s.note));
  return details;
}

function field(f: FieldView, key: string): DomElement {
  const label = h('dt', { class: 'field-label' }, h('span', { title: f.help ?? '' }, f.label));
  const value = h('dd', { class: 'field-value' }, h('span', { class: `value${f.mono ? ' mono' : ''}` }, f.value));
  for (const b of f.badges ?? []) value.append(h('span', { class: 'badge' }, b));
  if (f.copyId) value.append(copyButton(f.copyId, f.label, `copy:${key}`));
  if (f.help) {
    const helpId = `help-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const text = h('p', { class: 'field-help', id: helpId }, f.help);
    text.hidden = true;
    const toggle = h('button', { type: 'button', class: 'icon-button help-toggle', 'aria-expanded': 'false', 'aria-controls': helpId, 'aria-label': `About ${f.label}`, title: f.help, 'data-focus-key': `help:${key}` }, icon('question'));
    toggle.addEventListener('click', () => {
      text.hidden = !text.hidden;
      toggle.setAttribute('aria-expanded', String(!text.hidden));
    });
    label.append(toggle);
    value.append(text);
  }
  return h('div', { class: `field${f.tone ? ` tone-${f.tone}` : ''}` }, label, value);
}

function rawSection(o: ObjectView): DomElement {
  const raw = o.raw!;
  const id = `${o.id}.raw`;
  const details = h('details', { class: 'section raw', 'data-section': id });
  details.open = ui.sections[id] ?? false;
  details.addEventListener('toggle', () => {
    ui.sections[id] = details.open;
    saveState();
  });
  details.append(
    h('summary', { 'data-focus-key': `summary:${id}` }, icon(sectionIcon(id)), h('span', { class: 'section-title' }, `PEM (${raw.label})`)),
    h('div', { class: 'raw-actions' }, copyButton(raw.copyId, 'PEM', `copy:${id}`)),
    h('pre', { class: 'mono raw-text', tabindex: '0' }, raw.text),
  );
  return details;
}

function copyButton(copyId: string, what: string, focusKey: string): DomButton {
  const b = h('button', { type: 'button', class: 'icon-button copy', 'aria-label': `Copy ${what}`, title: `Copy ${what}`, 'data-focus-key': focusKey }, icon('copy'));
  b.addEventListener('click', async () => {
    const r = await client.request({ type: MessageType.Copy, copyId });
    if (r.ok) {
      b.classList.add('copied');
      b.replaceChildren(icon('check'));
      setTimeout(() => {
        b.classList.remove('copied');
        b.replaceChildren(icon('copy'));
      }, 1500);
    }
    announce(r.message ?? (r.ok ? `Copied ${what}.` : 'Could not copy.'));
  });
  return b;
}

function jumpButton(objectId: string, text: string): DomButton {
  const b = h('button', { type: 'button', class: 'link', 'data-focus-key': `jump:${objectId}` }, text);
  b.addEventListener('click', () => {
    const target = document.getElementById(`object-${objectId}`);
    target?.scrollIntoView({ block: 'start' });
    target?.focus({ preventScroll: true });
  });
  return b;
}

function button(text: string, kind: 'primary' | 'secondary', onClick: (b: DomButton) => void | Promise<void>): DomButton {
  const b = h('button', { type: 'button', class: kind }, text);
  b.addEventListener('click', () => void onClick(b));
  return b;
}

function setAllSections(open: boolean): void {
  document.querySelectorAll('details.section').forEach((d) => {
    (d as DomDetails).open = open;
  });
}

function announce(text: string): void {
  statusRegion.textContent = text;
}

// ───────────────────────────── DOM helpers (text only) ─────────────────────────────

type Child = DomChild | null | undefined | false;

/** Creates an element; attributes are set with setAttribute, children strings become text nodes. */
function h<K extends string>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): DomElementFor<K> {
  const el = document.createElement(tag) as DomElementFor<K>;
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) continue; // never event-handler attributes
    if (value !== '') el.setAttribute(name, value);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** A codicon (the font from @vscode/codicons), decorative: hidden from screen readers, next to a text label. */
function icon(name: IconName): DomElement {
  return h('span', { class: `icon codicon codicon-${name}`, 'aria-hidden': 'true' });
}

// ───────────────────────────── state ─────────────────────────────

function loadState(): UiState {
  const s = vscode.getState() as Partial<UiState> | undefined;
  return {
    sections: s && typeof s.sections === 'object' && s.sections !== null ? { ...s.sections } : {},
    scrollY: typeof s?.scrollY === 'number' ? s.scrollY : 0,
  };
}

function saveState(): void {
  vscode.setState({ sections: ui.sections, scrollY: ui.scrollY } satisfies UiState);
}
