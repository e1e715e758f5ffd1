// The inspector's host ↔ webview protocol: the request/response helper keyed by id, and the validation of
// messages each side receives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InspectorRequest } from '../../src/webview/protocol';
import { MessageType, RequestClient, parseHostMessage, parseWebviewMessage, respond } from '../../src/webview/protocol';

describe('RequestClient', () => {
  it('numbers requests and resolves each with the response carrying its id, in any order', async () => {
    const sent: InspectorRequest[] = [];
    const client = new RequestClient((m) => sent.push(m));
    const a = client.request({ type: MessageType.Copy, copyId: 'o0.sha256' });
    const b = client.request({ type: MessageType.ShowReport });
    assert.deepEqual(sent, [
      { type: MessageType.Copy, copyId: 'o0.sha256', requestId: 1 },
      { type: MessageType.ShowReport, requestId: 2 },
    ]);
    assert.equal(client.pendingCount, 2);
    assert.equal(client.handle(respond(sent[1], true)), true);
    assert.equal(client.handle(respond(sent[0], false, 'Nothing to copy.')), true);
    assert.deepEqual(await b, { type: MessageType.Response, requestId: 2, ok: true });
    assert.deepEqual(await a, { type: MessageType.Response, requestId: 1, ok: false, message: 'Nothing to copy.' });
    assert.equal(client.pendingCount, 0);
  });

  it('ignores responses to unknown or already answered requests, and non-responses', async () => {
    const sent: InspectorRequest[] = [];
    const client = new RequestClient((m) => sent.push(m));
    const p = client.request({ type: MessageType.ShowReport });
    assert.equal(client.handle({ type: MessageType.Response, requestId: 99, ok: true }), false);
    assert.equal(client.handle({ type: MessageType.Render, view: {} as never }), false);
    assert.equal(client.handle(respond(sent[0], true)), true);
    assert.equal(client.handle(respond(sent[0], false)), false, 'a second answer is ignored');
    assert.equal((await p).ok, true);
  });

  it('never rejects: a lost request resolves not-ok after the timeout; dispose settles the rest', async () => {
    const client = new RequestClient(() => undefined, 20);
    const lost = await client.request({ type: MessageType.ShowReport });
    assert.equal(lost.ok, false);
    assert.match(lost.message ?? '', /No answer/);
    const slow = new RequestClient(() => undefined, 60_000);
    const pending = slow.request({ type: MessageType.Copy, copyId: 'x' });
    slow.dispose();
    assert.equal((await pending).ok, false);
    assert.equal(slow.pendingCount, 0);
    // A request that waits for the user (Verify's pickers) gets its own, longer timeout; others keep the client's.
    const patient = new RequestClient(() => undefined, 20);
    const verify = patient.request({ type: MessageType.VerifyChain }, 60_000);
    const copy = await patient.request({ type: MessageType.Copy, copyId: 'x' });
    assert.equal(copy.ok, false);
    assert.equal(patient.pendingCount, 1, 'the verification is still waiting');
    patient.dispose();
    assert.equal((await verify).ok, false);
    const broken = new RequestClient(() => {
      throw new Error('gone');
    });
    assert.equal((await broken.request({ type: MessageType.ShowReport })).ok, false);
  });
});

describe('message validation', () => {
  it('accepts the webview messages the host handles, copying only known fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: MessageType.Ready });
    assert.deepEqual(parseWebviewMessage({ type: 'unlock', requestId: 3, password: 'pw', note: 'x' }), { type: MessageType.Unlock, requestId: 3, password: 'pw' });
    assert.deepEqual(parseWebviewMessage({ type: 'unlock', requestId: 4, password: '' }), { type: MessageType.Unlock, requestId: 4, password: '' });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', requestId: 5, copyId: 'o0.sha1' }), { type: MessageType.Copy, requestId: 5, copyId: 'o0.sha1' });
    assert.deepEqual(parseWebviewMessage({ type: 'showReport', requestId: 6 }), { type: MessageType.ShowReport, requestId: 6 });
    assert.deepEqual(parseWebviewMessage({ type: 'verifyChain', requestId: 7, anchors: '/etc/passwd' }), { type: MessageType.VerifyChain, requestId: 7 });
  });

  it('rejects malformed webview messages', () => {
    for (const bad of [
      null,
      'ready',
      {},
      { type: 'render', view: {} },
      { type: 'unlock', password: 'pw' },
      { type: 'unlock', requestId: 1, password: 42 },
      { type: 'unlock', requestId: 1, password: 'x'.repeat(5000) },
      { type: 'unlock', requestId: 0, password: 'pw' },
      { type: 'unlock', requestId: 1.5, password: 'pw' },
      { type: 'copy', requestId: 1 },
      { type: 'copy', requestId: 1, copyId: {} },
      { type: 'showReport', requestId: '1' },
      { type: 'verifyChain' },
      { type: 'verifyChain', requestId: -2 },
      { type: 'openFile', requestId: 1, path: '/etc/passwd' },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('accepts host messages and rejects others', () => {
    assert.ok(parseHostMessage({ type: 'render', view: { objects: [] } }));
    assert.ok(parseHostMessage({ type: 'response', requestId: 1, ok: true }));
    assert.equal(parseHostMessage({ type: 'render' }), undefined);
    assert.equal(parseHostMessage({ type: 'response', requestId: 1 }), undefined);
    assert.equal(parseHostMessage({ type: 'ready' }), undefined);
    assert.equal(parseHostMessage(undefined), undefined);
  });

  it('a response echoes only the id, the outcome and the message: never the request (a password)', () => {
    const r = respond({ type: MessageType.Unlock, requestId: 9, password: 'hunter2' }, false, 'Wrong password for x.p12.');
    assert.deepEqual(r, { type: MessageType.Response, requestId: 9, ok: false, message: 'Wrong password for x.p12.' });
    assert.ok(!JSON.stringify(r).includes('hunter2'));
  });
});
