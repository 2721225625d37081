export { adGuidFilter, adSearchFilter, createAdDirectory, parseAdsiOutput } from './ad';
export { AD_SEARCH_SCRIPT, encodedCommand } from './ad-script';
export { cachedMatches, type DirectoryService, openCachedDirectory, UNCONFIGURED_DIRECTORY } from './cached-directory';
export { escapeBinaryValue, escapeFilterValue, nameSearchFilter } from './filter';
export { directoryKindFor, type DirectoryEnvironment, openDirectory } from './from-settings';
export { guidFromObjectGuid, objectGuidFromGuid } from './guid';
export { createLdapDirectory, type LdapDirectoryConfig } from './ldap';
export { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';
export { requestsForPeople, searchRequestsWithPeople } from './request-search';
