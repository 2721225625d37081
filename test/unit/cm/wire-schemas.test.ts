import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { extractCorrelationId } from '../../../src/main/cm/errors';
import { toCmRequest } from '../../../src/main/cm/normalize';
import { wireCreatedSmartcardSchema, wireRequestSchema, wireSmartcardSchema } from '../../../src/main/cm/wire-schemas';
import { fastClient } from './harness';

const noNames = { templateName: () => null, userDisplayName: () => null };
const REQUEST = {
  Uuid: 'A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099',
  RequestType: 1,
  Status: 3,
  DataCollection: [],
  TargetUserUuid: '{8f1590dc-d932-4b66-8e68-2e91c5880780}',
  Submitted: '2015-07-07T23:36:21.93Z',
  Completed: '0001-01-01T00:00:00',
  NewSmartcardUuid: '00000000-0000-0000-0000-000000000000',
  OldSmartcardUuid: '17cf063d-e337-4aa9-a822-346554ddd3c9',
};
const decode = (overrides: Record<string, unknown>) => toCmRequest(wireRequestSchema.parse({ ...REQUEST, ...overrides }), noNames);

describe('CM wire schemas are tolerant where CM varies', () => {
  it('normalises GUIDs, empty GUIDs and the "not yet" date', () => {
    expect(decode({})).toMatchObject({
      uuid: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
      targetUserUuid: '8f1590dc-d932-4b66-8e68-2e91c5880780',
      newSmartcardUuid: null,
      oldSmartcardUuid: '17cf063d-e337-4aa9-a822-346554ddd3c9',
      completed: null,
      submitted: '2015-07-07T23:36:21.93Z',
      profileTemplateUuid: null,
      priority: 0,
      comment: '',
    });
  });

  it('accepts enums as numbers or names; keeps unknown ones visible', () => {
    expect(decode({ Status: 'approved', RequestType: 'Recover' })).toMatchObject({ status: 'Approved', type: 'Recover' });
    expect(decode({ Status: '18', RequestType: 'TemporaryCards' })).toMatchObject({ status: 'Executing', type: 'TemporaryCardEnroll' });
    expect(decode({ Status: 99, RequestType: 42 })).toMatchObject({ status: 'Unknown(99)', type: 'Unknown(42)' });
    expect(decode({ Status: 'Archived' }).status).toBe('Unknown(Archived)');
    expect(decode({ Status: 16, RequestType: 5 })).toMatchObject({ status: 'Pending', type: 'Unblock' });
  });

  it('accepts DataCollection as an array or as a JSON string', () => {
    expect(decode({ DataCollection: '[]' }).dataCollection).toEqual([]);
    expect(decode({ DataCollection: '[{"Name":"Badge","Value":null}]' }).dataCollection).toEqual([{ name: 'Badge', value: null }]);
    expect(decode({ DataCollection: [{ Name: 'Sample Data Item', Value: null }] }).dataCollection).toEqual([{ name: 'Sample Data Item', value: null }]);
    expect(wireRequestSchema.safeParse({ ...REQUEST, DataCollection: 'not json' }).success).toBe(false);
  });

  it('ignores unknown fields and requires what the station cannot do without', () => {
    expect(decode({ SomethingNew: { deep: true } })).not.toHaveProperty('SomethingNew');
    const { Uuid: _uuid, ...withoutUuid } = REQUEST;
    expect(wireRequestSchema.safeParse(withoutUuid).success).toBe(false);
    expect(wireRequestSchema.safeParse({ ...REQUEST, Status: null }).success).toBe(false);
  });

  // Issue #17, part 10 (replaces "rejects one that is not hex"): an odd ATR is kept as CM's text, the card stays readable.
  it('normalises a card ATR; one that is not hex is kept as CM sent it, not a reason to lose the card', () => {
    const card = { Uuid: '17cf063d-e337-4aa9-a822-346554ddd3c9', Status: 2, SerialNumber: '{BC88F13F-83BA-4037-8262-46EBA1291C6E}' };
    expect(wireSmartcardSchema.parse({ ...card, Atr: '3B 8D 01' }).Atr).toBe('3b8d01');
    expect(wireSmartcardSchema.parse({ ...card, Atr: '3B:8D:01' }).Atr).toBe('3b8d01');
    expect(wireSmartcardSchema.parse({ ...card, Atr: ' 3b8d0180fba00000039742544659030 ' }).Atr).toBe('3b8d0180fba00000039742544659030');
    expect(wireSmartcardSchema.parse({ ...card, Atr: 'xyz' })).toMatchObject({ Atr: 'xyz', SerialNumber: '{BC88F13F-83BA-4037-8262-46EBA1291C6E}' });
  });

  it('reads the new Uuid from the 201 URI in its documented and plausible forms', () => {
    const uuid = '17cf063d-e337-4aa9-a822-346554ddd3c9';
    expect(wireCreatedSmartcardSchema.parse(`api/v1.0/smartcards/${uuid}`)).toBe(uuid);
    expect(wireCreatedSmartcardSchema.parse(`/CertificateManagement/api/v1.0/SmartCards/${uuid.toUpperCase()}/`)).toBe(uuid);
    expect(wireCreatedSmartcardSchema.parse(`https://cm.contoso.com/certificatemanagement/api/v1.0/smartcards/${uuid}`)).toBe(uuid);
    expect(wireCreatedSmartcardSchema.safeParse('api/v1.0/requests/' + uuid).success).toBe(false);
    expect(wireCreatedSmartcardSchema.safeParse('api/v1.0/smartcards/').success).toBe(false);
  });

  // Issue #17, part 6 (replaces "otherwise any GUID is offered"): a correlation id is one only where
  // CM's message says "correlation"; the request and card GUIDs a refusal names stay in the message.
  it('finds the correlation id only after "correlation"; other GUIDs are not offered', () => {
    const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const other = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
    expect(extractCorrelationId(JSON.stringify({ Message: `Request ${other}: error. Correlation ID: ${id}.` }))).toBe(id);
    expect(extractCorrelationId(`{"Message":"Unhandled exception, correlation id {${id.toUpperCase()}}"}`)).toBe(id);
    expect(extractCorrelationId(`{"Message":"Une erreur s'est produite. Identifiant : ${id}"}`)).toBeNull();
    expect(
      extractCorrelationId(JSON.stringify({ Message: `An error has occurred. Request ${other} is not in a state that allows a smart card to be assigned.` })),
    ).toBeNull();
    expect(extractCorrelationId('{"Message":"An error has occurred."}')).toBeNull();
    expect(extractCorrelationId(`<html><body>Error ${id}</body></html>`)).toBeNull();
  });
});

describe('a CM that sends names, strings and extra fields, over HTTP', () => {
  const servers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of servers.splice(0)) await close();
  });

  it('is read into the same domain shape', async () => {
    const server = createServer((_req, res) => {
      const body = JSON.stringify({ ...REQUEST, Status: 'Approved', RequestType: 'Enroll', DataCollection: '[]', ExtraField: 1 });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const { client } = fastClient(`http://127.0.0.1:${port}/CertificateManagement/api/v1.0`);
    // Every path answers the request object, so the template listing fails validation: names stay null.
    const request = await client.getRequest(REQUEST.Uuid);
    expect(request).toMatchObject({
      uuid: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
      status: 'Approved',
      type: 'Enroll',
      dataCollection: [],
      profileTemplateName: null,
    });
  });
});
