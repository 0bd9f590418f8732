import { generateSecret, signatureHeaders } from '../webhooks/signer';
import { checkSignature } from './signature-check';

describe('checkSignature', () => {
  const body = '{"id":"evt_1","type":"message.received"}';
  const secret = generateSecret();
  const other = generateSecret();

  it('is valid when an endpoint secret signed the body, naming that endpoint', () => {
    const headers = { ...signatureHeaders('evt_1', body, [secret]) };
    const check = checkSignature(Buffer.from(body), headers, [
      { id: 'we_other', secrets: [other] },
      { id: 'we_mine', secrets: [secret] },
    ]);
    expect(check).toMatchObject({ valid: true, status: 'valid', endpointId: 'we_mine' });
  });

  it('accepts the previous secret during a rotation', () => {
    const headers = { ...signatureHeaders('evt_1', body, [other]) };
    expect(checkSignature(Buffer.from(body), headers, [{ id: 'we_1', secrets: [secret, other] }]).valid).toBe(
      true,
    );
  });

  it('is invalid for a changed body, another secret or an old timestamp', () => {
    const headers = { ...signatureHeaders('evt_1', body, [secret]) };
    const endpoints = [{ id: 'we_1', secrets: [secret] }];
    expect(checkSignature(Buffer.from(body + ' '), headers, endpoints)).toMatchObject({
      valid: false,
      status: 'invalid',
      detail: 'No matching signature found',
    });
    expect(checkSignature(Buffer.from(body), headers, [{ id: 'we_1', secrets: [other] }]).status).toBe(
      'invalid',
    );
    const old = { ...signatureHeaders('evt_1', body, [secret], new Date(Date.now() - 3600_000)) };
    expect(checkSignature(Buffer.from(body), old, endpoints)).toMatchObject({
      valid: false,
      detail: 'Message timestamp too old',
    });
  });

  it('says when there is no signature, or no endpoint to check it with', () => {
    expect(checkSignature(Buffer.from(body), {}, [{ id: 'we_1', secrets: [secret] }]).status).toBe(
      'unsigned',
    );
    const headers = { ...signatureHeaders('evt_1', body, [secret]) };
    expect(checkSignature(Buffer.from(body), headers, [])).toMatchObject({
      valid: false,
      status: 'no_endpoint',
    });
  });
});
