export { startTraining, TRAINING_READERS } from './training';
export { trainingRequestTypeNumbers } from './cm-sim';
export type { TrainingSession } from './training';
export { SAMPLE_CARDS } from './sample-cards';
export type { SampleCardSpec } from './sample-cards';
export { createSimulatedPcsc } from './simulated-pcsc';
export type { SimulatedCard, SimulatedPcsc } from './simulated-pcsc';
export { startCmSimulator } from './cm-sim';
export { trainingDirectory } from './training-directory';
