/** LiveKit webhooks: signing (server side) and verification (receiver side), JWT with a body SHA-256. */
package io.osprey.protocol.webhook;
