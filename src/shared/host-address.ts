// No zod here: the page's first screen builds the host's WebSocket address from these.

/** The page learns its token from the URL fragment, which browsers never send to the server. */
export const HOST_TOKEN_FRAGMENT = 'token';
export const HOST_WS_PATH = '/ws';
export const HOST_TOKEN_QUERY = 'token';
