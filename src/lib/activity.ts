/** How many entries the activity feed shows per page (the page's server prefetch asks for the same first page). */
export const ACTIVITY_PAGE = 20;
