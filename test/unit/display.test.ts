// The one home of the small words (src/core/display): display names, expiry, fingerprints, error lines.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, expiryOf, expiryPhrase, expiryStatusText } from '../../src/core/display/expiry';
import { colonHex, commonNameOf, displayName, fingerprintText, keyLabel, messageOf, oneLine, sentence } from '../../src/core/display/labels';

const now = new Date('2026-06-01T12:00:00Z');
const at = (days: number, hours = 0) => new Date(now.getTime() + days * DAY_MS + hours * 3_600_000);

describe('display: expiry', () => {
  it('a certificate issued now for 3650 days has 3650 days left, not 3649', () => {
    const e = expiryOf({ notBefore: now, notAfter: at(3650) }, new Date(now.getTime() + 1500), 30);
    assert.deepEqual(e, { status: 'valid', daysLeft: 3650 });
    assert.equal(expiryStatusText(e!), 'valid, 3650 days left');
  });

  it('rounds to the nearest day: 3 hours left is today, 30 hours ago is yesterday', () => {
    assert.deepEqual(expiryOf({ notAfter: at(0, 3) }, now, 30), { status: 'expiring', daysLeft: 0 });
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(0, 3) }, now, 30)!), 'expires today');
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(0, 20) }, now, 30)!), 'expires tomorrow');
    assert.deepEqual(expiryOf({ notAfter: at(0, -3) }, now, 30), { status: 'expired', daysLeft: 0 });
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(0, -3) }, now, 30)!), 'expired today');
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(0, -30) }, now, 30)!), 'expired yesterday');
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(-9) }, now, 30)!), 'expired 9 days ago');
    assert.equal(expiryPhrase(expiryOf({ notAfter: at(42) }, now, 30)!), 'expires in 42 days');
  });

  it('statuses: not yet valid, expiring within warnDays, valid beyond; bad dates give no answer', () => {
    assert.equal(expiryOf({ notBefore: at(1), notAfter: at(10) }, now, 30)!.status, 'not-yet-valid');
    assert.equal(expiryPhrase(expiryOf({ notBefore: '2031-01-01T00:00:00Z', notAfter: at(9000) }, now, 30)!, '2031-01-01T00:00:00Z'), 'not valid before 2031-01-01');
    assert.equal(expiryOf({ notAfter: at(30) }, now, 30)!.status, 'expiring');
    assert.equal(expiryOf({ notAfter: at(31) }, now, 30)!.status, 'valid');
    assert.equal(expiryOf({ notAfter: 'not a date' }, now, 30), undefined);
    assert.equal(expiryOf({ notAfter: at(3) }, new Date(NaN), 30), undefined);
  });
});

describe('display: labels', () => {
  const dn = (attrs: [string, string][], text = attrs.map(([t, v]) => `${t}=${v}`).join(', ')) => ({ text, attributes: attrs.map(([type, value]) => ({ type, value })) });

  it('the display name is the last (most specific) CN, else the subject line, else "(empty subject)"', () => {
    assert.equal(displayName(dn([['CN', 'first'], ['O', 'x'], ['CN', 'last']])), 'last');
    assert.equal(commonNameOf(dn([['O', 'x']])), undefined);
    assert.equal(displayName(dn([['O', 'Org'], ['C', 'UK']])), 'O=Org, C=UK');
    assert.equal(displayName(dn([])), '(empty subject)');
  });

  it('fingerprints are uppercase, with colons for display and plain for netsh', () => {
    assert.equal(colonHex('0a1b2c'), '0A:1B:2C');
    assert.equal(colonHex('abc'), '0A:BC');
    assert.equal(fingerprintText('0a1b2c', 'colons'), '0A:1B:2C');
    assert.equal(fingerprintText('0a1b2c', 'plain'), '0A1B2C');
  });

  it('keys in a few words', () => {
    assert.equal(keyLabel({ algorithm: 'RSA', size: 2048 }), 'RSA 2048');
    assert.equal(keyLabel({ algorithm: 'EC', size: 256, curve: 'P-256' }), 'EC P-256');
    assert.equal(keyLabel({ algorithm: 'EC', size: 233 }), 'EC 233-bit');
    assert.equal(keyLabel({ algorithm: 'Ed25519', size: 256 }), 'Ed25519');
    assert.equal(keyLabel({ algorithm: 'unknown', size: 0 }), 'unknown algorithm');
  });

  it('errors on one line', () => {
    assert.equal(messageOf(new Error('bad thing.\nstack-ish detail')), 'bad thing');
    assert.equal(messageOf('plain'), 'plain');
    assert.equal(sentence(new Error('no period')), 'no period.');
    assert.equal(sentence(new Error('asks?')), 'asks?');
    assert.equal(oneLine('a\r\n\tb\u2028c'), 'a b c');
  });
});
