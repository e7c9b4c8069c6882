/** The osprey-server: control plane, signalling, rooms, webhooks and the one composition root. */
package io.osprey.server;
