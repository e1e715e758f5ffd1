// The chain section after "Verify against a trust anchor…": the host turns the verdict of Verify Certificate
// Chain… into the section the webview shows. The builder (viewBuilder.ts, in the engine's worker) made the section
// before it; both write a link's signature and an error in the same words and escape by the same rule, so those
// live here, where the host can load them without the builder and the engine behind it.
//
// Host-neutral: no `vscode`; at run time it imports only display/escape and display/labels, bundled inline.

import { printable } from '../../core/display/escape';
import { plural } from '../../core/display/labels';
import type { ChainCheck } from '../../core/trust/pathValidation';
import type { ChainErrorView, ChainLinkView, ChainView, InspectorView } from '../../webview/view';

/** Longest text of one view string (a subject, an extension's text) before it is cut. */
const MAX_TEXT = 8192;

/**
 * A certificate string made safe to display as text: invisible and reordering characters escaped (by the same rule
 * as the CLI and the explorer: a subject must not be able to reorder or hide what is shown around it), line breaks
 * and tabs kept, length bounded. Text stays text: the webview renders with textContent.
 */
export function visible(s: string): string {
  const shown = printable(s, { keepLineBreaks: true });
  return shown.length > MAX_TEXT ? `${shown.slice(0, MAX_TEXT)}… (${shown.length} characters)` : shown;
}

/** The signature check of one link, in words: with the next link's key, with its own (self-signed), or why there is no signer. */
export function signatureOf(valid: boolean, signer: string | undefined, selfSigned: boolean, issuer: string, noSigner: string): ChainLinkView['signature'] {
  if (signer !== undefined) {
    return valid ? { text: `signature verified with the key of “${signer}”`, tone: 'ok' } : { text: `signature does NOT verify with the key of “${signer}”`, tone: 'error' };
  }
  if (selfSigned) return valid ? { text: 'self-signed: signature verified with its own key', tone: 'ok' } : { text: 'self-signed, but its signature does NOT verify with its own key', tone: 'error' };
  return { text: `issued by “${issuer || '(empty issuer)'}”, ${noSigner}`, tone: 'info' };
}

export function errorView(e: { depth: number; code: string; message: string }): ChainErrorView {
  return { depth: e.depth, code: visible(e.code), message: visible(e.message) };
}

/**
 * The chain section once the user verified the file's chain against trust anchors of their choice (the
 * Verify Certificate Chain command): complete to an anchor you trust, or the errors with their codes.
 * Links that are objects of this file keep their jump links.
 */
export function withVerification(view: InspectorView, check: ChainCheck): InspectorView {
  const known = new Map((view.chain?.links ?? []).map((l) => [l.fingerprintSha256, l.objectId]));
  const links = check.chain.map((l, i): ChainLinkView => {
    const next = check.chain[i + 1];
    const link: ChainLinkView = {
      subject: visible(l.subject),
      issuer: visible(l.issuer),
      notAfter: l.notAfter,
      signatureValid: l.signatureValid,
      signature: l.anchor
        ? { text: 'a trust anchor you chose', tone: 'ok' }
        : next
          ? signatureOf(l.signatureValid, visible(next.subject), false, '', '')
          : l.subject === l.issuer
            ? { text: 'self-signed, and not a trust anchor you chose', tone: 'error' }
            : { text: `its issuer “${visible(l.issuer) || '(empty issuer)'}” is neither a trust anchor you chose nor among the certificates offered`, tone: 'error' },
      anchor: l.anchor,
      fingerprintSha256: l.fingerprints.sha256,
    };
    const objectId = known.get(l.fingerprints.sha256);
    if (objectId) link.objectId = objectId;
    return link;
  });
  const anchor = check.anchored ? check.chain[check.chain.length - 1] : undefined;
  const chain: ChainView = check.ok
    ? {
        status: 'trusted',
        headline: 'Chain complete to an anchor you trust',
        note: `Validated against the trust anchors you chose${anchor ? `; it ends at “${visible(anchor.subject)}”` : ''}.`,
        links,
        errors: [],
        verifiable: true,
      }
    : {
        status: 'failed',
        headline: `Chain does not verify: ${plural(check.errors.length, 'problem')}`,
        note: check.anchored ? 'A path to a trust anchor you chose was found, but it fails the checks below.' : 'No path to any of the trust anchors you chose: the best attempt is shown.',
        links,
        errors: check.errors.map(errorView),
        verifiable: true,
      };
  return { ...view, chain };
}
