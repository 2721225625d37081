import { createHash } from 'node:crypto';
import {
  EMPTY_GUID,
  REQUEST_STATUS_NUMBERS,
  REQUEST_TYPE_NUMBERS,
  SMARTCARD_STATUS_NUMBERS,
  type RequestStatus,
  type RequestType,
  type SmartcardStatus,
} from '../../../shared/cm';
import type { SimProfileTemplate, SimRequest, SimSmartcard, SimState, SimUser } from './state';

/**
 * The training directory: the same every time (GUIDs derived from labels, fixed dates), so tests,
 * screenshots and training material can name its objects. It has work for every screen: approved
 * enrolments to bind, replacement requests whose old card is Active and must be retired, and
 * requests in the states an operator must not act on.
 */

/** A stable GUID for a label (SHA-1 name-based, shaped like an RFC 4122 version 5 UUID). */
export function seedGuid(label: string): string {
  const hex = createHash('sha1').update(`enrollment-station/cm-sim/${label}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Numbers where Microsoft's examples give one; the name otherwise (see REQUEST_TYPE_NUMBERS). */
function wireRequestType(type: RequestType): number | string {
  return REQUEST_TYPE_NUMBERS[type] ?? type;
}

const SECURITY_DESCRIPTOR = 'O:BAD:(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;BA)\u0000\u0000';

const users: SimUser[] = [
  ['alice', 'Alice Martin'],
  ['bram', 'Bram de Vries'],
  ['chen', 'Chen Wei'],
  ['dana', 'Dana Okafor'],
  ['emil', 'Emil Lindqvist'],
  ['farah', 'Farah Haddad'],
].map(([account, name]) => ({ Uuid: seedGuid(`user/${account}`), DisplayName: name ?? '', AccountName: `CONTOSO\\${account}` }));

const userUuid = (account: string): string => seedGuid(`user/${account}`);
const officer = seedGuid('user/badge-officer');

const profileTemplates: SimProfileTemplate[] = [
  {
    Uuid: seedGuid('template/staff'),
    Name: 'Staff Smart Card Logon',
    Description: 'Smart card logon and e-mail signing for employees.',
    IsSmartcardProfileTemplate: true,
    IsVirtualSmartcardProfileTemplate: false,
    Version: 46,
  },
  {
    Uuid: seedGuid('template/contractor'),
    Name: 'Contractor Smart Card',
    Description: 'Smart card logon for contractors; one year validity.',
    IsSmartcardProfileTemplate: true,
    IsVirtualSmartcardProfileTemplate: false,
    Version: 12,
  },
  {
    Uuid: seedGuid('template/software'),
    Name: 'Software Signing Profile',
    Description: 'Software-based signing certificate; no card involved.',
    IsSmartcardProfileTemplate: false,
    IsVirtualSmartcardProfileTemplate: false,
    Version: 3,
  },
];

interface CardSeed {
  label: string;
  user: string;
  template: string;
  status: SmartcardStatus;
  atr: string;
  parent?: string;
}

function smartcard(seed: CardSeed): SimSmartcard {
  const template = profileTemplates.find((t) => t.Uuid === seedGuid(`template/${seed.template}`));
  return {
    Uuid: seedGuid(`smartcard/${seed.label}`),
    Status: SMARTCARD_STATUS_NUMBERS[seed.status],
    Flags: 1,
    ParentSmartcardUuid: seed.parent === undefined ? EMPTY_GUID : seedGuid(`smartcard/${seed.parent}`),
    PrimarySmartcardUuid: EMPTY_GUID,
    PermanentSmartcardUuid: EMPTY_GUID,
    AssignedUserUuid: userUuid(seed.user),
    ProfileTemplateUuid: seedGuid(`template/${seed.template}`),
    ProfileTemplateVersion: template?.Version ?? 1,
    Comment: '',
    SerialNumber: `{${seedGuid(`cardid/${seed.label}`)}}`,
    Middleware: 'MSBaseCSP',
    Atr: seed.atr,
  };
}

const ATR_MINIDRIVER = '3b8d0180fba000000397425446590301c8';
const ATR_PIV = '3bf81300008131fe15597562696b657934d4';

const smartcards: SimSmartcard[] = [
  smartcard({ label: 'chen-1', user: 'chen', template: 'staff', status: 'Active', atr: ATR_MINIDRIVER }),
  smartcard({ label: 'emil-0', user: 'emil', template: 'staff', status: 'Retired', atr: ATR_MINIDRIVER }),
  smartcard({ label: 'emil-1', user: 'emil', template: 'staff', status: 'Active', atr: ATR_PIV, parent: 'emil-0' }),
  smartcard({ label: 'farah-1', user: 'farah', template: 'contractor', status: 'Active', atr: ATR_PIV }),
];

interface RequestSeed {
  label: string;
  type: RequestType;
  status: RequestStatus;
  user: string;
  template: string;
  submitted: string;
  completed?: string;
  oldCard?: string;
  newCard?: string;
  dataCollection?: SimRequest['DataCollection'];
  comment?: string;
}

function request(seed: RequestSeed): SimRequest {
  return {
    Uuid: seedGuid(`request/${seed.label}`),
    RequestType: wireRequestType(seed.type),
    Status: REQUEST_STATUS_NUMBERS[seed.status],
    Flags: 2,
    DataCollection: seed.dataCollection ?? [],
    DataCollectionFlags: 32,
    OriginatorUserUuid: officer,
    TargetUserUuid: userUuid(seed.user),
    Submitted: seed.submitted,
    Completed: seed.completed ?? '0001-01-01T00:00:00',
    NewProfileUuid: EMPTY_GUID,
    OldProfileUuid: EMPTY_GUID,
    NewSmartcardUuid: seed.newCard === undefined ? EMPTY_GUID : seedGuid(`smartcard/${seed.newCard}`),
    OldSmartcardUuid: seed.oldCard === undefined ? EMPTY_GUID : seedGuid(`smartcard/${seed.oldCard}`),
    Priority: 0,
    Comment: seed.comment ?? '',
    ProfileTemplateUuid: seedGuid(`template/${seed.template}`),
    SecurityDescriptor: SECURITY_DESCRIPTOR,
    IsSmartcard: seed.template !== 'software',
    IsEnrollmentAgent: false,
    IsDataCollectionComplete: (seed.dataCollection ?? []).every((item) => item.Value !== null),
  };
}

const requests: SimRequest[] = [
  // Approved enrolments: bind a new card.
  request({ label: 'enroll-alice', type: 'Enroll', status: 'Approved', user: 'alice', template: 'staff', submitted: '2026-01-12T08:15:04.21Z' }),
  request({
    label: 'enroll-bram',
    type: 'Enroll',
    status: 'Approved',
    user: 'bram',
    template: 'staff',
    submitted: '2026-01-12T08:31:47.5Z',
    dataCollection: [{ Name: 'Employee number', Value: 'E-20417' }],
  }),
  request({ label: 'enroll-dana', type: 'Enroll', status: 'Approved', user: 'dana', template: 'contractor', submitted: '2026-01-12T09:02:11.733Z' }),
  request({ label: 'enroll-farah-staff', type: 'Enroll', status: 'Approved', user: 'farah', template: 'staff', submitted: '2026-01-13T10:45:00Z', comment: 'Moving from contractor to staff.' }),
  // Approved replacements: bind the new card, then retire the Active old one.
  request({ label: 'recover-chen', type: 'Recover', status: 'Approved', user: 'chen', template: 'staff', submitted: '2026-01-13T07:58:30.1Z', oldCard: 'chen-1', comment: 'Card lost.' }),
  request({ label: 'renew-farah', type: 'Renew', status: 'Approved', user: 'farah', template: 'contractor', submitted: '2026-01-13T11:20:19.9Z', oldCard: 'farah-1' }),
  // Executing: CM still accepts a card for it.
  request({ label: 'enroll-emil-contractor', type: 'Enroll', status: 'Executing', user: 'emil', template: 'contractor', submitted: '2026-01-11T14:05:00Z' }),
  // Not for the operator: waiting, refused, finished or without a card.
  request({ label: 'enroll-alice-contractor', type: 'Enroll', status: 'Pending', user: 'alice', template: 'contractor', submitted: '2026-01-14T09:00:00Z' }),
  request({ label: 'enroll-dana-staff', type: 'Enroll', status: 'Denied', user: 'dana', template: 'staff', submitted: '2026-01-10T16:40:12Z', completed: '2026-01-10T17:02:55Z' }),
  request({ label: 'enroll-chen', type: 'Enroll', status: 'Completed', user: 'chen', template: 'staff', submitted: '2025-09-01T08:00:00Z', completed: '2025-09-01T08:20:31.4Z', newCard: 'chen-1' }),
  request({
    label: 'recover-emil',
    type: 'Recover',
    status: 'Completed',
    user: 'emil',
    template: 'staff',
    submitted: '2025-11-03T09:12:00Z',
    completed: '2025-11-03T09:30:44.02Z',
    oldCard: 'emil-0',
    newCard: 'emil-1',
  }),
  request({ label: 'enroll-bram-software', type: 'Enroll', status: 'Canceled', user: 'bram', template: 'software', submitted: '2025-12-01T12:00:00Z', completed: '2025-12-02T08:00:00Z' }),
];

/** A fresh copy every call, so callers may keep or change it freely. */
export function seedDirectory(): SimState {
  return structuredClone({ users, profileTemplates, requests, smartcards });
}
