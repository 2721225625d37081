// The adapters (./ad: PowerShell's ADSI search, ./ldap: ldapts) are loaded by openDirectory when the
// settings ask for one, not through here: training and most stations never do (start-up share).
export { cachedMatches, type DirectoryService, openCachedDirectory, UNCONFIGURED_DIRECTORY } from './cached-directory';
export { directoryKindFor, type DirectoryEnvironment, openDirectory } from './from-settings';
export { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';
export { requestsForPeople, searchRequestsWithPeople } from './request-search';
