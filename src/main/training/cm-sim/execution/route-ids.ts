/**
 * The routes a client needs to execute a request on a card, each from its page in
 * MicrosoftDocs/MIMDocs `MIMDocs/reference/` (paths as the route table of
 * certificate-management-rest-api-service-details.md lists them, under /api/v1.0):
 */
export const EXECUTION_ROUTE_IDS = [
  /** SmartcardsConfigurationController; sample-enrollment-walkthrough.md step 12. */
  'GET /profiletemplates/{id}/configuration/smartcards',
  /** get-smartcard-authentication-response.md */
  'GET /requests/{id}/smartcards/{id}/authenticationresponse',
  /** get-smartcard-diversified-admin-key.md */
  'GET /requests/{id}/smartcards/{id}/diversifiedkey',
  /** The route table's path for the proposed PIN (SmartcardsController)... */
  'GET /requests/{id}/smartcards/{id}/serverproposedpin',
  /** ...and get-smartcard-proposed-pin.md's own: both are served, the pages disagree. */
  'GET /smartcards/{id}/serverproposedpin',
  /** get-certificate-request-generation-options.md */
  'GET /requests/{id}/certificaterequestgenerationoptions',
  /** get-certificate-responses.md */
  'POST /requests/{id}/certificatedata',
  /** cancel-abandon-complete-request.md */
  'PUT /requests/{id}',
] as const;
export type ExecutionRouteId = (typeof EXECUTION_ROUTE_IDS)[number];

export function isExecutionRoute(route: string): route is ExecutionRouteId {
  return (EXECUTION_ROUTE_IDS as readonly string[]).includes(route);
}
