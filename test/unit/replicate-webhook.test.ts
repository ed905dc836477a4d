import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/errors';
import { verifyReplicateWebhook } from '../../providers/replicate';

// The published Standard Webhooks (svix) example, the scheme Replicate documents: computed by
// someone else, so it checks the verifier against the spec rather than against our own fake.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const headers = {
  'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  'webhook-timestamp': '1614265330',
  'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const body = Buffer.from('{"test": 2432232314}');

describe('Replicate webhook verification', () => {
  it('accepts the reference delivery at its own time', () => {
    expect(() => verifyReplicateWebhook({ headers, body }, secret, 1614265330)).not.toThrow();
  });

  it('rejects it five minutes and a second later, and with one byte changed', () => {
    const late = () => verifyReplicateWebhook({ headers, body }, secret, 1614265330 + 301);
    expect(late).toThrow(ProviderError);
    expect(late).toThrow(/tolerance/);
    const tampered = () => verifyReplicateWebhook({ headers, body: Buffer.from('{"test": 2432232315}') }, secret, 1614265330);
    expect(tampered).toThrow(/no signature matches/);
  });
});
