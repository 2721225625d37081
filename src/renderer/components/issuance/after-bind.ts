// The issuance screens that only appear after a bind: one chunk, loaded apart from the first
// screen (issuance-screens.tsx is the way in).
export { HandOver } from './HandOver';
export { IssuanceNeedsCm } from './IssuanceOffer';
export { IssuancePanel } from './IssuancePanel';
