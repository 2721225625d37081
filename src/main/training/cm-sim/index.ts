/** The CM simulator: a real HTTP server with CM's REST semantics, for tests and training mode. */
export { startCmSimulator } from './server';
export type { CmSimulator, CmSimulatorAdmin, CmSimulatorOptions, RecordedRequest } from './server';
export { faultRuleSchema, simFaultSchema } from './faults';
export type { FaultRule, SimFault } from './faults';
export { API_PREFIX, ROUTE_IDS } from './routes';
export type { RouteId } from './routes';
export { seedDirectory, seedGuid, trainingRequestTypeNumbers } from './seed';
export type { SimState, SimUser, SimProfileTemplate, SimRequest, SimSmartcard } from './state';
