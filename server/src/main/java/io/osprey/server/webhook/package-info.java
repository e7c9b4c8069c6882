/** LiveKit webhooks: signed, ordered per room, retried with backoff, bounded. */
package io.osprey.server.webhook;
