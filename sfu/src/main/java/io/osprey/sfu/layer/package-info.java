/** Simulcast layer selection per subscriber (RFC 8853), switching on key frames. */
package io.osprey.sfu.layer;
