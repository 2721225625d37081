export { createConnectivity } from './connectivity';
export type { Connectivity, ConnectivityOptions } from './connectivity';
