/**
 * This page load's id, new at every load (a reload is a new page). A live recording is owned by
 * the page load that started it: when that one's session ends, the recording is offered for
 * recovery at once.
 */
export const pageId: string = crypto.randomUUID()
