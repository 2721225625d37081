// The folder's public API: other folders import from here only.
export { newHostToken } from './access';
export { startHost } from './server';
