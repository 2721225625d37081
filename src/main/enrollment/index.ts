export { createEnrollmentWorkflow } from './workflow';
export type { AuditNote, AuditNoteOptions, CardSource, EnrollmentWorkflow, WorkflowDeps, WorkflowEvent, WorkflowOutbox } from './workflow';
export type { IssuanceGate } from './ports';
export { initialState, stepForOutcomes, transition } from './machine';
export type { EnrollmentEvent } from './machine';
export { createBatch } from './batch';
export type { Batch } from './batch';
