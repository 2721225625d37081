import {
  REQUEST_STATUSES,
  REQUEST_STATUS_NUMBERS,
  REQUEST_TYPES,
  REQUEST_TYPE_ALIASES,
  REQUEST_TYPE_NUMBERS,
  SMARTCARD_STATUSES,
  SMARTCARD_STATUS_NUMBERS,
  type CmProfileTemplate,
  type CmRequest,
  type CmSmartcard,
  type Guid,
  type RequestStatus,
  type RequestType,
  type SmartcardStatus,
  type UnknownEnum,
} from '../../shared/cm';
import type { WireEnum, WireProfileTemplate, WireRequest, WireSmartcard } from './wire-schemas';

/** Turns CM's numbers or names into the station's names; anything else is kept visible, not fatal. */
function decodeEnum<N extends string>(
  value: WireEnum,
  names: readonly N[],
  numbers: Readonly<Partial<Record<N, number>>>,
  aliases: Readonly<Record<string, N>> = {},
): N | UnknownEnum {
  if (typeof value === 'number') {
    const name = names.find((n) => numbers[n] === value);
    return name ?? `Unknown(${value})`;
  }
  const trimmed = value.trim();
  // Json.NET's StringEnumConverter writes names; a numeric string is still a number.
  if (/^\d+$/.test(trimmed)) return decodeEnum(Number(trimmed), names, numbers, aliases);
  const lower = trimmed.toLowerCase();
  const name = names.find((n) => n.toLowerCase() === lower);
  if (name !== undefined) return name;
  const alias = Object.entries(aliases).find(([spelling]) => spelling.toLowerCase() === lower);
  return alias?.[1] ?? `Unknown(${trimmed})`;
}

export const decodeRequestStatus = (v: WireEnum): RequestStatus | UnknownEnum => decodeEnum(v, REQUEST_STATUSES, REQUEST_STATUS_NUMBERS);
export const decodeSmartcardStatus = (v: WireEnum): SmartcardStatus | UnknownEnum => decodeEnum(v, SMARTCARD_STATUSES, SMARTCARD_STATUS_NUMBERS);
export const decodeRequestType = (v: WireEnum): RequestType | UnknownEnum => decodeEnum(v, REQUEST_TYPES, REQUEST_TYPE_NUMBERS, REQUEST_TYPE_ALIASES);

/** CM returns the bound cardid as the serial number in braces: `{bc88f13f-...}`. */
export function cardIdFromSerialNumber(serialNumber: string): string {
  return serialNumber
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
}

/** Names CM does not carry on a Request; looked up where the station can. */
export interface RequestNames {
  templateName(uuid: Guid): string | null;
  userDisplayName(uuid: Guid): string | null;
}

export function toCmRequest(w: WireRequest, names: RequestNames): CmRequest {
  return {
    uuid: w.Uuid,
    type: decodeRequestType(w.RequestType),
    status: decodeRequestStatus(w.Status),
    targetUserUuid: w.TargetUserUuid,
    targetUserDisplayName: w.TargetUserUuid === null ? null : names.userDisplayName(w.TargetUserUuid),
    originatorUserUuid: w.OriginatorUserUuid,
    profileTemplateUuid: w.ProfileTemplateUuid,
    profileTemplateName: w.ProfileTemplateUuid === null ? null : names.templateName(w.ProfileTemplateUuid),
    oldSmartcardUuid: w.OldSmartcardUuid,
    newSmartcardUuid: w.NewSmartcardUuid,
    submitted: w.Submitted,
    completed: w.Completed,
    priority: w.Priority,
    isSmartcard: w.IsSmartcard,
    dataCollection: w.DataCollection.map((item) => ({ name: item.Name, value: item.Value })),
    comment: w.Comment,
  };
}

export function toCmSmartcard(w: WireSmartcard): CmSmartcard {
  return {
    uuid: w.Uuid,
    status: decodeSmartcardStatus(w.Status),
    serialNumber: w.SerialNumber,
    cardId: cardIdFromSerialNumber(w.SerialNumber),
    atr: w.Atr,
    assignedUserUuid: w.AssignedUserUuid,
    profileTemplateUuid: w.ProfileTemplateUuid,
    profileTemplateVersion: w.ProfileTemplateVersion,
    parentSmartcardUuid: w.ParentSmartcardUuid,
    primarySmartcardUuid: w.PrimarySmartcardUuid,
    permanentSmartcardUuid: w.PermanentSmartcardUuid,
    middleware: w.Middleware,
    comment: w.Comment,
  };
}

export function toCmProfileTemplate(w: WireProfileTemplate): CmProfileTemplate {
  return {
    uuid: w.Uuid,
    name: w.Name,
    description: w.Description,
    isSmartcard: w.IsSmartcardProfileTemplate,
    isVirtualSmartcard: w.IsVirtualSmartcardProfileTemplate,
  };
}
