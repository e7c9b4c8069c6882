/** Generic NACK generation towards publishers (RFC 4585 §6.2.1). */
package io.osprey.sfu.nack;
