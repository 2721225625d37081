import { describe, expect, it } from 'vitest';
import { seedDirectory, type SimState } from '../../../src/main/training/cm-sim';
import { EMPTY_GUID } from '../../../src/shared/cm';
import { simWithClient } from './harness';

/**
 * The two calls the station exists for, checked against Microsoft's reference examples
 * ("Assign smart card to a request" and "Update smart card status"), using the examples' own
 * identifiers so every field can be compared with the page.
 */
const DOC = {
  bindRequestId: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
  cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e',
  atr: '3b8d0180fba000000397425446590301c8',
  newSmartcardUuid: '17cf063d-e337-4aa9-a822-346554ddd3c9',
  retireRequestId: 'b105403d-d021-41ea-9f11-be3d677d229e',
  userUuid: '8f1590dc-d932-4b66-8e68-2e91c5880780',
  templateUuid: 'a039b4d0-5ce8-4eff-8651-181c6576fda3',
};

/** The seed plus the examples' request, template and user, as the reference pages show them. */
function docSeed(): SimState {
  // Without the seed's own copies of the examples: this test replays the bind example from scratch.
  const seeded = seedDirectory();
  const state: SimState = {
    ...seeded,
    profileTemplates: seeded.profileTemplates.filter((t) => t.Uuid !== DOC.templateUuid),
    requests: seeded.requests.filter((r) => r.ProfileTemplateUuid !== DOC.templateUuid),
    smartcards: seeded.smartcards.filter((c) => c.ProfileTemplateUuid !== DOC.templateUuid),
  };
  const base = state.requests[0];
  if (base === undefined) throw new Error('seed has no requests');
  state.profileTemplates.push({
    Uuid: DOC.templateUuid,
    Name: 'FIM CM Sample Smart Card Logon Profile Template',
    Description: '',
    IsSmartcardProfileTemplate: true,
    IsVirtualSmartcardProfileTemplate: false,
    Version: 46,
  });
  const docRequest = { ...base, TargetUserUuid: DOC.userUuid, OriginatorUserUuid: DOC.userUuid, ProfileTemplateUuid: DOC.templateUuid };
  state.requests.push(
    { ...docRequest, Uuid: DOC.bindRequestId, RequestType: 1, Status: 3 },
    // A request that acts on the newly bound card, as the update example's request does.
    { ...docRequest, Uuid: DOC.retireRequestId, RequestType: 7, Status: 3, OldSmartcardUuid: DOC.newSmartcardUuid, NewSmartcardUuid: EMPTY_GUID },
  );
  return state;
}

describe('bind and retire on the wire match the documented examples', () => {
  it('POST /smartcards {requestid, cardid, atr} -> 201 "api/v1.0/smartcards/<uuid>"; PUT ... {"status":"Retired"} -> 200, Status 6', async () => {
    const { sim, client } = await simWithClient({ seed: docSeed(), newUuid: () => DOC.newSmartcardUuid });
    const basePath = new URL(sim.baseUrl).pathname;

    const created = await client.bindCard({
      requestId: `{${DOC.bindRequestId.toUpperCase()}}`,
      cardId: DOC.cardId.toUpperCase(),
      atr: '3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 03 01 C8',
    });
    expect(created).toBe(DOC.newSmartcardUuid);

    const retired = await client.setSmartcardStatus({
      requestId: DOC.retireRequestId,
      smartcardUuid: DOC.newSmartcardUuid,
      status: 'Retired',
    });

    const [bindCall, retireCall, ...rest] = sim.admin.received();
    // Nothing but the two calls: no probes, no retries, no lookups.
    expect(rest.map((r) => `${r.method} ${r.path}`)).toEqual([]);

    expect(bindCall?.method).toBe('POST');
    expect(bindCall?.path).toBe(`${basePath}smartcards`);
    expect(bindCall?.path.toLowerCase()).toBe('/certificatemanagement/api/v1.0/smartcards');
    expect(bindCall?.headers['content-type']).toBe('application/json');
    const bindBody = JSON.parse(bindCall?.body ?? 'null') as Record<string, unknown>;
    expect(Object.keys(bindBody)).toEqual(['requestid', 'cardid', 'atr']);
    expect(bindBody).toEqual({ requestid: DOC.bindRequestId, cardid: DOC.cardId, atr: DOC.atr });

    expect(retireCall?.method).toBe('PUT');
    expect(retireCall?.path).toBe(`${basePath}requests/${DOC.retireRequestId}/smartcards/${DOC.newSmartcardUuid}`);
    expect(retireCall?.headers['content-type']).toBe('application/json');
    expect(retireCall?.body).toBe('{"status":"Retired"}');

    // The 200 body is the documented Smartcard object with Status 6 (Retired).
    const wireCard = sim.admin.state().smartcards.find((c) => c.Uuid === DOC.newSmartcardUuid);
    expect(wireCard).toEqual({
      Uuid: DOC.newSmartcardUuid,
      Status: 6,
      Flags: 1,
      ParentSmartcardUuid: EMPTY_GUID,
      PrimarySmartcardUuid: EMPTY_GUID,
      PermanentSmartcardUuid: EMPTY_GUID,
      AssignedUserUuid: DOC.userUuid,
      ProfileTemplateUuid: DOC.templateUuid,
      ProfileTemplateVersion: 46,
      Comment: '',
      SerialNumber: `{${DOC.cardId}}`,
      Middleware: 'MSBaseCSP',
      Atr: DOC.atr,
    });
    expect(retired).toMatchObject({
      uuid: DOC.newSmartcardUuid,
      status: 'Retired',
      cardId: DOC.cardId,
      serialNumber: `{${DOC.cardId}}`,
      atr: DOC.atr,
      assignedUserUuid: DOC.userUuid,
      profileTemplateUuid: DOC.templateUuid,
      profileTemplateVersion: 46,
      parentSmartcardUuid: null,
    });
  });

  it('the 201 body is a JSON string holding a relative URI, as documented', async () => {
    const { sim } = await simWithClient({ seed: docSeed(), newUuid: () => DOC.newSmartcardUuid });
    const response = await fetch(`${sim.baseUrl}smartcards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ requestid: DOC.bindRequestId, cardid: DOC.cardId, atr: DOC.atr }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe(`"api/v1.0/smartcards/${DOC.newSmartcardUuid}"`);
  });
});
