export { adGuidFilter, adSearchFilter, createAdDirectory, parseAdsiOutput, powerShellCommand } from './ad';
export { adFilterLiteral, adSearchScript, POWERSHELL_ARGS } from './ad-script';
export { cachedMatches, type DirectoryService, openCachedDirectory, UNCONFIGURED_DIRECTORY } from './cached-directory';
export { escapeBinaryValue, escapeFilterValue, nameSearchFilter } from './filter';
export { directoryKindFor, type DirectoryEnvironment, openDirectory } from './from-settings';
export { guidFromObjectGuid, objectGuidFromGuid } from './guid';
export { createLdapDirectory, type LdapDirectoryConfig } from './ldap';
export { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';
export { requestsForPeople, searchRequestsWithPeople } from './request-search';
