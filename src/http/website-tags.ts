/** The OpenAPI tags of the routes the course's movie website calls beside the API's own. */
export const movieWebsiteTags = ['movie website'];
